# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The durable journal of a batch in flight (not a model: a helper of
``sms.sms._sc_send_through``).

Right before a request leaves, its rows get ``sc_handed_at``; right after the
answer, the answer goes into ``sc_send_answer``. Both are committed at once on
a connection of their own (autocommit), so that a worker killed mid-batch
leaves behind exactly what happened: rows answered (their answers are applied
by the recovery), the one request in flight (handed, no answer: it may have
been sent), and rows never handed (back to the queue).

One statement per request: the answers of the previous request travel with the
hand-off of the next one (an answer not yet written when the worker dies
leaves its row handed without answer: uncertain, never sent twice).

The hand-off is a compare-and-set on the reservation (``state = 'process'``
and the worker's own ``sc_reserved_at``): a row the recovery took back from a
worker it thought dead is skipped by that worker, never sent twice.
"""

import dataclasses
import json

HAND_SQL = """
    UPDATE sms_sms
       SET sc_handed_at = CASE WHEN id = ANY(%(hand)s)
                               THEN now() AT TIME ZONE 'UTC'
                               ELSE sc_handed_at END,
           sc_send_answer = COALESCE(%(answers)s::jsonb -> id::text, sc_send_answer)
     WHERE id = ANY(%(ids)s)
       AND state = 'process'
       AND sc_reserved_at = %(stamp)s
 RETURNING id
"""


class SendJournal:
    """Hands a reserved batch to a provider, one durable step per request.

    ``cr``: an autocommit cursor of its own (the worker's reservation is
    committed and its transaction must stay read-only until the answers are
    written: see ``sms.sms._sc_send_through``), or the worker's own cursor
    when nothing is committed (tests, a send outside the queue worker).
    """

    def __init__(self, cr, rows, stamp):
        self.cr = cr
        self.stamp = stamp
        self.id_by_uuid = {sms.uuid: sms.id for sms in rows}
        self.waiting = {}  # id -> answer not yet written
        self.handed = set()
        self.statements = 0

    def _write(self, hand_ids):
        ids = list(hand_ids) + list(self.waiting)
        if not ids:
            return set()
        self.cr.execute(
            HAND_SQL,
            {
                "hand": list(hand_ids),
                "answers": json.dumps(
                    {str(sms_id): answer for sms_id, answer in self.waiting.items()}
                ),
                "ids": ids,
                "stamp": self.stamp,
            },
        )
        self.statements += 1
        self.waiting.clear()
        return {row[0] for row in self.cr.fetchall()}

    def hand(self, uuids):
        """Mark these messages handed (durably) before their request; returns
        the uuids that may go."""
        hand_ids = [self.id_by_uuid[uuid] for uuid in uuids]
        written = self._write(hand_ids)
        allowed = [uuid for uuid in uuids if self.id_by_uuid[uuid] in written]
        self.handed.update(self.id_by_uuid[uuid] for uuid in allowed)
        return allowed

    def answered(self, results):
        """Keep the answers; they are written with the next hand-off."""
        for result in results:
            self.waiting[self.id_by_uuid[result.uuid]] = dataclasses.asdict(result)

    def close(self):
        """Write the last answers."""
        self._write([])

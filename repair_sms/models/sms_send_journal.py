# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The durable journal of a batch in flight (not a model: a helper of
``sms.sms._sc_send_through``).

Right before a request leaves, its row gets ``sc_handed_at``; the gateway's
answer is journaled with the next hand-off (in the next row's
``sc_send_answer``, a list of answers by uuid), the last ones on their own
rows when the batch ends. All of it is committed at once on a connection of
its own (autocommit), so that a worker killed mid-batch leaves behind exactly
what happened: rows answered (their answers are applied by the recovery), the
one request in flight (handed, no answer: it may have been sent), and rows
never handed (back to the queue).

One statement per request, on one row: the answers of the previous request
travel with the hand-off of the next one (an answer not yet written when the
worker dies leaves its row handed without answer: uncertain, never sent
twice).

The hand-off is a compare-and-set on the reservation (``state = 'process'``
and the worker's own ``sc_reserved_at``): a row the recovery took back from a
worker it thought dead is skipped by that worker, never sent twice.
"""

import dataclasses
import json

HAND_SQL = """
    UPDATE sms_sms
       SET sc_handed_at = now() AT TIME ZONE 'UTC',
           sc_send_answer = %(answers)s::jsonb
     WHERE id = ANY(%(ids)s)
       AND state = 'process'
       AND sc_reserved_at = %(stamp)s
 RETURNING id
"""
ANSWER_SQL = """
    UPDATE sms_sms
       SET sc_send_answer = COALESCE(sc_send_answer, '[]'::jsonb) || %(answers)s::jsonb
     WHERE id = ANY(%(ids)s)
       AND state = 'process'
       AND sc_reserved_at = %(stamp)s
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
        self.waiting = []  # answers not yet written
        self.handed = set()
        self.statements = 0

    def _answers(self):
        return json.dumps(self.waiting) if self.waiting else None

    def _write_waiting_on_own_rows(self):
        if not self.waiting:
            return
        self.cr.execute(
            ANSWER_SQL,
            {
                "answers": self._answers(),
                "ids": [self.id_by_uuid[answer["uuid"]] for answer in self.waiting],
                "stamp": self.stamp,
            },
        )
        self.statements += 1
        self.waiting = []

    def hand(self, uuids):
        """Mark these messages handed (durably) before their request, with the
        previous answers; returns the uuids that may go."""
        self.cr.execute(
            HAND_SQL,
            {
                "answers": self._answers(),
                "ids": [self.id_by_uuid[uuid] for uuid in uuids],
                "stamp": self.stamp,
            },
        )
        self.statements += 1
        written = {row[0] for row in self.cr.fetchall()}
        if written:
            self.waiting = []
        else:
            # Taken back: the answers go on their own rows instead.
            self._write_waiting_on_own_rows()
        allowed = [uuid for uuid in uuids if self.id_by_uuid[uuid] in written]
        self.handed.update(self.id_by_uuid[uuid] for uuid in allowed)
        return allowed

    def answered(self, results):
        """Keep the answers; they are written with the next hand-off."""
        self.waiting.extend(dataclasses.asdict(result) for result in results)

    def close(self):
        """Write the last answers, on their own rows."""
        self._write_waiting_on_own_rows()

# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The durable journal of a batch in flight (not a model: a helper of
``sms.sms._sc_send_through``).

Right before a request leaves, its row gets ``sc_handed_at``; the gateway's
answers are journaled with a later hand-off (in that row's
``sc_send_answer``, a list of answers by uuid), the last ones on their own
rows when the batch ends. Each statement commits at once, on a connection of
its own, so that a worker killed mid-batch leaves behind exactly what
happened: rows answered (their answers are applied by the recovery), rows
handed without answer (they may have been sent: never sent again), and rows
never handed (back to the queue).

One statement per request, on one row: the answers of earlier requests
travel with the hand-off of a later one (an answer not yet written when the
worker dies leaves its row handed without answer: uncertain, never sent
twice).

*Look-ahead* (the queue worker's journal, on a :class:`JournalConnection`):
the hand-off of the next request is sent to PostgreSQL before the current
request leaves and its result is read after the current answer, so that the
database commits it while the gateway works and no request waits for a
database round trip (with a local gateway that answers in a millisecond, the
round trip weighed as much as the request). The price, after a hard kill
only: the next message may be handed without having left, so up to two
messages are uncertain instead of one (the one in flight and the next; or the
one in flight and the previous, whose answer was not journaled yet). When the
sender stops normally or with an exception, a hand-off whose request never
left is withdrawn.

The hand-off is a compare-and-set on the reservation (``state = 'process'``
and the worker's own ``sc_reserved_at``): a row the recovery took back from a
worker it thought dead is skipped by that worker, never sent twice.
"""

import json
import logging

import psycopg2
from psycopg2.extras import wait_select

from odoo import sql_db

_logger = logging.getLogger(__name__)

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
WITHDRAW_SQL = """
    UPDATE sms_sms
       SET sc_handed_at = NULL
     WHERE id = ANY(%(ids)s)
       AND state = 'process'
       AND sc_reserved_at = %(stamp)s
"""
# PostgreSQL's synchronous_commit on the journal's connection.
SYNCHRONOUS_COMMIT = ("on", "local", "off")


class JournalConnection:
    """The journal's own connection to the worker's database: asynchronous
    (psycopg2's ``async_``, hence autocommit, read committed), so that a
    statement can be sent now and its result read later.

    Read committed: a row the recovery took back is seen as such (skipped),
    not a serialization failure. Each statement is counted in Odoo's
    ``sql_db.sql_counter`` like the ORM's.
    """

    def __init__(self, dbname, synchronous_commit="on"):
        if synchronous_commit not in SYNCHRONOUS_COMMIT:
            raise ValueError(synchronous_commit)
        _db, info = sql_db.connection_info_for(dbname)
        self.cnx = psycopg2.connect(async_=1, **info)
        self.cursor = None
        self.pending = False
        try:
            wait_select(self.cnx)
            self.cursor = self.cnx.cursor()
            # A value from the fixed list above, not user text.
            self.run(
                "SET synchronous_commit TO %s; "
                "SET default_transaction_isolation TO 'read committed'"
                % synchronous_commit
            )
        except Exception:
            self.close()
            raise

    def send(self, query, params=None):
        """Send a statement; its result is read by :meth:`result`."""
        assert not self.pending, "one statement at a time"
        self.cursor.execute(query, params)
        self.pending = True
        sql_db.sql_counter += 1

    def result(self):
        """Wait for the statement sent last; its rows (RETURNING), if any."""
        self.pending = False
        wait_select(self.cnx)
        return self.cursor.fetchall() if self.cursor.description else []

    def run(self, query, params=None):
        self.send(query, params)
        return self.result()

    def close(self):
        if not self.cnx.closed:
            self.cnx.close()


class _SyncConnection:
    """The same interface on an Odoo cursor (the worker's own, when nothing
    is committed: tests, a send outside the queue worker)."""

    def __init__(self, cr):
        self.cr = cr

    def run(self, query, params=None):
        self.cr.execute(query, params)
        return self.cr.fetchall() if self.cr.description else []


class SendJournal:
    """Hands a reserved batch to a provider, one durable step per request.

    ``cnx``: a :class:`JournalConnection` (the queue worker: its reservation
    is committed and its transaction must stay read-only until the answers
    are written, see ``sms.sms._sc_send_through``; hand-offs look ahead), or
    the worker's own Odoo cursor when nothing is committed (no look-ahead).
    """

    def __init__(self, cnx, rows, stamp):
        self.look_ahead = isinstance(cnx, JournalConnection)
        self.cnx = cnx if self.look_ahead else _SyncConnection(cnx)
        self.stamp = stamp
        self.id_by_uuid = {sms.uuid: sms.id for sms in rows}
        self.waiting = []  # answers not yet written
        self.handed = set()
        self.statements = 0
        # (uuids, answers) of the hand-off sent ahead, its result not read.
        self.ahead = None

    def _params(self, uuids, answers):
        return {
            "answers": json.dumps(answers) if answers else None,
            "ids": [self.id_by_uuid[uuid] for uuid in uuids],
            "stamp": self.stamp,
        }

    def _run(self, query, uuids, answers):
        self.statements += 1
        return self.cnx.run(query, self._params(uuids, answers))

    def _hand_off(self, uuids, answers):
        """Mark these rows handed, with earlier answers; returns the ids
        written."""
        return self._written(
            {row[0] for row in self._run(HAND_SQL, uuids, answers)}, answers
        )

    def _written(self, written, answers):
        if not written and answers:
            # Taken back: the answers go on their own rows instead.
            self._run(ANSWER_SQL, [answer["uuid"] for answer in answers], answers)
        return written

    def _take_waiting(self):
        answers, self.waiting = self.waiting, []
        return answers

    def _settle_ahead(self):
        """Read the result of the hand-off sent ahead: (uuids, ids written)."""
        if self.ahead is None:
            return None, set()
        uuids, answers = self.ahead
        self.ahead = None
        written = {row[0] for row in self.cnx.result()}
        return uuids, self._written(written, answers)

    # -- what a provider calls --------------------------------------------------
    def hand(self, uuids, upcoming=None):
        """Mark these messages handed (durably) before their request, with
        the previous answers; returns the uuids that may go.

        ``upcoming``: the uuids of the next request, whose hand-off is sent
        ahead while this one is in flight (on a :class:`JournalConnection`).
        """
        uuids = list(uuids)
        ahead_uuids, written = self._settle_ahead()
        if ahead_uuids != uuids:
            if ahead_uuids:
                # Handed ahead for another request (a provider that changed
                # its mind): that one did not leave.
                self._withdraw(ahead_uuids)
            written = self._hand_off(uuids, self._take_waiting())
        allowed = [uuid for uuid in uuids if self.id_by_uuid[uuid] in written]
        self.handed.update(self.id_by_uuid[uuid] for uuid in allowed)
        if upcoming and self.look_ahead:
            upcoming = list(upcoming)
            answers = self._take_waiting()
            self.statements += 1
            self.cnx.send(HAND_SQL, self._params(upcoming, answers))
            self.ahead = (upcoming, answers)
        return allowed

    def answered(self, results):
        """Keep the answers; they are written with a later hand-off."""
        # A shallow copy of the fields (dataclasses.asdict deep-copies).
        self.waiting.extend(dict(vars(result)) for result in results)

    def close(self):
        """Write the last answers, on their own rows; withdraw a hand-off
        whose request never left."""
        ahead_uuids, _written = self._settle_ahead()
        if ahead_uuids:
            self._withdraw(ahead_uuids)
        answers = self._take_waiting()
        if answers:
            self._run(ANSWER_SQL, [answer["uuid"] for answer in answers], answers)

    def abort(self):
        """The sender stopped with an exception: write what is known and
        withdraw the hand-off of a request that never left (best effort: the
        sender's exception is the one that matters)."""
        try:
            self.close()
        except Exception:  # pylint: disable=broad-except
            _logger.exception("SMS journal: could not close after an error")

    def _withdraw(self, uuids):
        """These rows were handed ahead but their request never left."""
        self._run(WITHDRAW_SQL, uuids, None)
        self.handed.difference_update(self.id_by_uuid[uuid] for uuid in uuids)

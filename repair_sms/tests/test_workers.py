# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two queue workers on one queue, each with its own database connection.

The rows must be committed for two connections to see them, so this test
commits its own records and deletes them afterwards.
"""

import threading
from collections import Counter
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged

from ..models.sms_send_journal import SendJournal
from .common import CommittedMixin, StandinMixin


@tagged("post_install", "-at_install")
class TestTwoWorkers(CommittedMixin, StandinMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()

    def test_two_workers_send_each_message_once(self):
        count = 60

        _gateway_id, ids = self._committed_batch(
            "Two workers",
            [
                ("+7916123%04d" % index, "Two workers %d" % index)
                for index in range(100, 100 + count)
            ],
            provider="smsc",
        )

        def settings(env):
            ICP = env["ir.config_parameter"]
            old = ICP.get_param("sms.session.batch.size")
            ICP.set_param("sms.session.batch.size", 7)
            # The crash test runs the journal with synchronous_commit on (the
            # default); these workers run it off.
            ICP.set_param("repair_sms.journal_synchronous_commit", "off")
            return old

        old_batch = self._committed(settings)

        def restore(env):
            env["ir.config_parameter"].set_param("sms.session.batch.size", old_batch)
            env["ir.config_parameter"].set_param(
                "repair_sms.journal_synchronous_commit", False
            )

        self.addCleanup(self._committed, restore)

        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    # The test runner holds the registry lock: hand the
                    # registry to the transaction instead of looking it up.
                    cr.transaction = api.Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(10)
                    env["sms.sms"]._process_queue(ids=ids)
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertFalse(errors)
        texts = Counter(m["text"] for m in self._sent())
        self.assertEqual(len(texts), count, "every message sent")
        self.assertEqual(set(texts.values()), {1}, "no message sent twice")

        def journal(env):
            rows = env["sms.sms"].browse(ids)
            return set(rows.mapped("state")), all(rows.mapped("sc_handed_at"))

        self.assertEqual(self._committed(journal), ({"pending"}, True))


@tagged("post_install", "-at_install")
class TestTakenBack(StandinMixin, TransactionCase):
    """A worker the recovery thought dead (reserved long ago) never sends the
    rows it took back: the hand-off is a compare-and-set on the reservation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()

    def test_rows_taken_back_are_skipped_by_the_old_worker(self):
        gateway = self._gateway()
        rows = self._sms(gateway, count=3)
        reserved, stamp = rows._sc_reserve(gateway)
        self.assertEqual(reserved, rows)
        # The first row left before the recovery ran: handed, no answer yet.
        journal = SendJournal(self.env.cr, reserved, stamp)
        self.assertEqual(journal.hand([rows[0].uuid]), [rows[0].uuid])
        rows.invalidate_recordset()
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            self.env["sms.sms"]._sc_recover_interrupted()
        self.env.flush_all()
        self.assertEqual(
            rows.mapped("state"), ["error", "outgoing", "outgoing"], "in flight / back"
        )
        self.assertEqual(rows.mapped("sc_attempts"), [1, 0, 0])
        messages = [
            {"uuid": sms.uuid, "number": sms.number, "body": sms.body}
            for sms in rows[1:]
        ]
        self.assertEqual(gateway._provider().send(messages, journal=journal), [])
        self.assertFalse(self._sent(), "the old worker sent nothing")
        # The next worker sends them, once.
        self.env["sms.sms"]._process_queue(ids=rows.ids)
        self.assertEqual(rows.mapped("state"), ["error", "pending", "pending"])
        self.assertEqual(len(self._sent()), 2)

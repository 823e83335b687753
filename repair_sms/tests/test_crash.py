# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A queue worker killed between the gateway's acceptance and its commit.

A real Odoo process (its own registry and database connection) runs the SMS
queue worker on a batch; the stand-in gateway SIGKILLs it right after
accepting one message of the batch, before answering: the gateway has that SMS,
our database does not know. Restarted workers and crons must never send it
again, and must send the rest of the batch once. The rows must be
committed for the other process to see them, so this test commits its own
records and deletes them afterwards.
"""

import json
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from ..models.sms_send_journal import JournalConnection, SendJournal
from ..providers.base import SendResult
from .common import CommittedMixin, StandinMixin

WORKER = """
import json, sys
import odoo
from odoo.tools import config
args = json.loads(sys.argv[1])
config.parse_config(args["options"])
registry = odoo.modules.registry.Registry(args["db"])
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env["sms.sms"]._process_queue(ids=args["ids"])
print("the worker was not killed")
"""


@tagged("post_install", "-at_install")
class TestWorkerKilled(CommittedMixin, StandinMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()

    def _worker_options(self):
        options = ["--addons-path", config["addons_path"], "--log-level", "warn"]
        for key, option in (
            ("db_host", "--db_host"),
            ("db_port", "--db_port"),
            ("db_user", "--db_user"),
            ("db_password", "--db_password"),
            ("data_dir", "--data-dir"),
        ):
            if config.get(key):
                options.append("%s=%s" % (option, config[key]))
        return options

    def _run_worker(self, ids, kill_after=None):
        args = {
            "db": self.env.cr.dbname,
            "ids": ids,
            "options": self._worker_options(),
        }
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        if kill_after:
            self.standin.state.kill_after = kill_after
            self.standin.state.kill_pid = worker.pid
        output = worker.communicate(timeout=300)[0].decode(errors="replace")
        return worker.returncode, output

    def test_killed_mid_batch(self):
        """Killed right after the gateway accepted message k of n: 1..k-1 keep
        their answers; k (in flight) and k+1 (its hand-off was committed
        ahead, while k was in flight) are uncertain: not sent again, manager
        told; k+2..n go back to the queue and leave once with the next
        worker."""
        count, k = 6, 3

        _gateway_id, ids = self._committed_batch(
            "Killed worker",
            [
                ("+7916123456%d" % index, "Killed worker %d: ready, 2 500 ₽" % index)
                for index in range(1, count + 1)
            ],
        )

        returncode, output = self._run_worker(ids, kill_after=k)
        self.assertEqual(returncode, -signal.SIGKILL, output)
        self.assertEqual(
            [m["text"] for m in self._sent()],
            ["Killed worker %d: ready, 2 500 ₽" % i for i in range(1, k + 1)],
            "the gateway accepted 1..k, then the worker died",
        )

        def rows(env):
            batch = env["sms.sms"].browse(ids)
            answers = {
                answer["uuid"]: answer["state"]
                for sms in batch
                for answer in (sms.sc_send_answer or [])
            }
            return [
                (
                    sms.state,
                    sms.sc_attempts,
                    bool(sms.sc_handed_at),
                    answers.get(sms.uuid),
                    sms.sc_message_id or False,
                )
                for sms in batch
            ]

        # The journal was committed request by request, the batch's answers
        # were not: 1..k-1 answered (k-1's answer with k+1's hand-off), k and
        # k+1 handed without answer, the rest reserved and never handed.
        journal = self._committed(rows)
        self.assertEqual(
            [row[:4] for row in journal],
            [("process", 1, True, "pending")] * (k - 1)
            + [("process", 1, True, None)] * 2
            + [("process", 1, False, None)] * (count - k - 1),
        )

        def restart(env):
            env["sms.sms"]._process_queue(ids=ids)
            env["sms.sms"]._sc_cron_poll_status()

        # Within the grace period the worker may still be alive: untouched.
        self._committed(restart)
        self.assertEqual(self._committed(rows), journal)
        self.assertEqual(len(self._sent()), k)

        # After it, the recovery applies the journal.
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            self._committed(lambda env: env["sms.sms"]._sc_cron_poll_status())
        recovered = self._committed(rows)
        self.assertEqual(
            [row[:2] for row in recovered],
            [("pending", 1)] * (k - 1)
            + [("error", 1)] * 2
            + [("outgoing", 0)] * (count - k - 1),
        )
        self.assertTrue(all(row[4] for row in recovered[: k - 1]), "message ids kept")
        reasons = self._committed(
            lambda env: (
                env["sms.sms"].browse(ids[k - 1 : k + 1]).mapped("sc_failure_reason")
            )
        )
        self.assertEqual(len(reasons), 2)
        self.assertTrue(all("Not sent again" in reason for reason in reasons))

        # The next worker (a real process again) sends k+1..n, once.
        returncode, output = self._run_worker(ids)
        self.assertEqual(returncode, 0, output)
        self.assertEqual(
            [row[:2] for row in self._committed(rows)],
            [("pending", 1)] * (k - 1)
            + [("error", 1)] * 2
            + [("pending", 1)] * (count - k - 1),
        )
        texts = Counter(m["text"] for m in self._sent())
        self.assertEqual(
            set(texts),
            {"Killed worker %d: ready, 2 500 ₽" % i for i in range(1, count + 1)}
            - {"Killed worker %d: ready, 2 500 ₽" % (k + 1)},
            "every message reached the gateway but k+1 (uncertain, held back)",
        )
        self.assertEqual(set(texts.values()), {1}, "none twice")
        # Later runs of the worker and the crons send nothing more.
        with freeze_time(fields.Datetime.now() + timedelta(minutes=40)):
            self._committed(restart)
        self.assertEqual(len(self._sent()), count - 1)

    def test_look_ahead_withdrawn_when_the_sender_stops(self):
        """The queue worker's journal hands the next request off while the
        current one is in flight, on a connection of its own; when the
        sender stops (an exception, or a batch that ends early), that
        hand-off is withdrawn: the row goes back to the queue, not to the
        uncertain ones."""

        gateway_id, ids = self._committed_batch(
            "Look-ahead",
            [("+7916123450%d" % i, "Look-ahead %d" % i) for i in range(3)],
        )

        def reserve(env):
            gateway = env["repair.sms.gateway"].browse(gateway_id)
            reserved, stamp = env["sms.sms"].browse(ids)._sc_reserve(gateway)
            return reserved.mapped("uuid"), stamp

        uuids, stamp = self._committed(reserve)

        def handed(env):
            return (
                env["sms.sms"]
                .browse(ids)
                .mapped(lambda sms: (bool(sms.sc_handed_at), sms.sc_send_answer or []))
            )

        cnx = JournalConnection(self.env.cr.dbname, "on")
        try:
            rows = [
                SimpleNamespace(id=i, uuid=u) for i, u in zip(ids, uuids, strict=True)
            ]
            journal = SendJournal(cnx, rows, stamp)
            self.assertEqual(journal.hand([uuids[0]], [uuids[1]]), [uuids[0]])
            journal.answered([SendResult(uuids[0], "pending", message_id="m0")])
            # Sent ahead, read with the next hand-off: committed already.
            self.assertEqual(journal.hand([uuids[1]], [uuids[2]]), [uuids[1]])
            # Row 2's hand-off was sent ahead and read now: committed.
            self.assertEqual(self._committed(handed)[:2], [(True, []), (True, [])])
            # Row 2's request fails in a way nobody foresaw: row 3 never left.
            journal.abort()
        finally:
            cnx.close()
        rows = self._committed(handed)
        self.assertEqual([row[0] for row in rows], [True, True, False])
        self.assertEqual(
            [answer["uuid"] for answer in rows[2][1]],
            [uuids[0]],
            "row 1's answer traveled with row 3's hand-off and stays journaled",
        )
        self.assertEqual(journal.statements, 4, "three hand-offs and a withdrawal")

        # The recovery: row 1 answered, row 2 uncertain, row 3 back in the queue.
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            self._committed(lambda env: env["sms.sms"]._sc_recover_interrupted())
        self.assertEqual(
            self._committed(lambda env: env["sms.sms"].browse(ids).mapped("state")),
            ["pending", "error", "outgoing"],
        )
        self.assertFalse(self._sent(), "the test made no request")

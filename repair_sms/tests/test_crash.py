# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A queue worker killed between the gateway's acceptance and its commit.

A real Odoo process (its own registry and database connection) runs the SMS
queue worker; the stand-in gateway SIGKILLs it right after accepting the
message, before answering: the gateway has the SMS, our database does not
know. Restarted workers and crons must never send it again. The rows must be
committed for the other process to see them, so this test commits its own
records and deletes them afterwards.
"""

import json
import signal
import subprocess
import sys
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from .common import StandinMixin
from .standins.sms_gateways import SECRET

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
class TestWorkerKilled(StandinMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()

    def _committed(self, function):
        with self.registry.cursor() as cr:
            # The test runner holds the registry lock: hand the registry to
            # the transaction instead of looking it up.
            cr.transaction = api.Transaction(self.registry)
            result = function(api.Environment(cr, SUPERUSER_ID, {}))
            # Another process must see the rows: this test commits its own
            # records on its own cursor and deletes them in a cleanup.
            cr.commit()  # pylint: disable=invalid-commit
        return result

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

    def test_killed_after_acceptance_sends_once(self):
        def setup(env):
            gateway = env["repair.sms.gateway"].create(
                {
                    "name": "Killed worker",
                    "provider": "smsru",
                    "endpoint": self.standin.url,
                    "secret": SECRET,
                }
            )
            sms = env["sms.sms"].create(
                {
                    "number": "+79161234567",
                    "body": "Killed worker: ready, 2 500 ₽",
                    "sc_gateway_id": gateway.id,
                }
            )
            return gateway.id, sms.id

        gateway_id, sms_id = self._committed(setup)

        def cleanup(env):
            env["sms.sms"].browse(sms_id).unlink()
            env["repair.sms.gateway"].browse(gateway_id).unlink()

        self.addCleanup(self._committed, cleanup)

        args = {
            "db": self.env.cr.dbname,
            "ids": [sms_id],
            "options": self._worker_options(),
        }
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.standin.state.kill_pid = worker.pid
        output = worker.communicate(timeout=300)[0].decode(errors="replace")
        self.assertEqual(worker.returncode, -signal.SIGKILL, output)
        self.assertEqual(len(self._sent()), 1, "the gateway accepted it")

        def row(env):
            sms = env["sms.sms"].browse(sms_id)
            return sms.state, sms.sc_attempts, sms.sc_failure_reason

        # The reservation was committed before the request left; the answer
        # died with the worker.
        self.assertEqual(self._committed(row), ("process", 1, False))

        def restart(env):
            env["sms.sms"]._process_queue(ids=[sms_id])
            env["sms.sms"]._sc_cron_poll_status()

        self._committed(restart)
        self.assertEqual(self._committed(row)[0], "process")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            self._committed(restart)
        state, attempts, reason = self._committed(row)
        self.assertEqual((state, attempts), ("error", 1))
        self.assertIn("Not sent again", reason)
        self.assertEqual(len(self._sent()), 1, "never sent a second time")

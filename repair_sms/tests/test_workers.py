# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two queue workers on one queue, each with its own database connection.

The rows must be committed for two connections to see them, so this test
commits its own records and deletes them afterwards.
"""

import threading
from collections import Counter

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common import CREDENTIALS, StandinMixin
from .standins.sms_gateways import SECRET


@tagged("post_install", "-at_install")
class TestTwoWorkers(StandinMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()

    def _committed(self, function):
        with self.registry.cursor() as cr:
            result = function(api.Environment(cr, SUPERUSER_ID, {}))
            # Two connections must see the rows: this test commits its own
            # records on its own cursor and deletes them in a cleanup.
            cr.commit()  # pylint: disable=invalid-commit
        return result

    def test_two_workers_send_each_message_once(self):
        count = 60

        def setup(env):
            gateway = env["repair.sms.gateway"].create(
                {
                    "name": "Two workers",
                    "provider": "smsc",
                    "endpoint": self.standin.url,
                    "secret": SECRET,
                    **CREDENTIALS["smsc"],
                }
            )
            rows = env["sms.sms"].create(
                [
                    {
                        "number": "+7916123%04d" % index,
                        "body": "Two workers %d" % index,
                        "sc_gateway_id": gateway.id,
                    }
                    for index in range(100, 100 + count)
                ]
            )
            ICP = env["ir.config_parameter"]
            old = ICP.get_param("sms.session.batch.size")
            ICP.set_param("sms.session.batch.size", 7)
            return gateway.id, rows.ids, old

        gateway_id, ids, old_batch = self._committed(setup)

        def cleanup(env):
            env["sms.sms"].browse(ids).unlink()
            env["repair.sms.report"].search([("gateway_id", "=", gateway_id)]).unlink()
            env["repair.sms.gateway"].browse(gateway_id).unlink()
            env["ir.config_parameter"].set_param("sms.session.batch.size", old_batch)

        self.addCleanup(self._committed, cleanup)

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
        states = self._committed(lambda env: env["sms.sms"].browse(ids).mapped("state"))
        self.assertEqual(set(states), {"pending"})

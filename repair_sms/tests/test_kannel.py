# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Kannel provider against a real Kannel (bearerbox + smsbox + fakesmsc).

Delivery reports come back from smsbox to this test's Odoo HTTP server.
"""

import time

from odoo.tests import HttpCase, tagged

from .standins import kannel


@tagged("post_install", "-at_install")
class TestKannel(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not kannel.available():
            raise RuntimeError("Kannel is not installed: apt-get install kannel")
        cls.stack = kannel.KannelStack().start()
        cls.addClassCleanup(cls.stack.stop)
        cls.gateway = cls.env["repair.sms.gateway"].create(
            {
                "name": "Kannel",
                "provider": "kannel",
                "endpoint": cls.stack.url,
                "account": kannel.USERNAME,
                "secret": kannel.PASSWORD,
                "sender": "RSC",
            }
        )

    def setUp(self):
        super().setUp()
        self.stack.start_smsc()
        self.addCleanup(self.stack.stop_smsc)

    def _send(self, body, gateway=None):
        sms = self.env["sms.sms"].create(
            {
                "number": "+7 916 123-45-67",
                "body": body,
                "sc_gateway_id": (gateway or self.gateway).id,
            }
        )
        # Hold the test cursor's lock while this thread uses it: Kannel's
        # reports reach the test server at once, and the HTTP thread shares
        # the cursor.
        with self.registry.test_lock:
            self.env["sms.sms"]._process_queue(ids=sms.ids)
            self.env.flush_all()
        return sms

    def _wait(self, condition, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.registry.test_lock:
                self.env.invalidate_all()
                if condition():
                    return True
            time.sleep(0.2)
        return False

    def _received(self, body):
        return [m for m in self.stack.received() if m[2] == body]

    def _reports(self, sms):
        return self.env["repair.sms.report"].search([("key", "=", sms.uuid)])

    def test_send_and_both_delivery_reports(self):
        body = "Ремонт RSC-1 готов, к оплате 2 500 ₽"
        sms = self._send(body)
        self.assertEqual(sms.state, "pending", sms.sc_failure_reason)
        self.assertTrue(self._wait(lambda: self._received(body)))
        self.assertEqual(self._received(body)[0][:2], ("RSC", "79161234567"))
        self.assertTrue(
            self._wait(lambda: len(self._reports(sms)) == 2),
            "both reports (SMSC accepted, delivered) came back",
        )
        self.assertEqual(
            sorted(self._reports(sms).mapped("state")), ["pending", "sent"]
        )
        self.assertTrue(all(self._reports(sms).mapped("done")))
        self.assertEqual(sms.state, "sent")
        self.assertEqual(len(self._received(body)), 1)

    def test_smsc_offline_then_back(self):
        self.stack.stop_smsc()
        body = "Queued while the SMSC is away"
        sms = self._send(body)
        self.assertEqual(sms.state, "pending")
        time.sleep(1)
        self.assertFalse(self._received(body))
        self.stack.start_smsc()
        self.assertTrue(self._wait(lambda: self._received(body)))
        self.assertTrue(self._wait(lambda: sms.state == "sent"))
        self.assertEqual(len(self._received(body)), 1)

    def test_wrong_credentials(self):
        gateway = self.gateway.copy({"name": "Kannel bad", "secret": "nope"})
        gateway.account = kannel.USERNAME
        sms = self._send("Never sent", gateway)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_acc")
        self.assertIn("Authorization failed", sms.sc_failure_reason)

    def test_report_needs_the_gateway_token(self):
        sms = self._send("Token check")
        self.assertTrue(self._wait(lambda: sms.state == "sent"))
        url = "/repair_sms/report/%s/%s?uuid=%s&type=16" % (
            self.gateway.id,
            "not-the-token",
            sms.uuid,
        )
        self.assertEqual(self.url_open(url).status_code, 403)
        good = "/repair_sms/report/%s/%s" % (
            self.gateway.id,
            self.gateway.callback_token,
        )
        self.assertEqual(self.url_open(good + "?uuid=x&type=99").status_code, 400)
        # A late "SMSC accepted" after "delivered" does not move it back.
        response = self.url_open(good + "?uuid=%s&type=8" % sms.uuid)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(sms.state, "sent")

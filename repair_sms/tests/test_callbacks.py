# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery-report callbacks of SMS.ru, SMSC.ru, SMS Aero and Twilio, posted
to the test server in each provider's documented format."""

import json

from odoo.tests import HttpCase, tagged

from ..providers.base import SendResult
from .common import StandinMixin


@tagged("post_install", "-at_install")
class TestCallbacks(StandinMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()

    def _pending(self, provider, message_id, number="+79161234567"):
        gateway = self._gateway(provider)
        sms = self.env["sms.sms"].create(
            {"number": number, "body": "Hello", "sc_gateway_id": gateway.id}
        )
        sms.write({"state": "pending", "sc_message_id": message_id})
        return gateway, sms

    def _url(self, gateway):
        return "/repair_sms/report/%s/%s" % (gateway.id, gateway.callback_token)

    def test_smsru_callback(self):
        gateway, sms = self._pending("smsru", "000123-1000001")
        response = self.url_open(
            self._url(gateway),
            data={"data[0]": "sms_status\n000123-1000001\n103\n1764250000"},
        )
        self.assertEqual(response.text, "100")
        self.assertEqual(sms.state, "sent")

    def test_smsc_callback(self):
        gateway, sms = self._pending("smsc", "77|79161234567")
        response = self.url_open(
            self._url(gateway),
            data={"id": "77", "phone": "79161234567", "status": "20", "err": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_not_delivered")

    def test_smsaero_callback(self):
        gateway, sms = self._pending("smsaero", "4242")
        response = self.url_open(
            self._url(gateway),
            data=json.dumps({"id": 4242, "status": 1, "extendStatus": "delivered"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sms.state, "sent")

    def test_twilio_callback(self):
        gateway, sms = self._pending("twilio", "SM0001")
        response = self.url_open(
            self._url(gateway),
            data={
                "MessageSid": "SM0001",
                "MessageStatus": "undelivered",
                "ErrorCode": "30005",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sms.state, "error")
        self.assertIn("30005", sms.sc_failure_reason)

    def test_bad_token_and_bad_report_change_nothing(self):
        gateway, sms = self._pending("twilio", "SM0002")
        bad = "/repair_sms/report/%s/%s" % (gateway.id, "x" * 32)
        response = self.url_open(
            bad, data={"MessageSid": "SM0002", "MessageStatus": "delivered"}
        )
        self.assertEqual(response.status_code, 403)
        response = self.url_open(
            self._url(gateway), data={"MessageSid": "SM0002", "MessageStatus": "?"}
        )
        self.assertEqual(response.status_code, 400)
        other, _sms = self._pending("smsru", "1-1")
        response = self.url_open(
            "/repair_sms/report/%s/%s" % (other.id, gateway.callback_token),
            data={"MessageSid": "SM0002", "MessageStatus": "delivered"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(sms.state, "pending")
        self.assertFalse(
            self.env["repair.sms.report"].search([("gateway_id", "=", gateway.id)])
        )

    def test_report_before_the_worker_recorded_the_answer(self):
        # Kannel reports within milliseconds: the row may still be "process".
        gateway, sms = self._pending("smsru", "5-5")
        sms.state = "process"
        self.url_open(self._url(gateway), data={"data[0]": "sms_status\n5-5\n103\n1"})
        report = self.env["repair.sms.report"].search([("key", "=", "5-5")])
        self.assertFalse(report.done)
        self.assertEqual(sms.state, "process")
        # The worker records the gateway's answer, then applies what waited.
        sms._sc_apply_send_results(
            [SendResult(sms.uuid, "pending", message_id="5-5")], gateway
        )
        self.assertEqual(sms.state, "sent")
        self.assertTrue(report.done)

# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery-report callbacks of SMS.ru, SMSC.ru, SMS Aero and Twilio, posted
to the test server in each provider's documented format."""

import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.sms_send_journal import SendJournal
from ..providers.base import SendResult
from ..providers.twilio import TwilioProvider
from .common import StandinMixin
from .standins.sms_gateways import SECRET, twilio_signature

# Twilio's own published example of a request signature.
TWILIO_EXAMPLE = {
    "token": "12345",
    "url": "https://mycompany.com/myapp.php?foo=1&bar=2",
    "params": {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    },
    "signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
}


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

    def _twilio_post(self, url, params, token=SECRET, signed_url=None, **headers):
        """POST a Twilio status callback to ``url``, signed over ``signed_url``
        (default: the full URL it goes to) with ``token``; no signature when
        ``token`` is None."""
        full = self.base_url() + url
        if token is not None:
            headers["X-Twilio-Signature"] = twilio_signature(
                token, signed_url or full, params
            )
        return self.url_open(url, data=params, headers=headers)

    def test_twilio_signature_is_twilios(self):
        example = TWILIO_EXAMPLE
        self.assertEqual(
            TwilioProvider.signature(
                example["token"], example["url"], example["params"]
            ),
            example["signature"],
        )
        # The stand-in signs independently, the same way.
        self.assertEqual(
            twilio_signature(example["token"], example["url"], example["params"]),
            example["signature"],
        )
        provider = TwilioProvider(secret=example["token"])
        headers = {"X-Twilio-Signature": example["signature"]}
        pairs = list(example["params"].items())
        self.assertTrue(provider.verify_report([example["url"]], pairs, headers))
        # The port Twilio may or may not have had in the URL.
        with_port = example["url"].replace(".com/", ".com:443/")
        self.assertTrue(provider.verify_report([with_port], pairs, headers))
        tampered = [(k, "9" if k == "Digits" else v) for k, v in pairs]
        self.assertFalse(provider.verify_report([example["url"]], tampered, headers))
        self.assertFalse(provider.verify_report([example["url"]], pairs, {}))
        self.assertFalse(
            TwilioProvider(secret="54321").verify_report(
                [example["url"]], pairs, headers
            )
        )

    def test_twilio_callback(self):
        gateway, sms = self._pending("twilio", "SM0001")
        response = self._twilio_post(
            self._url(gateway),
            {
                "MessageSid": "SM0001",
                "MessageStatus": "undelivered",
                "ErrorCode": "30005",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sms.state, "error")
        self.assertIn("30005", sms.sc_failure_reason)

    def test_twilio_standin_signs_its_status_callbacks(self):
        """Sent through the Twilio stand-in, reported back by its signed
        status callbacks to the StatusCallback URL Odoo gave it."""
        gateway = self._gateway("twilio")
        sms = self._sms(gateway, body="Twilio round trip")
        undelivered = self._sms(gateway, number="+79161230013", body="Twilio lost")
        self.env["sms.sms"]._process_queue(ids=(sms | undelivered).ids)
        self.assertEqual(sms.state, "pending")
        callbacks = {m["callback"] for m in self._sent()}
        self.assertEqual(
            callbacks,
            {gateway._report_url(sms.uuid), gateway._report_url(undelivered.uuid)},
        )
        self.env.flush_all()
        codes = self.standin.post_twilio_callbacks()
        self.assertEqual(codes, [200, 200, 200, 200])
        self.env.invalidate_all()
        self.assertEqual(sms.state, "sent")
        self.assertEqual(undelivered.state, "error")
        self.assertEqual(undelivered.failure_type, "sms_not_delivered")
        self.assertIn("30005", undelivered.sc_failure_reason)

    def test_twilio_forged_or_missing_signature_is_refused(self):
        gateway, sms = self._pending("twilio", "SM0003")
        params = {"MessageSid": "SM0003", "MessageStatus": "delivered"}
        cases = {
            "missing": {"token": None},
            "wrong token": {"token": "not-the-auth-token"},
            "other URL": {"signed_url": self.base_url() + "/elsewhere"},
            "empty": {"token": None, "X-Twilio-Signature": ""},
        }
        for name, kwargs in cases.items():
            with (
                self.subTest(name),
                self.assertLogs(
                    "odoo.addons.repair_sms.controllers.main", "WARNING"
                ) as logs,
            ):
                response = self._twilio_post(self._url(gateway), params, **kwargs)
            self.assertEqual(response.status_code, 403)
            self.assertIn("signature", logs.output[0])
            for secret in (gateway.callback_token, SECRET, "not-the-auth-token"):
                self.assertNotIn(secret, "\n".join(logs.output))
        # A signature over other parameters (a replayed report, edited).
        signature = twilio_signature(
            SECRET,
            self.base_url() + self._url(gateway),
            dict(params, MessageStatus="sent"),
        )
        with self.assertLogs("odoo.addons.repair_sms.controllers.main", "WARNING"):
            response = self.url_open(
                self._url(gateway),
                data=params,
                headers={"X-Twilio-Signature": signature},
            )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(sms.state, "pending")
        self.assertFalse(
            self.env["repair.sms.report"].search([("gateway_id", "=", gateway.id)])
        )

    def test_twilio_signature_behind_a_proxy(self):
        """Twilio signs the public URL it was given (web.base.url), not the
        one the request reaches Odoo on behind the proxy."""
        gateway, sms = self._pending("twilio", "SM0004")
        public = "https://service.example.com"
        self.env["ir.config_parameter"].set_param("web.base.url", public)
        self.assertTrue(gateway._report_url().startswith(public + "/repair_sms/"))
        params = {"MessageSid": "SM0004", "MessageStatus": "delivered"}
        response = self._twilio_post(
            self._url(gateway), params, signed_url=public + self._url(gateway)
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sms.state, "sent")

    def test_bad_token_and_bad_report_change_nothing(self):
        gateway, sms = self._pending("twilio", "SM0002")
        bad = "/repair_sms/report/%s/%s" % (gateway.id, "x" * 32)
        response = self._twilio_post(
            bad, {"MessageSid": "SM0002", "MessageStatus": "delivered"}
        )
        self.assertEqual(response.status_code, 403)
        response = self._twilio_post(
            self._url(gateway), {"MessageSid": "SM0002", "MessageStatus": "?"}
        )
        self.assertEqual(response.status_code, 400)
        other, _sms = self._pending("smsru", "1-1")
        response = self._twilio_post(
            "/repair_sms/report/%s/%s" % (other.id, gateway.callback_token),
            {"MessageSid": "SM0002", "MessageStatus": "delivered"},
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

    def test_kannel_report_resolves_an_uncertain_sms(self):
        """A worker died with three SMS handed to Kannel and no answer. Kannel's
        delivery reports carry our uuid: one that came before the recovery,
        or after it, proves that Kannel has that SMS; the one nobody reported
        stays failed "may have been sent"."""
        gateway = self._gateway("kannel", account="kannel-user", is_default=True)
        rows = self._sms(gateway, count=3)
        reserved, stamp = rows._sc_reserve(gateway)
        journal = SendJournal(self.env.cr, reserved, stamp)
        for sms in rows:
            self.assertEqual(journal.hand([sms.uuid]), [sms.uuid])
        # Kannel's "SMSC accepted" for the first, while the rows are stuck.
        response = self.url_open(
            "%s?uuid=%s&type=8&reply=ACK" % (self._url(gateway), rows[0].uuid)
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(rows[0].state, "process")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            self.env["sms.sms"]._sc_recover_interrupted()
        self.assertEqual(rows.mapped("state"), ["pending", "error", "error"])
        self.assertEqual(rows.mapped("sc_uncertain"), [False, True, True])
        self.assertIn("Not sent again", rows[1].sc_failure_reason)
        # Later, Kannel reports the second delivered.
        response = self.url_open(
            "%s?uuid=%s&type=1&reply=DELIVRD" % (self._url(gateway), rows[1].uuid)
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(rows.mapped("state"), ["pending", "sent", "error"])
        self.assertEqual(rows.mapped("sc_uncertain"), [False, False, True])
        self.assertFalse(rows[1].failure_type)
        self.assertFalse(rows[1].sc_failure_reason)
        # A report never moves a settled row back, uncertain or not.
        self.url_open(
            "%s?uuid=%s&type=8&reply=ACK" % (self._url(gateway), rows[1].uuid)
        )
        self.assertEqual(rows[1].state, "sent")
        # Resent by a manager, the third is an ordinary queued SMS again.
        rows[2].resend_failed()
        self.assertEqual(rows[2].state, "outgoing")
        self.assertFalse(rows[2].sc_uncertain)

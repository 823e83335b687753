# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import socket
import time
from datetime import datetime, timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..providers.base import new_session
from .common import StandinMixin
from .standins.sms_gateways import SECRET, UNAPPROVED

PROVIDERS = ("smsru", "smsc", "smsaero", "twilio")


@tagged("post_install", "-at_install")
class TestGateways(StandinMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()
        cls.gateways = {code: cls._gateway(code) for code in PROVIDERS}
        cls.body_mark = "Hello"

    def _queue(self):
        # Only this test's rows: the database may hold other queued SMS.
        mine = self.env["sms.sms"].search([("body", "like", self.body_mark)])
        self.env["sms.sms"]._process_queue(ids=mine.ids or [0])

    def test_send_status_and_balance_each_provider(self):
        for code, gateway in self.gateways.items():
            with self.subTest(provider=code):
                self.standin.state.reset()
                sms = self._sms(gateway, body="Hello: ваш ремонт готов")
                self._queue()
                self.assertEqual(sms.state, "pending")
                self.assertTrue(sms.sc_message_id)
                sent = self._sent()
                self.assertEqual(len(sent), 1)
                self.assertEqual(sent[0]["provider"], code)
                self.assertEqual(sent[0]["text"], "Hello: ваш ремонт готов")
                self.assertTrue(sent[0]["number"].endswith("79161234567"))
                self.env["sms.sms"]._sc_cron_poll_status()
                self.assertEqual(sms.state, "sent")
                gateway.action_refresh_balance()
                self.assertEqual(gateway.balance, 1234.5)

    def test_definitive_errors_each_provider(self):
        expected = {
            # (invalid number, no funds)
            "smsru": ("sms_number_format", "sms_credit"),
            "smsc": ("sms_number_format", "sms_credit"),
            "smsaero": ("sms_number_format", "sms_credit"),
            "twilio": ("sms_number_format", "unknown"),
        }
        for code, gateway in self.gateways.items():
            with self.subTest(provider=code):
                bad = self._sms(gateway, number="+79161230000")
                broke = self._sms(gateway, number="+79161230402")
                self._queue()
                self.assertEqual(bad.state, "error")
                self.assertEqual((bad.failure_type, broke.failure_type), expected[code])
                self.assertEqual(broke.state, "error")
                self.assertTrue(bad.sc_failure_reason)
                self.assertFalse(self._sent())
                # A definitive error is never retried.
                self._queue()
                self.assertEqual(bad.state, "error")
                self.assertEqual(bad.sc_attempts, 1)

    def test_sender_not_approved_each_provider(self):
        expected = {
            "smsru": "sms_registration_needed",
            "smsc": "sms_not_allowed",
            "smsaero": "sms_registration_needed",
            "twilio": "sms_registration_needed",
        }
        for code in PROVIDERS:
            with self.subTest(provider=code):
                gateway = self._gateway(code, sender=UNAPPROVED)
                sms = self._sms(gateway)
                self._queue()
                self.assertEqual(sms.state, "error")
                self.assertEqual(sms.failure_type, expected[code])
                self.assertTrue(sms.sc_failure_reason)
                self.assertFalse(self._sent())
                self._queue()
                self.assertEqual(sms.sc_attempts, 1, "never retried")

    def test_wrong_credentials_each_provider(self):
        for code in PROVIDERS:
            with self.subTest(provider=code):
                gateway = self._gateway(code, secret="wrong")
                sms = self._sms(gateway)
                self._queue()
                self.assertEqual(sms.state, "error")
                self.assertEqual(sms.failure_type, "sms_acc")

    def test_undelivered_reported_by_status(self):
        for code, gateway in self.gateways.items():
            with self.subTest(provider=code):
                sms = self._sms(gateway, number="+79161230013")
                self._queue()
                self.assertEqual(sms.state, "pending")
                self.env["sms.sms"]._sc_cron_poll_status()
                self.assertEqual(sms.state, "error")
                self.assertEqual(sms.failure_type, "sms_not_delivered")

    def test_retry_with_backoff_then_success(self):
        for kind, code in (("500", "smsc"), ("busy", "smsru"), ("busy", "twilio")):
            with self.subTest(kind=kind, provider=code):
                self.standin.state.reset()
                self.standin.state.fail_count, self.standin.state.fail_kind = 1, kind
                now = fields.Datetime.now()
                with freeze_time(now):
                    sms = self._sms(self.gateways[code])
                    self._queue()
                    self.assertEqual(sms.state, "outgoing")
                    self.assertEqual(sms.sc_attempts, 1)
                    self.assertEqual(sms.sc_send_after, now + timedelta(seconds=30))
                    # Held by the backoff: the next run does not send it.
                    self._queue()
                    self.assertEqual(sms.sc_attempts, 1)
                with freeze_time(now + timedelta(seconds=31)):
                    self._queue()
                self.assertEqual(sms.state, "pending")
                self.assertEqual(sms.sc_attempts, 2)
                self.assertEqual(len(self._sent()), 1)

    def test_gateway_down_gives_up_after_max_attempts(self):
        gateway = self._gateway("smsru", endpoint="http://127.0.0.1:9", max_attempts=2)
        now = fields.Datetime.now()
        with freeze_time(now):
            sms = self._sms(gateway)
            self._queue()
        self.assertEqual(sms.state, "outgoing")
        self.assertIn("unreachable", sms.sc_failure_reason)
        with freeze_time(now + timedelta(hours=1)):
            self._queue()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        self.assertIn("2 attempts", sms.sc_failure_reason)

    def test_no_answer_in_time_is_not_sent_again(self):
        gateway = self._gateway("smsru", timeout=0.5)
        self.standin.state.fail_count, self.standin.state.fail_kind = 1, "slow"
        self.standin.state.slow_seconds = 1.0
        sms = self._sms(gateway)
        self._queue()
        self.assertEqual(sms.state, "error")
        self.assertIn("duplicate", sms.sc_failure_reason)
        time.sleep(1.0)  # the slow gateway finishes taking it
        self._queue()
        self.env["sms.sms"]._sc_cron_poll_status()
        # The slow gateway did take it; we never sent it a second time.
        self.assertEqual(len(self._sent()), 1)

    def test_outbox_sends_only_from_the_queue(self):
        self.gateways["smsru"].is_default = True
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Hello"})
        sms.send()
        self.assertEqual(sms.state, "outgoing")
        self.assertFalse(self._sent())
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        self._queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.sc_gateway_id, self.gateways["smsru"])

    def test_queries_per_sms(self):
        gateway = self.gateways["smsru"]
        rows = self._sms(gateway, count=20)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self._queue()
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(set(rows.mapped("state")), {"pending"})
        self.assertLessEqual(queries, 3 * len(rows), "at most 3 queries per SMS")

    def test_test_sms_button_and_admin_only(self):
        gateway = self.gateways["smsaero"]
        gateway.test_number = "+7 916 123-45-67"
        action = gateway.action_send_test_sms()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self._sent()), 1)
        gateway.test_number = "+7 916 123-00-00"
        with self.assertRaisesRegex(UserError, "Invalid number"):
            gateway.action_send_test_sms()
        user = new_test_user(self.env, login="sms_plain_user", groups="base.group_user")
        with self.assertRaises(AccessError):
            gateway.with_user(user).read(["secret"])
        with self.assertRaises(AccessError):
            gateway.with_user(user).action_send_test_sms()

    def test_one_default_gateway_per_company(self):
        self.gateways["smsru"].is_default = True
        with self.assertRaisesRegex(Exception, "already has a default"):
            self.gateways["smsc"].is_default = True
            self.env.flush_all()

    @freeze_time(datetime(2026, 3, 2, 9, 0))  # a Monday, noon in Moscow
    def test_demo_gateway_fails_gracefully_when_nothing_listens(self):
        demo = self.env.ref("repair_sms.demo_gateway_standin", False)
        if not demo:
            self.skipTest("installed without demo data")
        # Local, and the stand-in's key: nothing real, nothing secret.
        self.assertEqual(urlsplit(demo.endpoint).hostname, "127.0.0.1")
        self.assertEqual(demo.secret, SECRET)
        ready = self.env.ref("repair_service_center.demo_repair_tvr_ready")
        demo_note = ready.sc_sms_notification_ids.filtered(
            lambda n: n.entry_key == "ready:demo"
        )
        self.assertEqual(len(demo_note), 1, "the demo's ready repair owes its SMS")
        # Whatever runs on the demo's port here, point it at a closed one.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed = "http://127.0.0.1:%s" % sock.getsockname()[1]
        demo.write({"endpoint": closed, "is_default": True})
        # The demo's own SMS may be gone already (a demo database whose cron
        # ran): the same SMS once more, for this test.
        ready._sc_plan_sms("ready", {ready.id: "ready:test"})
        note = ready.sc_sms_notification_ids.filtered(
            lambda n: n.entry_key == "ready:test"
        )
        note.repair_id._sc_render_sms(note)
        sms = self.env["sms.sms"].search([("uuid", "=", note.sms_uuid)])
        self.assertEqual(sms.sc_gateway_id, demo)
        self.assertFalse(sms.sc_send_after, "noon: no quiet hours")
        self.env["sms.sms"]._process_queue(ids=sms.ids)
        self.assertEqual(sms.state, "outgoing", "queued again, not lost")
        self.assertEqual(
            sms.sc_failure_reason,
            "gateway unreachable at %s: ConnectionError" % closed,
        )
        self.assertEqual(note.state, "outgoing")
        self.assertEqual(note.failure_reason, sms.sc_failure_reason)
        self.assertTrue(sms.sc_send_after)

    def test_sessions_read_proxy_settings_once(self):
        """A provider's session takes the proxy and CA settings of the
        process's environment when it is made (requests would read the whole
        environment again on every request): a gateway on the internet goes
        through the proxy, one in NO_PROXY (the stand-in) does not."""
        bundle = "/etc/ssl/certs/ca-certificates.crt"
        environment = {
            "HTTPS_PROXY": "http://proxy.example:3128",
            "NO_PROXY": "localhost,127.0.0.1",
            "REQUESTS_CA_BUNDLE": bundle,
        }
        with patch.dict(os.environ, environment):
            remote = new_session("https://sms.ru")
            local = new_session(self.standin.url)
        self.assertFalse(remote.trust_env)
        self.assertEqual(remote.proxies.get("https"), "http://proxy.example:3128")
        self.assertEqual(remote.verify, bundle)
        self.assertNotIn("https", local.proxies)
        self.assertNotIn("http", local.proxies)
        # The environment changes later: the sessions keep what they took.
        with patch.dict(os.environ, {"HTTPS_PROXY": "http://other.example:8080"}):
            self.assertEqual(remote.proxies["https"], "http://proxy.example:3128")
            # And the stand-in is reached directly, proxy or not.
            provider = self.gateways["smsru"]._provider()
            provider.session = local
            result = provider.send(
                [{"uuid": "p1", "number": "+79161234567", "body": "Hello proxy"}]
            )
        self.assertEqual(result[0].state, "pending")
        self.assertEqual(self._sent()[-1]["text"], "Hello proxy")

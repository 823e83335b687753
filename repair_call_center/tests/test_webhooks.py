import base64
import hashlib
import hmac
import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import pbx_standin
from ..tools.pbx_api_standin import PbxApiStandin
from ..tools.pbx_signatures import mango_sign, twilio_signature, zadarma_signature

CONTROLLER_LOG = "odoo.addons.repair_call_center.controllers.main"
CALLER = "8 (916) 765-43-21"
CALLER_E164 = "+79167654321"


@tagged("post_install", "-at_install")
class TestPbxWebhooks(HttpCase):
    """Real HTTP requests to the test server, signed as each PBX signs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ru")
        cls.operator = new_test_user(
            cls.env,
            login="cc_operator",
            groups="base.group_user,repair_service_center.group_sc_operator",
        )
        cls.operator_2 = new_test_user(
            cls.env,
            login="cc_operator_2",
            groups="base.group_user,repair_service_center.group_sc_operator",
        )
        Connection = cls.env["repair.pbx.connection"]
        cls.connections = {}
        for provider, key in (
            ("mango", "mango-key"),
            ("zadarma", "zd-key"),
            ("asterisk", ""),
            ("twilio", "AC0123456789"),
        ):
            cls.connections[provider] = Connection.create(
                {
                    "name": provider,
                    "provider": provider,
                    "api_key": key,
                    "api_secret": f"{provider}-secret",
                    "extension_ids": [
                        Command.create(
                            {"extension": "101", "user_id": cls.operator.id}
                        ),
                        Command.create(
                            {"extension": "102", "user_id": cls.operator_2.id}
                        ),
                    ],
                }
            )
        cls.client = cls.env["res.partner"].create(
            {"name": "Known Caller", "phone": "+7 916 765 43 21"}
        )

    # ------------------------------------------------------------------
    def _url(self, provider):
        return (
            self.base_url()
            + self.connections[provider].webhook_url.split(
                self.connections[provider].get_base_url(), 1
            )[1]
        )

    def _events(self, provider, caller=CALLER, missed=False, url=None):
        return pbx_standin.build_events(
            provider,
            url=url or self._url(provider),
            key=self.connections[provider].api_key,
            secret=self.connections[provider].api_secret,
            salt=self.connections[provider].api_secret,
            caller=caller,
            line="74951112233",
            extension="101",
            missed=missed,
        )

    def _post(self, url, form, headers=None):
        return self.url_open(url, data=form, headers=headers or {}, timeout=30)

    def _refused(self, url, form, headers=None, status=403):
        """POST that must be refused with ``status``, and logged."""
        with self.assertLogs(CONTROLLER_LOG, "WARNING"):
            response = self._post(url, form, headers)
        self.assertEqual(response.status_code, status, response.text[:200])

    def _send(self, events):
        for url, form, headers in events:
            response = self._post(url, form, headers)
            self.assertEqual(response.status_code, 200, response.text)

    def _calls(self, provider):
        return self.env["repair.call.log"].search(
            [("connection_id", "=", self.connections[provider].id)]
        )

    def _bus_popups(self, user):
        return (
            self.env["bus.bus"]
            .search([("channel", "like", f'"res.partner",{user.partner_id.id}]')])
            .filtered(lambda b: "repair_call_center/caller_card" in b.message)
        )

    # ------------------------------------------------------------------
    def test_signatures_match_the_documented_recipes(self):
        """Recomputed here by hand, so a wrong recipe cannot pass both sides."""
        text = '{"entry_id": "1"}'
        self.assertEqual(
            mango_sign("k", text, "s"),
            hashlib.sha256(b'k{"entry_id": "1"}s').hexdigest(),
        )
        params = {
            "event": "NOTIFY_START",
            "caller_id": "79161234567",
            "called_did": "74951112233",
            "call_start": "2026-01-01 10:00:00",
        }
        hex_digest = hmac.new(
            b"sec", b"7916123456774951112233" + b"2026-01-01 10:00:00", hashlib.sha1
        ).hexdigest()
        self.assertEqual(
            zadarma_signature("sec", params),
            base64.b64encode(hex_digest.encode()).decode(),
        )
        raw = hmac.new(b"tok", b"https://x.test/hookA1B2", hashlib.sha1).digest()
        self.assertEqual(
            twilio_signature("tok", "https://x.test/hook", {"B": "2", "A": "1"}),
            base64.b64encode(raw).decode(),
        )

    def test_mango_answered_call(self):
        self._send(self._events("mango"))
        call = self._calls("mango")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "completed")
        self.assertEqual(call.caller_e164, CALLER_E164)
        self.assertEqual(call.partner_id, self.client)
        self.assertEqual(call.user_id, self.operator)
        self.assertEqual(call.line_number, "74951112233")
        self.assertTrue(call.date_answer and call.date_end)
        self.assertEqual(call.duration, 58)
        lead = call.lead_id
        self.assertEqual(lead.phone, CALLER, "the caller's phone is on the lead")
        self.assertEqual(lead.sc_phone_e164, CALLER_E164)
        self.assertEqual(lead.partner_id, self.client)
        self.assertEqual(lead.sc_operator_id, self.operator)
        self.assertFalse(lead.activity_ids, "an answered call needs no call-back")
        self.assertTrue(self._bus_popups(self.operator), "the card pops up")
        self.assertFalse(self._bus_popups(self.operator_2))

    def test_mango_replay_and_reorder_change_nothing(self):
        events = self._events("mango", missed=True)
        # Summary first, then the call events backwards, then all again.
        self._send(events[::-1] + events)
        call = self._calls("mango")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "missed")
        self.assertEqual(
            self.env["crm.lead"].search_count([("sc_phone_e164", "=", CALLER_E164)]), 1
        )
        activities = call.lead_id.activity_ids
        self.assertEqual(len(activities), 2, "one call-back per operator of the line")
        self.assertEqual(activities.user_id, self.operator | self.operator_2)
        self.assertEqual(
            len(
                self.env["repair.call.event"].search(
                    [("connection_id", "=", self.connections["mango"].id)]
                )
            ),
            2,
            "replays are not stored twice; the stale Appeared is dropped",
        )

    def test_mango_forged_and_malformed(self):
        url, form, headers = self._events("mango")[0]
        forged = dict(form, sign="0" * 64)
        self._refused(url, forged, status=403)
        wrong_key = dict(form, vpbx_api_key="other")
        self._refused(url, wrong_key, status=403)
        bad_token = url.replace(self.connections["mango"].webhook_token, "nope")
        self._refused(bad_token, form, status=403)
        text = "{not json"
        key = self.connections["mango"].api_key
        salt = self.connections["mango"].api_secret
        malformed = {
            "vpbx_api_key": key,
            "json": text,
            "sign": mango_sign(key, text, salt),
        }
        self._refused(url, malformed, status=400)
        text = json.dumps({"entry_id": "e1", "call_state": "Appeared"})
        missing = {
            "vpbx_api_key": key,
            "json": text,
            "sign": mango_sign(key, text, salt),
        }
        self._refused(url, missing, status=400)
        self.assertFalse(
            self.env["repair.call.event"].search_count(
                [("connection_id", "=", self.connections["mango"].id)]
            )
        )
        self.assertFalse(self._calls("mango"))
        self.assertFalse(
            self.env["crm.lead"].search([("sc_phone_e164", "=", CALLER_E164)])
        )

    def test_zadarma_echo_flow_and_forgery(self):
        url = self._url("zadarma")
        response = self.url_open(f"{url}?zd_echo=abc123", timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "abc123")
        events = self._events("zadarma", caller="79031234567", missed=True)
        first_url, first_form, _headers = events[0]
        forged = {"Signature": "bm90IGEgc2lnbmF0dXJl"}
        self._refused(first_url, first_form, forged, status=403)
        self._refused(first_url, first_form, status=403)
        self.assertFalse(self._calls("zadarma"))
        self._send(events + events)
        call = self._calls("zadarma")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "missed")
        self.assertEqual(call.lead_id.sc_phone_e164, "+79031234567")
        self.assertEqual(len(call.lead_id.activity_ids), 2)

    def test_zadarma_answered(self):
        self._send(self._events("zadarma"))
        call = self._calls("zadarma")
        self.assertEqual(call.state, "completed")
        self.assertEqual(call.duration, 42)
        self.assertEqual(call.user_id, self.operator)
        self.assertTrue(self._bus_popups(self.operator))

    def test_asterisk_token_and_flow(self):
        events = self._events("asterisk")
        url, form, _headers = events[0]
        self._refused(url, dict(form, token="bad"), status=403)
        self._refused(url, dict(form, event="dance"), status=400)
        self._send(events + events[:1])
        call = self._calls("asterisk")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "completed")
        self.assertEqual(call.user_id, self.operator)

    def test_twilio_signature_and_retries(self):
        events = self._events("twilio", missed=True)
        url, form, headers = events[0]
        self._refused(url, dict(form, From="+70000000000"), headers, status=403)
        self._send(events + events)
        call = self._calls("twilio")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "missed")
        self.assertEqual(len(call.lead_id.activity_ids), 2)

    def test_unreadable_caller_is_kept_and_flagged(self):
        self._send(self._events("asterisk", caller="anonymous"))
        lead = self._calls("asterisk").lead_id
        self.assertEqual(lead.phone, "anonymous")
        self.assertTrue(lead.sc_phone_invalid)

    def test_one_event_query_count(self):
        connection = self.connections["zadarma"]
        CallLog = self.env["repair.call.log"]
        CallLog._sc_process_event(
            connection,
            {"key": "warm:1", "call_key": "warm", "kind": "ring", "caller": CALLER},
        )
        self.env.invalidate_all()
        with self.assertQueryCount(19):
            CallLog._sc_process_event(
                connection,
                {"key": "c1:start", "call_key": "c1", "kind": "ring", "caller": CALLER},
            )
        with self.assertQueryCount(15):
            CallLog._sc_process_event(
                connection,
                {
                    "key": "c1:answer",
                    "call_key": "c1",
                    "kind": "answer",
                    "extension": "101",
                },
            )

    def test_asterisk_ari_call_then_dialplan_events(self):
        """Click-to-call through ARI (real HTTP to the ARI stand-in), then the
        dialplan's CURL events of that channel (real HTTP to Odoo) complete
        the same outgoing call log entry."""
        asterisk = self.connections["asterisk"]
        (self.connections["mango"] | self.connections["zadarma"]).active = False
        self.connections["twilio"].active = False
        lead = self.env["crm.lead"].create({"name": "Call back", "phone": CALLER})
        with PbxApiStandin(ari_auth=("ari", "ari-pw")) as ari:
            asterisk.write(
                {
                    "api_key": "ari",
                    "api_password": "ari-pw",
                    "api_url": ari.url + "/ari",
                }
            )
            lead.with_user(self.operator).action_sc_call()
            (sent,) = ari.requests
        channel = sent["query"]["channelId"]
        self.assertEqual(sent["query"]["endpoint"], "PJSIP/101")
        self.assertEqual(sent["query"]["extension"], CALLER_E164.lstrip("+"))
        events = self._events("asterisk", caller=CALLER_E164.lstrip("+"))
        self._send(
            [(url, dict(form, uid=channel), headers) for url, form, headers in events]
        )
        call = self._calls("asterisk")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.external_id, channel)
        self.assertEqual(call.direction, "out")
        self.assertEqual(call.lead_id, lead)
        self.assertEqual(call.user_id, self.operator)
        self.assertEqual(call.state, "completed")
        self.assertEqual(call.duration, 42)

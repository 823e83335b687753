import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.pbx_api_standin import PbxApiStandin
from .common import CallCenterCase


@tagged("post_install", "-at_install")
class TestClickToCall(CallCenterCase):
    """Calls go to a stand-in of the providers' APIs on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = PbxApiStandin()
        cls.standin.__enter__()
        cls.addClassCleanup(cls.standin.__exit__, None, None, None)
        cls.connection = cls.env["repair.pbx.connection"].create(
            {
                "name": "PBX",
                "provider": "mango",
                "api_key": "key",
                "api_secret": "salt",
                "api_url": cls.standin.url,
                "line_number": "+74951112233",
                "extension_ids": [
                    Command.create({"extension": "101", "user_id": cls.operator.id}),
                    Command.create({"extension": "102", "user_id": cls.manager.id}),
                ],
            }
        )
        cls.lead = cls._new_lead(phone="8 (903) 555-12-34")

    def setUp(self):
        super().setUp()
        self.standin.requests.clear()
        self.standin.set_fail(False)

    def _calls(self):
        return self.env["repair.call.log"].search([("direction", "=", "out")])

    def test_mango_callback_from_the_lead(self):
        self.lead.with_user(self.operator).action_sc_call()
        (sent,) = self.standin.requests
        self.assertEqual(sent["path"], "/commands/callback")
        form = sent["form"]
        self.assertEqual(
            form["sign"], hashlib.sha256(f"key{form['json']}salt".encode()).hexdigest()
        )
        body = json.loads(form["json"])
        self.assertEqual(body["from"], {"extension": "101"})
        self.assertEqual(body["to_number"], "79035551234")
        call = self._calls()
        self.assertEqual(len(call), 1)
        self.assertEqual(call.external_id, body["command_id"])
        self.assertEqual(call.lead_id, self.lead)
        self.assertEqual(call.user_id, self.operator)
        self.assertEqual(call.caller_e164, "+79035551234")

    def test_unanswered_callback_is_left_to_its_caller_only(self):
        lead = self._new_lead(phone="8 (903) 555-77-88")
        lead.with_user(self.operator).action_sc_call()
        call = self._calls().filtered(lambda c: c.lead_id == lead)
        self.env["repair.call.log"]._sc_process_event(
            self.connection,
            {
                "key": f"{call.external_id}:end",
                "call_key": call.external_id,
                "kind": "end",
                "caller": "79035557788",
                "answered": False,
            },
        )
        self.assertEqual(call.state, "missed")
        activity = lead.activity_ids
        self.assertEqual(len(activity), 1, "not one for every operator of the line")
        self.assertEqual(activity.user_id, self.operator)
        self.assertIn("no answer", activity.summary)

    def test_zadarma_callback_from_the_repair(self):
        self.connection.write(
            {"provider": "zadarma", "api_key": "zkey", "api_secret": "zsecret"}
        )
        repair = self._new_repair(client_phone="+7 916 123-45-67")
        repair.with_user(self.manager).action_sc_call()
        (sent,) = self.standin.requests
        self.assertEqual(sent["method"], "GET")
        self.assertEqual(sent["path"], "/v1/request/callback/")
        self.assertEqual(sent["query"], {"from": "102", "to": "79161234567"})
        query = urlencode([("from", "102"), ("to", "79161234567")])
        data = "/v1/request/callback/" + query + hashlib.md5(query.encode()).hexdigest()
        sign = hmac.new(b"zsecret", data.encode(), hashlib.sha1).hexdigest()
        self.assertEqual(
            sent["headers"]["Authorization"],
            "zkey:" + base64.b64encode(sign.encode()).decode(),
        )
        call = self._calls()
        self.assertEqual(call.repair_id, repair)
        self.assertEqual(call.partner_id, self.client)

    def test_twilio_calls_api_from_the_card(self):
        self.connection.write(
            {"provider": "twilio", "api_key": "AC123", "api_secret": "token"}
        )
        card = (
            self.env["repair.caller.card"]
            .with_user(self.operator)
            .create({"phone": "8 903 555 12 34"})
        )
        card.action_sc_call()
        (sent,) = self.standin.requests
        self.assertEqual(sent["path"], "/2010-04-01/Accounts/AC123/Calls.json")
        self.assertEqual(
            sent["headers"]["Authorization"],
            "Basic " + base64.b64encode(b"AC123:token").decode(),
        )
        self.assertEqual(sent["form"]["To"], "101")
        self.assertEqual(sent["form"]["From"], "+74951112233")
        self.assertIn("<Dial>+79035551234</Dial>", sent["form"]["Twiml"])
        self.assertEqual(self._calls().external_id, "CA" + "0" * 32)
        self.assertEqual(self._calls().lead_id, self.lead)

    def test_refusals(self):
        with self.assertRaises(AccessError):
            self.lead.with_user(self.receptionist).action_sc_call()
        self.lead.phone = False
        with self.assertRaises(UserError):
            self.lead.with_user(self.manager).action_sc_call()
        self.lead.phone = "8 (903) 555-12-34"
        self.connection.extension_ids.filtered(
            lambda e: e.user_id == self.operator
        ).unlink()
        with self.assertRaises(UserError):
            self.lead.with_user(self.operator).action_sc_call()
        self.assertFalse(self.standin.requests)
        self.assertFalse(self._calls())

    def test_provider_failure_logs_nothing(self):
        self.standin.set_fail(True)
        with (
            mute_logger("odoo.addons.repair_call_center.models.repair_pbx_connection"),
            self.assertRaises(UserError),
        ):
            self.lead.with_user(self.operator).action_sc_call()
        self.assertEqual(len(self.standin.requests), 1)
        self.assertFalse(self._calls())

    def test_asterisk_ari_originate_from_the_repair(self):
        with PbxApiStandin(ari_auth=("odoo", "ari-pass")) as ari:
            self.connection.write(
                {
                    "provider": "asterisk",
                    "api_key": "odoo",
                    "api_password": "ari-pass",
                    "api_secret": "dialplan-token",
                    "api_url": ari.url + "/ari",
                }
            )
            repair = self._new_repair(client_phone="+7 916 123-45-67")
            repair.with_user(self.manager).action_sc_call()
            (sent,) = ari.requests
        self.assertEqual((sent["method"], sent["path"]), ("POST", "/ari/channels"))
        self.assertEqual(
            sent["headers"]["Authorization"],
            "Basic " + base64.b64encode(b"odoo:ari-pass").decode(),
        )
        query = sent["query"]
        self.assertEqual(query["endpoint"], "PJSIP/102")
        self.assertEqual(query["extension"], "79161234567")
        self.assertEqual(query["context"], "from-internal")
        self.assertEqual(query["priority"], "1")
        self.assertEqual(query["callerId"], "+74951112233")
        call = self._calls()
        self.assertEqual(len(call), 1)
        # Our channel id: the dialplan's CURL events (uid/linkedid) of this
        # call find the same log entry.
        self.assertEqual(call.external_id, query["channelId"])
        self.assertEqual(call.repair_id, repair)
        self.assertEqual(call.user_id, self.manager)
        self.assertEqual(call.partner_id, self.client)
        self.assertEqual(call.direction, "out")
        self.env["repair.call.log"]._sc_process_event(
            self.connection,
            {
                "key": f"{call.external_id}:hangup",
                "call_key": call.external_id,
                "kind": "end",
                "caller": "79161234567",
                "answered": True,
                "duration": 42,
            },
        )
        self.assertEqual(self._calls(), call)
        self.assertEqual(call.state, "completed")

    def test_asterisk_ari_refusals(self):
        with PbxApiStandin(ari_auth=("odoo", "ari-pass")) as ari:
            self.connection.write(
                {
                    "provider": "asterisk",
                    "api_key": "odoo",
                    "api_password": "wrong",
                    "api_url": ari.url + "/ari",
                }
            )
            with (
                mute_logger(
                    "odoo.addons.repair_call_center.models.repair_pbx_connection"
                ),
                self.assertRaises(UserError),
            ):
                self.lead.with_user(self.operator).action_sc_call()
            self.assertEqual(len(ari.requests), 1)
            self.connection.api_url = False
            with self.assertRaises(UserError):
                self.lead.with_user(self.operator).action_sc_call()
            self.assertEqual(len(ari.requests), 1)
        self.assertFalse(self._calls())
        # The ARI credentials are administrators' only.
        for user in (self.operator, self.manager):
            with self.assertRaises(AccessError):
                self.connection.with_user(user).read(["api_password"])
            with self.assertRaises(AccessError):
                self.connection.with_user(user).write({"asterisk_context": "x"})

import json
import re

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

CONTROLLER_LOG = "odoo.addons.repair_call_center.controllers.web_request"


@tagged("post_install", "-at_install")
class TestWebRequest(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ru")
        cls.team = cls.env.ref("repair_call_center.crm_team_call_center")
        cls.site = cls.env["repair.request.site"].create({"name": "Main site"})
        cls.env["ir.config_parameter"].set_param(
            "repair_call_center.web_request_rate_limit", "3"
        )

    def setUp(self):
        super().setUp()
        # Only leads made by this test count, whatever the database holds.
        self.last_lead_id = (
            self.env["crm.lead"].search([], limit=1, order="id desc").id or 0
        )

    def _leads(self, phone_e164):
        return self.env["crm.lead"].search(
            [("sc_phone_e164", "=", phone_e164), ("id", ">", self.last_lead_id)]
        )

    def _form(self, **values):
        page = self.url_open("/repair/request", timeout=30)
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        form = {
            "csrf_token": token,
            "name": "Pavel",
            "phone": "8 (905) 171-22-33",
            "device": "Honor 50",
            "fault": "Does not charge",
        }
        form.update(values)
        return form

    def test_page_creates_a_lead_for_the_call_center(self):
        response = self.url_open("/repair/request", data=self._form(), timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_sc_repair_request_thanks", response.text)
        lead = self._leads("+79051712233")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.contact_name, "Pavel")
        self.assertEqual(lead.phone, "8 (905) 171-22-33")
        self.assertEqual(lead.sc_device_text, "Honor 50")
        self.assertEqual(lead.sc_fault_description, "Does not charge")

    def test_csrf_honeypot_and_missing_fields(self):
        form = self._form()
        no_token = dict(form, csrf_token="forged")
        with mute_logger("odoo.http"):
            response = self.url_open("/repair/request", data=no_token, timeout=30)
        self.assertEqual(response.status_code, 400)
        robot = self.url_open(
            "/repair/request", data=dict(form, website_url="http://spam"), timeout=30
        )
        self.assertEqual(robot.status_code, 200, "robots are thanked, not told")
        empty = self.url_open("/repair/request", data=dict(form, fault=""), timeout=30)
        self.assertEqual(empty.status_code, 400)
        self.assertFalse(self._leads("+79051712233"))

    def test_one_address_hammering_is_throttled(self):
        statuses = []
        for i in range(5):
            form = self._form(phone=f"8 905 171 22 3{i}")
            if i < 3:
                response = self.url_open("/repair/request", data=form, timeout=30)
            else:
                with self.assertLogs(CONTROLLER_LOG, "WARNING"):
                    response = self.url_open("/repair/request", data=form, timeout=30)
            statuses.append(response.status_code)
        self.assertEqual(statuses, [200, 200, 200, 429, 429])
        leads = self.env["crm.lead"].search(
            [("sc_source_ip", "=", "127.0.0.1"), ("id", ">", self.last_lead_id)]
        )
        self.assertEqual(len(leads), 3)

    def test_json_endpoint_with_api_key(self):
        url = "/repair_call_center/api/request"
        body = {"name": "Anna", "phone": "+7 905 444 55 66", "fault": "Cracked"}
        headers = {"Content-Type": "application/json", "X-Api-Key": self.site.api_key}
        response = self.url_open(
            url, data=json.dumps(body), headers=headers, timeout=30
        )
        self.assertEqual(response.status_code, 201)
        lead = self._leads("+79054445566")
        self.assertEqual(response.json(), {"id": lead.id})
        self.assertEqual(lead.team_id, self.team)
        forged = dict(headers, **{"X-Api-Key": "nope"})
        for data, sent_headers, status in (
            (json.dumps(body), forged, 403),
            ("{oops", headers, 400),
            (json.dumps({"name": "x"}), headers, 400),
            (json.dumps(dict(body, fault=["not", "text"])), headers, 400),
        ):
            with self.assertLogs(CONTROLLER_LOG, "WARNING"):
                response = self.url_open(
                    url, data=data, headers=sent_headers, timeout=30
                )
            self.assertEqual(response.status_code, status)
        self.assertEqual(len(self._leads("+79054445566")), 1)

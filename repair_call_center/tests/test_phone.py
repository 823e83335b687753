from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CallCenterCase

RUSSIAN_FORMATS = [
    "8 (999) 123-45-67",
    "+7 999 1234567",
    "9991234567",
    "79991234567",
    "+7 (999) 123 45 67",
    "8-999-123-45-67",
    "8 999 123 45 67 доб. 12",
    "+7 999 123-45-67 ext. 5",
]


@tagged("post_install", "-at_install")
class TestPhone(CallCenterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company_client = Partner.create(
            {"name": "Romashka LLC", "is_company": True, "phone": "+7 495 765-43-29"}
        )
        cls.contact = Partner.create(
            {
                "name": "Olga (Romashka)",
                "parent_id": cls.company_client.id,
                "mobile": "+7 926 111-22-33",
            }
        )
        cls.two_numbers = Partner.create(
            {
                "name": "Two Numbers",
                "mobile": "+7 999 123-45-67",
                "phone": "8 (812) 300-20-10",
            }
        )

    def test_normalize_every_format(self):
        Partner = self.env["res.partner"]
        for typed in RUSSIAN_FORMATS:
            with self.subTest(typed=typed):
                self.assertEqual(Partner._sc_normalize_phone(typed), "+79991234567")
                self.assertEqual(Partner._sc_phone_to_e164(typed), "+79991234567")

    def test_stored_forms(self):
        self.assertEqual(self.two_numbers.sc_mobile_e164, "+79991234567")
        self.assertEqual(self.two_numbers.sc_phone_e164, "+78123002010")
        self.two_numbers.phone = "8 812 300 20 11"
        self.assertEqual(self.two_numbers.sc_phone_e164, "+78123002011")

    def test_find_by_any_number_in_any_format(self):
        Partner = self.env["res.partner"].with_user(self.operator)
        for typed in RUSSIAN_FORMATS:
            with self.subTest(typed=typed):
                self.assertEqual(Partner._sc_find_by_phone(typed), self.two_numbers)
        # The landline finds the client although the mobile is set: the
        # core's phone_sanitized only holds the mobile.
        self.assertEqual(self.two_numbers.phone_sanitized, "+79991234567")
        self.assertEqual(Partner._sc_find_by_phone("88123002010"), self.two_numbers)
        self.assertEqual(Partner._sc_find_by_phone("926 111 22 33"), self.contact)

    def test_invalid_phone_refused(self):
        with self.assertRaises(UserError):
            self.env["res.partner"]._sc_find_by_phone("12-34")
        self.assertFalse(self.env["res.partner"]._sc_phone_to_e164("anonymous"))

    def test_lead_phone_kept_and_flagged(self):
        lead = self._new_lead(phone="8 903 555 12 34", mobile="+7 (915) 000-11-22")
        self.assertEqual(lead.phone, "8 903 555 12 34", "the typing is kept")
        self.assertEqual(lead.sc_phone_e164, "+79035551234")
        self.assertEqual(lead.sc_mobile_e164, "+79150001122")
        self.assertFalse(lead.sc_phone_invalid)
        bad = self._new_lead(phone="call me maybe", sc_work_ids=[Command.clear()])
        self.assertEqual(bad.phone, "call me maybe")
        self.assertFalse(bad.sc_phone_e164)
        self.assertTrue(bad.sc_phone_invalid)

    def test_search_leads_by_any_format(self):
        lead = self._new_lead(phone="+7 903 517-98-76")
        Lead = self.env["crm.lead"].with_user(self.operator)
        for typed in ("89035179876", "8 (903) 517 98 76", "9035179876"):
            with self.subTest(typed=typed):
                self.assertEqual(Lead.search([("sc_any_phone", "=", typed)]), lead)
        self.assertIn(lead, Lead.search([("sc_any_phone", "ilike", "517-98")]))

    def test_numbers_read_with_the_record_company_country(self):
        """A lead of the Russian company is read as Russian even when the
        environment's company is an American one (a webhook's request, an
        administrator working in another company), and a partner of the
        American company as American."""
        us_company = self.env["res.company"].create(
            {"name": "Repair US", "country_id": self.env.ref("base.us").id}
        )
        in_us = self.env["crm.lead"].with_company(us_company)
        lead = in_us.create(
            {"name": "Call", "phone": "89161234567", "company_id": self.company.id}
        )
        self.assertEqual(lead.sc_phone_e164, "+79161234567")
        self.assertFalse(lead.sc_phone_invalid)
        american = (
            self.env["res.partner"]
            .with_company(self.company)
            .create(
                {
                    "name": "Jane",
                    "phone": "(415) 555-2671",
                    "company_id": us_company.id,
                }
            )
        )
        self.assertEqual(american.sc_phone_e164, "+14155552671")
        # Moved to the American company, the same typing is read again.
        lead.company_id = us_company
        self.assertFalse(lead.sc_phone_e164, "89161234567 is no American number")

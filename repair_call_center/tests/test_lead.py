from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CallCenterCase


@tagged("post_install", "-at_install")
class TestLead(CallCenterCase):
    def test_operator_records_a_quote(self):
        lead = self._new_lead()
        self.assertEqual(lead.sc_operator_id, self.operator)
        self.assertEqual(lead.sc_quoted_price, 2500.0, "price from the catalog")
        lead.with_user(self.operator).write(
            {"sc_quoted_price": 2300.0, "sc_serial_number": "SN-9"}
        )
        self.assertEqual(lead.sc_quoted_price, 2300.0)

    def test_parts_free_quantity_in_every_branch(self):
        lead = self._new_lead().with_user(self.operator)
        html = str(lead.sc_parts_stock)
        self.assertIn("Test Phone X screen", html)
        self.assertIn("Branch A", html)
        self.assertIn("Branch B", html)
        # 2 screens in branch A, 5 in branch B, in this order of columns.
        row = html.split("Test Phone X screen", 1)[1]
        self.assertLess(row.index(">2<"), row.index(">5<"))

    def test_operator_cannot_create_the_repair(self):
        lead = self._new_lead()
        with self.assertRaises(AccessError):
            lead.with_user(self.operator).action_sc_create_repair()
        self.assertFalse(lead.sc_repair_id)
        self.assertFalse(
            self.env["repair.order"].search([("sc_lead_id", "=", lead.id)])
        )

    def test_reception_creates_the_repair_from_a_lead(self):
        lead = self._new_lead(sc_quoted_price=2200.0, sc_promised_date="2030-01-10")
        as_reception = lead.with_user(self.receptionist)
        self.assertTrue(as_reception.read(["name"]), "reception sees operators' leads")
        action = as_reception.action_sc_create_repair()
        repair = self.env["repair.order"].browse(action["res_id"])
        self.assertEqual(lead.sc_repair_id, repair)
        self.assertEqual(repair.sc_lead_id, lead)
        self.assertEqual(repair.product_id, self.device)
        self.assertEqual(repair.serial_number, "SN-LEAD-1")
        self.assertEqual(repair.fault_description, "Dropped it, the screen is black")
        self.assertEqual(repair.service_work_ids, self.work_screen)
        self.assertEqual(repair.quoted_price, 2200.0)
        self.assertEqual(str(repair.promised_date), "2030-01-10")
        self.assertEqual(repair.branch_id, self.branch_a)
        self.assertEqual(repair.partner_id.name, "Maria Sidorova")
        self.assertEqual(repair.partner_id.sc_mobile_e164, "+79035551234")
        self.assertEqual(lead.partner_id, repair.partner_id)
        self.assertEqual(lead.probability, 100, "the lead is won")
        # A second click does not create a second repair.
        with self.assertRaises(UserError):
            as_reception.action_sc_create_repair()
        # The repair can be received as usual.
        repair.with_user(self.receptionist).action_sc_confirm_intake()
        self.assertEqual(repair.service_stage, "received")

    def test_existing_client_is_linked_not_duplicated(self):
        lead = self._new_lead(phone="8 916 123 45 67")
        lead.with_user(self.receptionist).action_sc_create_repair()
        self.assertEqual(lead.sc_repair_id.partner_id, self.client)

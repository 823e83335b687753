from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCallerCardTour(HttpCase):
    def test_reception_creates_the_repair_from_the_card(self):
        self.env.company.country_id = self.env.ref("base.ru")
        branch = self.env["stock.warehouse"].create(
            {"name": "Card Branch", "code": "CARD"}
        )
        new_test_user(
            self.env,
            login="card_receptionist",
            groups="base.group_user,repair_service_center.group_sc_receptionist",
            sc_branch_ids=[Command.set(branch.ids)],
        )
        operator = new_test_user(
            self.env,
            login="card_operator",
            groups="base.group_user,repair_service_center.group_sc_operator",
        )
        device = self.env["product.product"].create(
            {
                "name": "Tour Phone",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        client = self.env["res.partner"].create(
            {"name": "Tour Caller", "mobile": "+7 916 123-45-67"}
        )
        lead = (
            self.env["crm.lead"]
            .with_user(operator)
            .create(
                {
                    "name": "Tour Phone screen",
                    "partner_id": client.id,
                    "phone": "+7 916 123-45-67",
                    "sc_device_id": device.id,
                    "sc_serial_number": "TOUR-CARD-1",
                    "sc_fault_description": "Screen flickers",
                    "sc_quoted_price": 3100.0,
                    "sc_branch_id": branch.id,
                }
            )
        )
        self.start_tour(
            "/odoo/action-repair_call_center.repair_caller_card_action",
            "repair_call_center_caller_card",
            login="card_receptionist",
        )
        lead = lead.with_user(self.env.user)  # the operator sees no branch
        repair = lead.sc_repair_id
        self.assertTrue(repair)
        self.assertEqual(repair.sc_lead_id, lead)
        self.assertEqual(repair.partner_id, client)
        self.assertEqual(repair.serial_number, "TOUR-CARD-1")
        self.assertEqual(repair.fault_description, "Screen flickers")
        self.assertEqual(repair.quoted_price, 3100.0)
        self.assertEqual(repair.branch_id, branch)
        self.assertEqual(lead.probability, 100)

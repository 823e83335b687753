from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIntakeTour(HttpCase):
    def test_receptionist_takes_in_a_device(self):
        self.env.company.country_id = self.env.ref("base.ru")
        branch = self.env["stock.warehouse"].create(
            {"name": "Tour Branch", "code": "TOUR"}
        )
        receptionist = new_test_user(
            self.env,
            login="tour_receptionist",
            groups="base.group_user,repair_service_center.group_sc_receptionist",
            sc_branch_ids=[Command.set(branch.ids)],
        )
        self.assertEqual(receptionist.sc_branch_id, branch)
        self.env["product.product"].create(
            {
                "name": "Tour Phone",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        self.start_tour(
            "/odoo/action-repair_service_center.repair_order_sc_intake_action",
            "repair_service_center_intake",
            login="tour_receptionist",
        )
        repair = self.env["repair.order"].search(
            [("serial_number", "=", "TOUR-IMEI-0001")]
        )
        self.assertEqual(repair.service_stage, "received")
        self.assertEqual(repair.branch_id, branch)
        self.assertEqual(repair.partner_id.name, "Tour Client")
        self.assertEqual(repair.partner_id.phone_sanitized, "+79260001122")
        self.assertEqual(repair.intake_user_id, receptionist)
        self.assertEqual(repair.device_location_id, branch.sc_reception_location_id)

    def test_russian_receptionist_sees_a_russian_intake_form(self):
        """Labels in Russian, the intake on the main sheet, no Odoo buttons."""
        # The suite installs Russian; a bare database gets it here.
        self.env["repair.service.center.demo"]._ensure_lang("ru_RU")
        self.env.company.country_id = self.env.ref("base.ru")
        branch = self.env["stock.warehouse"].create(
            {"name": "Филиал для теста", "code": "RUT"}
        )
        receptionist = new_test_user(
            self.env,
            login="tour_receptionist_ru",
            lang="ru_RU",
            groups="base.group_user,repair_service_center.group_sc_receptionist",
            sc_branch_ids=[Command.set(branch.ids)],
        )
        self.env["product.product"].create(
            {
                "name": "Тестофон",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        self.start_tour(
            "/odoo/action-repair_service_center.repair_order_sc_intake_action",
            "repair_service_center_intake_ru",
            login="tour_receptionist_ru",
        )
        repair = self.env["repair.order"].search(
            [("serial_number", "=", "RU-IMEI-0001")]
        )
        self.assertEqual(repair.service_stage, "received")
        self.assertEqual(repair.intake_user_id, receptionist)
        self.assertEqual(repair.partner_id.name, "Пётр Тестов")
        self.assertEqual(repair.partner_id.phone_sanitized, "+79260003344")
        self.assertEqual(repair.fault_description, "Не включается")

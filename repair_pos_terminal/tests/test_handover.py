from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.repair_service_center.tests.common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestHandover(ServiceCenterCase):
    """The device is checked with the client before it is handed back."""

    def _ready(self, serial):
        repair = self._received_repair(serial=serial)
        as_engineer = repair.with_user(self.engineer)
        as_engineer.action_sc_start_diagnosis()
        as_engineer.action_sc_start_repair()
        as_engineer.action_sc_set_ready()
        return repair

    def test_acceptance_recorded(self):
        repair = self._ready("SN-HAND-1")
        wizard = (
            self.env["repair.handover.wizard"]
            .with_user(self.receptionist)
            .with_context(default_repair_id=repair.id)
            .create({})
        )
        self.assertEqual(wizard.intake_condition, "Scratches on the back")
        self.assertEqual(wizard.condition, "Scratches on the back")
        self.assertEqual(wizard.accessories, "Charger")
        wizard.write({"accessories": "Charger, case"})
        wizard.action_confirm()
        self.assertEqual(repair.rpt_handover_result, "accepted")
        self.assertEqual(repair.rpt_handover_accessories, "Charger, case")
        self.assertEqual(repair.rpt_handover_user_id, self.receptionist)
        self.assertTrue(repair.rpt_handover_date)

    def test_remark_required_and_roles(self):
        repair = self._ready("SN-HAND-2")
        as_reception = repair.with_user(self.receptionist)
        with self.assertRaisesRegex(UserError, "remark"):
            as_reception.rpt_record_handover("ok", "Charger", "remark", " ")
        as_reception.rpt_record_handover(
            "New scratch on the frame", "Charger", "remark", "Scratch not there before"
        )
        self.assertEqual(repair.rpt_handover_result, "remark")
        self.assertEqual(repair.rpt_handover_remark, "Scratch not there before")
        with self.assertRaises(AccessError):
            repair.with_user(self.engineer).rpt_record_handover(
                "ok", "Charger", "accepted", False
            )
        received = self._received_repair(serial="SN-HAND-3")
        with self.assertRaisesRegex(UserError, "not ready"):
            received.with_user(self.receptionist).rpt_record_handover(
                "ok", "", "accepted", False
            )

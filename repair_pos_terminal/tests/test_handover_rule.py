import logging

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TillCase

REPAIR_LOGGER = "odoo.addons.repair_pos_terminal.models.repair_order"


@tagged("post_install", "-at_install")
class TestHandoverRequiresPaid(TillCase):
    """A device leaves to its client only once its repair is paid."""

    def test_unpaid_repair_is_not_handed_over(self):
        repair = self._ready_repair(1800.0, "SN-UNPAID")
        as_reception = repair.with_user(self.receptionist)
        for deliver in (
            as_reception.action_sc_deliver,
            lambda: as_reception.action_sc_transition("delivered"),
            # A manager, the service center's administrator: the same rule.
            repair.with_user(self.manager).action_sc_deliver,
        ):
            with (
                self.assertLogs(REPAIR_LOGGER, logging.INFO) as logs,
                self.assertRaisesRegex(UserError, "not paid"),
            ):
                deliver()
            self.assertIn("Refused handover", logs.output[0])
        self.assertEqual(repair.service_stage, "ready")
        self.assertTrue(self._device_quant(repair), "the device is still in the house")
        # Paid at the till: handed over.
        self._pay(repair)
        as_reception.action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")
        self.assertFalse(self._device_quant(repair))

    def test_zero_amount_is_handed_over(self):
        repair = self._received_repair(serial="SN-FREE")
        as_engineer = repair.with_user(self.engineer)
        as_engineer.action_sc_start_diagnosis()
        as_engineer.action_sc_start_repair()
        as_engineer.action_sc_set_ready()
        self.assertFalse(repair.sale_order_id.amount_total)
        repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")

    def test_paid_the_odoo_way_is_handed_over(self):
        repair = self._ready_repair(900.0, "SN-INVOICED")
        self._pay_repair(repair)
        repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")

    def test_manager_waiver(self):
        repair = self._ready_repair(3200.0, "SN-WAIVE")
        with self.assertRaises(AccessError):
            repair.with_user(self.receptionist).action_rpt_waive_payment("Friend")
        with self.assertRaisesRegex(UserError, "reason"):
            repair.with_user(self.manager).action_rpt_waive_payment("  ")
        with self.assertRaisesRegex(UserError, "reason"):
            repair.with_user(self.manager).action_rpt_waive_payment(42)
        self.assertFalse(repair.rpt_payment_waived)
        with self.assertLogs(REPAIR_LOGGER, logging.INFO) as logs:
            self.env["repair.payment.waiver.wizard"].with_user(self.manager).create(
                {"repair_id": repair.id, "reason": "Warranty repair by the vendor"}
            ).action_confirm()
        self.assertIn("Warranty repair by the vendor", logs.output[0])
        self.assertTrue(repair.rpt_payment_waived)
        self.assertEqual(repair.rpt_waiver_user_id, self.manager)
        self.assertEqual(repair.rpt_waiver_reason, "Warranty repair by the vendor")
        self.assertIn("Warranty repair by the vendor", repair.message_ids[0].body)
        repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")

    def test_waiver_and_handover_fields_are_not_writable(self):
        repair = self._ready_repair(700.0, "SN-FORGE")
        forged = [
            {"rpt_payment_waived": True},
            {"rpt_waiver_reason": "x"},
            {"rpt_handover_result": "accepted"},
            {"rpt_handover_user_id": self.receptionist.id},
        ]
        for user in (self.receptionist, self.manager, self.env.user):
            for vals in forged:
                with self.assertRaisesRegex(UserError, "recorded by"):
                    repair.with_user(user).write(vals)
                with self.assertRaisesRegex(UserError, "recorded by"):
                    repair.with_user(user).with_context(rpt_write=True).write(vals)
        with self.assertRaisesRegex(UserError, "recorded by"):
            self._new_repair(serial="SN-FORGE-2", rpt_payment_waived=True)
        self.assertFalse(repair.rpt_payment_waived)
        with self.assertRaisesRegex(UserError, "not paid"):
            repair.with_user(self.receptionist).action_sc_deliver()

    def test_handover_check_at_the_till_by_branch(self):
        repair = self._ready_repair(600.0, "SN-CHECK-TILL")
        with self.assertRaises(AccessError):
            repair.with_user(self.cashier_b).rpt_record_handover(
                "ok", "Charger", "accepted"
            )
        with self.assertRaises(AccessError):
            repair.with_user(self.engineer).rpt_record_handover(
                "ok", "Charger", "accepted"
            )
        with self.assertRaisesRegex(UserError, "2000"):
            repair.with_user(self.cashier).rpt_record_handover(
                "x" * 2001, "Charger", "accepted"
            )
        with self.assertRaisesRegex(UserError, "accepts"):
            repair.with_user(self.cashier).rpt_record_handover("ok", "Charger", "maybe")
        self.assertFalse(repair.rpt_handover_result)
        repair.with_user(self.cashier).rpt_record_handover(
            "As received", "Charger", "accepted"
        )
        self.assertEqual(repair.rpt_handover_result, "accepted")
        self.assertEqual(repair.rpt_handover_user_id, self.cashier)
        self.assertIn("Handover check", repair.message_ids[0].body)

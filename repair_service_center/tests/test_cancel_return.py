from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestCancelReturn(ServiceCenterCase):
    """Cancelled is not gone: the device waits on "To Return" for its owner."""

    def test_cancelled_device_waits_then_is_handed_back(self):
        repair = self._received_repair(serial="SN-RET-1")
        repair.with_user(self.engineer).action_sc_start_diagnosis()
        repair.with_user(self.receptionist).action_sc_cancel()
        shelf = self.branch_a.sc_to_return_location_id
        self.assertEqual(repair.service_stage, "cancelled")
        self.assertEqual(repair.device_location_id, shelf)
        self.assertTrue(repair.device_to_return)
        quant = self._device_quant(repair)
        self.assertEqual(quant.location_id, shelf)
        self.assertEqual(quant.owner_id, self.client)
        Repair = self.env["repair.order"].with_user(self.receptionist)
        self.assertEqual(Repair.search([("device_to_return", "=", True)]), repair)

        repair.with_user(self.receptionist).action_sc_return_device()
        self.assertFalse(self._device_quant(repair))
        self.assertFalse(repair.device_location_id)
        self.assertFalse(repair.device_to_return)
        self.assertTrue(repair.returned_date)
        self.assertEqual(repair.returned_user_id, self.receptionist)
        self.assertEqual(repair.service_stage, "cancelled")
        self.assertFalse(Repair.search([("device_to_return", "=", True)]))
        self.assertIn(repair, Repair.search([("device_to_return", "=", False)]))
        out = self.env["stock.move.line"].search(
            [("lot_id", "=", repair.lot_id.id)], order="id desc", limit=1
        )
        self.assertEqual(out.state, "done")
        self.assertEqual(
            out.location_dest_id, self.env.ref("stock.stock_location_customers")
        )
        self.assertEqual(out.owner_id, self.client)
        self.assertIn("returned", repair.message_ids[:1].body)
        # Handed back once only.
        with self.assertRaisesRegex(UserError, "no device waiting"):
            repair.with_user(self.receptionist).action_sc_return_device()

    def test_only_a_receptionist_returns_a_device(self):
        repair = self._received_repair(serial="SN-RET-2")
        repair.with_user(self.receptionist).action_sc_cancel()
        for user in (self.engineer, self.warehouse_keeper, self.operator):
            with self.assertRaises(AccessError):
                repair.with_user(user).action_sc_return_device()
        self.assertTrue(repair.device_to_return)

    def test_return_is_for_cancelled_repairs_only(self):
        repair = self._received_repair(serial="SN-RET-3")
        with self.assertRaisesRegex(UserError, "no device waiting"):
            repair.with_user(self.receptionist).action_sc_return_device()
        self.assertEqual(
            repair.device_location_id, self.branch_a.sc_reception_location_id
        )

    def test_cancel_before_intake_has_nothing_to_return(self):
        repair = self._new_repair(serial="SN-RET-4")
        repair.action_sc_cancel()
        self.assertEqual(repair.service_stage, "cancelled")
        self.assertFalse(repair.device_to_return)
        self.assertFalse(repair.device_location_id)

    def test_waiting_device_leaves_only_through_its_repair(self):
        repair = self._received_repair(serial="SN-RET-5")
        repair.with_user(self.receptionist).action_sc_cancel()
        with self.assertRaisesRegex(UserError, "only through its repair"):
            repair.lot_id.with_user(
                self.warehouse_keeper
            ).location_id = self.branch_a.sc_ready_location_id
        self.assertEqual(
            repair.device_location_id, self.branch_a.sc_to_return_location_id
        )

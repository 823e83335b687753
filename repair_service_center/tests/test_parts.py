from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestPartsAndHandover(ServiceCenterCase):
    def _in_diagnosis(self, serial, parts):
        repair = self._received_repair(serial=serial)
        repair = repair.with_user(self.engineer)
        repair.action_sc_start_diagnosis()
        repair.write(
            {
                "diagnosis": "Broken display",
                "move_ids": [
                    Command.create(
                        {
                            "product_id": part.id,
                            "product_uom_qty": qty,
                            "repair_line_type": "add",
                        }
                    )
                    for part, qty in parts
                ],
            }
        )
        return repair

    def test_stocked_part_goes_through_a_transfer_then_repair_goes_on(self):
        repair = self._in_diagnosis("SN-P1", [(self.part_screen, 1)])
        repair.action_sc_request_parts()
        self.assertEqual(repair.service_stage, "waiting_parts")
        picking = repair.parts_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.location_id, self.branch_a.lot_stock_id)
        self.assertEqual(picking.location_dest_id, self.branch_a.sc_parts_location_id)
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(repair.move_ids.created_purchase_line_ids)
        # The warehouse issues the part: the repair goes back to work by itself.
        self._validate_picking(picking)
        self.assertEqual(repair.move_ids.state, "assigned")
        self.assertEqual(repair.service_stage, "in_repair")

    def test_missing_part_becomes_an_rfq_to_its_vendor(self):
        repair = self._in_diagnosis(
            "SN-P2", [(self.part_screen, 3), (self.part_battery, 1)]
        )
        repair.action_sc_request_parts()
        self.assertEqual(repair.service_stage, "waiting_parts")
        transfer_moves = repair.parts_picking_ids.move_ids
        # Odoo's procurement ran the branch's "take from stock, buy the rest" rule.
        rule = self.branch_a.sc_parts_pull_id
        self.assertEqual(rule.procure_method, "mts_else_mto")
        self.assertEqual(transfer_moves.rule_id, rule)
        # 2 screens on hand are reserved, the third one and the battery are bought.
        screens = transfer_moves.filtered(lambda m: m.product_id == self.part_screen)
        self.assertEqual(screens.product_uom_qty, 3.0)
        self.assertEqual(screens.quantity, 2.0)
        battery = transfer_moves.filtered(lambda m: m.product_id == self.part_battery)
        self.assertEqual(battery.quantity, 0.0)
        # The rest is bought into the parts stock: the RFQ names the repair.
        po_lines = self.env["purchase.order.line"].search(
            [("order_id.origin", "=", repair.name)]
        )
        self.assertEqual(
            sorted(
                po_lines.mapped(lambda line: (line.product_id.name, line.product_qty))
            ),
            [("Test Phone X battery", 1.0), ("Test Phone X screen", 1.0)],
        )
        self.assertEqual(po_lines.order_id.partner_id, self.vendor)
        self.assertEqual(po_lines.order_id.state, "draft")
        # Purchase received, warehouse issues everything: the repair goes on.
        po = po_lines.order_id.with_user(self.warehouse_keeper)
        po.button_confirm()
        receipt = po.picking_ids
        self._validate_picking(receipt)
        self.assertEqual(receipt.location_dest_id, self.branch_a.lot_stock_id)
        # The bought parts are reserved for the repair's transfer on arrival.
        self.assertEqual(screens.quantity, 3.0)
        self.assertEqual(battery.quantity, 1.0)
        self._validate_picking(repair.parts_picking_ids)
        self.assertEqual(repair.service_stage, "in_repair")

    def test_part_without_vendor_is_refused_clearly(self):
        orphan = self.env["product.product"].create(
            {"name": "Unobtainium chip", "type": "consu", "is_storable": True}
        )
        repair = self._in_diagnosis("SN-P3", [(orphan, 1)])
        with self.assertRaisesRegex(UserError, "no vendor"):
            repair.action_sc_request_parts()
        self.assertFalse(repair.parts_picking_ids)
        self.assertEqual(repair.service_stage, "diagnosis")

    def test_request_without_parts_is_refused(self):
        repair = self._in_diagnosis("SN-P4", [])
        with self.assertRaisesRegex(UserError, "no parts"):
            repair.action_sc_request_parts()

    def test_receptionist_cannot_request_parts(self):
        repair = self._in_diagnosis("SN-P5", [(self.part_screen, 1)])
        with self.assertRaises(AccessError):
            repair.with_user(self.receptionist).action_sc_request_parts()

    def test_ready_then_handover_keeps_device_owned_by_client(self):
        repair = self._in_diagnosis("SN-P6", [(self.part_screen, 1)])
        repair.write({"service_work_ids": [Command.set(self.work_screen.ids)]})
        repair.action_sc_request_parts()
        self._validate_picking(repair.parts_picking_ids)
        self.assertEqual(repair.service_stage, "in_repair")
        repair.action_sc_set_ready()
        self.assertEqual(repair.service_stage, "ready")
        self.assertEqual(repair.state, "done")
        quant = self._device_quant(repair)
        self.assertEqual(quant.location_id, self.branch_a.sc_ready_location_id)
        self.assertEqual(quant.owner_id, self.client)
        # The part was consumed into the repair.
        self.assertEqual(repair.move_ids.state, "done")
        # The price is the sale order's: the part and the catalog work.
        self.assertTrue(repair.sale_order_id)
        self.assertEqual(
            sorted(repair.sale_order_id.order_line.mapped("product_id.name")),
            ["Screen replacement service", "Test Phone X screen"],
        )
        self.assertEqual(repair.amount_total, repair.sale_order_id.amount_total)
        self._pay_repair(repair)
        repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")
        self.assertFalse(self._device_quant(repair))
        last_move = self.env["stock.move"].search(
            [("product_id", "=", self.device.id), ("origin", "=", repair.name)],
            order="id desc",
            limit=1,
        )
        self.assertEqual(
            last_move.location_dest_id, self.env.ref("stock.stock_location_customers")
        )
        self.assertEqual(last_move.move_line_ids.owner_id, self.client)

    def test_cannot_be_ready_with_missing_parts(self):
        repair = self._in_diagnosis("SN-P7", [])
        repair.action_sc_start_repair()
        repair.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.part_battery.id,
                            "product_uom_qty": 1,
                            "repair_line_type": "add",
                        }
                    )
                ]
            }
        )
        with self.assertRaisesRegex(UserError, "parts"):
            repair.action_sc_set_ready()
        self.assertEqual(repair.service_stage, "in_repair")

    def test_move_device_between_places(self):
        repair = self._received_repair(serial="SN-P8")
        desk = self.branch_a.sc_manager_desk_location_id
        repair.with_user(self.receptionist).action_sc_move_device(desk)
        self.assertEqual(repair.device_location_id, desk)
        self.assertEqual(self._device_quant(repair).owner_id, self.client)
        with self.assertRaisesRegex(UserError, "not a storage place"):
            repair.action_sc_move_device(self.branch_b.sc_reception_location_id)

    def test_device_history(self):
        first = self._received_repair(serial="SN-HISTORY")
        first.with_user(self.receptionist).action_sc_cancel()
        first.with_user(self.receptionist).action_sc_return_device()
        second = self._received_repair(serial="SN-HISTORY")
        self.assertEqual(second.lot_id, first.lot_id)
        self.assertEqual(second.device_history_count, 1)
        action = second.action_sc_device_history()
        self.assertEqual(self.env["repair.order"].search(action["domain"]), first)

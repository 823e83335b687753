from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import ScanCase


@tagged("post_install", "-at_install")
class TestScanScreenTour(ScanCase, HttpCase):
    def test_scan_screen_tour(self):
        shelf = self.env["stock.location"].create(
            {
                "name": "Tour Shelf",
                "location_id": self.branch_a.sc_storage_location_id.id,
                "barcode": "TOUR-SHELF",
            }
        )
        repair = self._received_repair(serial="TOUR-IMEI-1")
        self.part_battery.barcode = "4600000000042"
        self.env["stock.quant"]._update_available_quantity(
            self.part_battery, self.branch_a.lot_stock_id, 1.0
        )
        paste = self.env["product.product"].create(
            {
                "name": "Tour thermal paste",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "4600000000097",
            }
        )
        lot = self.env["stock.lot"].create(
            {"name": "TOUR-PASTE", "product_id": paste.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            paste, self.branch_a.lot_stock_id, 5.0, lot_id=lot
        )
        waiting = self._received_repair(serial="TOUR-IMEI-2").with_user(self.engineer)
        waiting.action_sc_start_diagnosis()
        waiting.move_ids = [
            Command.create(
                {
                    "product_id": self.part_battery.id,
                    "product_uom_qty": 1.0,
                    "repair_line_type": "add",
                }
            ),
            Command.create(
                {
                    "product_id": paste.id,
                    "product_uom_qty": 2.0,
                    "repair_line_type": "add",
                }
            ),
        ]
        waiting.action_sc_request_parts()
        picking = waiting.parts_picking_ids
        self.assertEqual(picking.state, "assigned")
        self.start_tour(
            "/odoo/action-repair_warehouse_binding.repair_scan_action",
            "repair_warehouse_binding_scan_tour",
            login=self.manager.login,
        )
        # Relocated, then undone: back at reception, both moves logged.
        self.assertEqual(
            repair.device_location_id, self.branch_a.sc_reception_location_id
        )
        logs = self.env["repair.scan.log"].search([("repair_id", "=", repair.id)])
        self.assertEqual(len(logs), 2)
        self.assertEqual(logs.location_dest_id, shelf | logs.location_src_id)
        # The part was issued: transfer done, the repair goes on.
        self.assertEqual(picking.state, "done")
        self.assertEqual(waiting.service_stage, "in_repair")
        paste_move = waiting.move_ids.filtered(lambda m: m.product_id == paste)
        self.assertEqual(paste_move.move_line_ids.lot_id, lot)
        self.assertEqual(sum(paste_move.move_line_ids.mapped("quantity")), 2.0)

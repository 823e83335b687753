from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ScanCase


@tagged("post_install", "-at_install")
class TestScanParts(ScanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part_sn = cls.env["product.product"].create(
            {
                "name": "Test Phone X camera",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "4600000000011",
            }
        )
        cls.part_screen.barcode = "4600000000028"
        cls.part_battery.barcode = "4600000000035"
        stock = cls.branch_a.lot_stock_id
        Quant = cls.env["stock.quant"]
        for serial in ("CAM-1", "CAM-2"):
            lot = cls.env["stock.lot"].create(
                {"name": serial, "product_id": cls.part_sn.id}
            )
            Quant._update_available_quantity(cls.part_sn, stock, 1.0, lot_id=lot)

    def _waiting_for(self, serial, parts):
        repair = self._received_repair(serial=serial).with_user(self.engineer)
        repair.action_sc_start_diagnosis()
        repair.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "product_id": part.id,
                            "product_uom_qty": qty,
                            "repair_line_type": "add",
                        }
                    )
                    for part, qty in parts
                ]
            }
        )
        repair.action_sc_request_parts()
        self.assertEqual(repair.service_stage, "waiting_parts")
        return repair.with_user(self.env.user)

    def test_keeper_scans_repair_then_parts_and_they_travel_with_the_device(self):
        repair = self._waiting_for(
            "SN-PART-1", [(self.part_sn, 1), (self.part_screen, 1)]
        )
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        asked = self.scan(keeper, "4600000000011", state)
        self.assertEqual(asked["status"], "part")
        self.assertEqual(
            asked["state"], {"repair_id": repair.id, "product_id": self.part_sn.id}
        )
        bound = self.scan(keeper, "CAM-2", asked["state"])
        self.assertEqual(bound["status"], "bound")
        self.assertIn("scan the other parts", bound["message"])
        picking = repair.parts_picking_ids
        self.assertEqual(picking.state, "assigned")
        done = self.scan(keeper, "4600000000028", bound["state"])
        self.assertIn(picking.name, done["message"])
        self.assertEqual(picking.state, "done")
        # The parts are reserved on the repair's own moves, with the serial
        # that was scanned: bound to the repair, which can go on.
        repair.invalidate_recordset()
        self.assertEqual(repair.service_stage, "in_repair")
        camera_move = repair.move_ids.filtered(lambda m: m.product_id == self.part_sn)
        self.assertEqual(camera_move.state, "assigned")
        self.assertEqual(camera_move.move_line_ids.lot_id.name, "CAM-2")
        # Relocating the device relocates its bound parts, still reserved.
        self.relocate(self.engineer, repair.name, "BRA-DESK-1")
        self.assertEqual(repair.device_location_id, self.desk_a)
        lines = repair._sc_bound_part_lines()
        self.assertEqual(lines.location_id, self.desk_a)
        self.assertEqual(
            sorted(lines.mapped("product_id.name")),
            ["Test Phone X camera", "Test Phone X screen"],
        )
        camera = self.env["stock.quant"].search(
            [("lot_id.name", "=", "CAM-2"), ("quantity", ">", 0)]
        )
        self.assertEqual(camera.location_id, self.desk_a)
        self.assertEqual(camera.reserved_quantity, 1.0)
        self.assertEqual(camera_move.state, "assigned")
        # The engineer finishes: the parts are consumed where they are.
        repair.with_user(self.engineer).action_sc_set_ready()
        self.assertEqual(camera_move.state, "done")
        self.assertFalse(
            self.env["stock.quant"].search(
                [
                    ("lot_id.name", "=", "CAM-2"),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ]
            )
        )

    def test_serial_part_cannot_be_bound_to_two_repairs(self):
        first = self._waiting_for("SN-PART-2", [(self.part_sn, 1)])
        second = self._waiting_for("SN-PART-3", [(self.part_sn, 1)])
        keeper = self.warehouse_keeper
        state = self.scan(keeper, first.name)["state"]
        state = self.scan(keeper, "4600000000011", state)["state"]
        self.scan(keeper, "CAM-1", state)
        self.assertEqual(first.parts_picking_ids.state, "done")
        state = self.scan(keeper, second.name)["state"]
        state = self.scan(keeper, "4600000000011", state)["state"]
        with self.assertRaisesRegex(UserError, "already bound to repair"):
            self.scan(keeper, "CAM-1", state)
        self.assertEqual(second.parts_picking_ids.state, "assigned")
        self.assertFalse(second.parts_picking_ids.move_line_ids.filtered("picked"))
        # Its own serial is fine.
        self.scan(keeper, "CAM-2", state)
        self.assertEqual(second.parts_picking_ids.state, "done")

    def test_part_not_asked_for_and_wrong_role_are_refused(self):
        repair = self._waiting_for("SN-PART-4", [(self.part_screen, 1)])
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        with self.assertRaisesRegex(UserError, "did not ask for"):
            self.scan(keeper, "4600000000035", state)
        with self.assertRaisesRegex(UserError, "is not a serial"):
            self.scan(keeper, "NOPE", dict(state, product_id=self.part_sn.id))
        with self.assertRaises(AccessError):
            self.scan(self.receptionist, "4600000000028", state)
        # A part where a device is expected.
        with self.assertRaisesRegex(UserError, "is a part"):
            self.scan(keeper, "4600000000028")
        self.assertFalse(repair.parts_picking_ids.move_line_ids.filtered("picked"))

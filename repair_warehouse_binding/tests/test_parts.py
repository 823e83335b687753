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


@tagged("post_install", "-at_install")
class TestScanLotParts(ScanCase):
    """Lot-tracked parts: a lot gives as many units as the repair needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part_lot = cls.env["product.product"].create(
            {
                "name": "Test thermal paste (g)",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "4600000000059",
            }
        )
        cls.part_sn = cls.env["product.product"].create(
            {
                "name": "Test Phone X camera",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "4600000000066",
            }
        )
        stock = cls.branch_a.lot_stock_id
        Quant = cls.env["stock.quant"]
        for name, qty in (("PASTE-A", 3.0), ("PASTE-B", 5.0)):
            lot = cls.env["stock.lot"].create(
                {"name": name, "product_id": cls.part_lot.id}
            )
            Quant._update_available_quantity(cls.part_lot, stock, qty, lot_id=lot)
        lot = cls.env["stock.lot"].create(
            {"name": "CAM-9", "product_id": cls.part_sn.id}
        )
        Quant._update_available_quantity(cls.part_sn, stock, 1.0, lot_id=lot)

    def _waiting_for(self, serial, parts):
        return TestScanParts._waiting_for(self, serial, parts)

    def _bound(self, repair, product):
        move = repair.move_ids.filtered(lambda m: m.product_id == product)
        return sorted(
            (ml.lot_id.name, ml.quantity) for ml in move.move_line_ids if ml.quantity
        )

    def test_a_lot_gives_what_the_repair_needs_then_the_next_lot_the_rest(self):
        repair = self._waiting_for("SN-LOT-1", [(self.part_lot, 4)])
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        asked = self.scan(keeper, "4600000000059", state)
        self.assertEqual(asked["status"], "part")
        self.assertEqual(asked["tracking"], "lot")
        # Lot A has 3 of the 4: all 3 are picked, the screen asks for more.
        first = self.scan(keeper, "PASTE-A", asked["state"])
        self.assertEqual(first["status"], "bound")
        self.assertEqual(first["picked"], 3.0)
        self.assertIn("1.0 more to scan", first["message"])
        self.assertEqual(first["state"]["product_id"], self.part_lot.id)
        picking = repair.parts_picking_ids
        self.assertEqual(picking.state, "assigned")
        # Lot B gives the last one: the transfer is done, bound to the repair.
        second = self.scan(keeper, "PASTE-B", first["state"])
        self.assertEqual(second["picked"], 1.0)
        self.assertIn("is done", second["message"])
        self.assertEqual(picking.state, "done")
        repair.invalidate_recordset()
        self.assertEqual(repair.service_stage, "in_repair")
        self.assertEqual(
            self._bound(repair, self.part_lot), [("PASTE-A", 3.0), ("PASTE-B", 1.0)]
        )

    def test_quantity_typed_and_the_same_lot_scanned_again_add_up(self):
        repair = self._waiting_for("SN-LOT-2", [(self.part_lot, 3)])
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        state = self.scan(keeper, "4600000000059", state)["state"]
        # More than the repair needs, or nothing: refused, nothing picked.
        with self.assertRaisesRegex(UserError, "needs only 3.0 more"):
            self.scan(keeper, "PASTE-B", dict(state, quantity=4))
        with self.assertRaisesRegex(UserError, "positive number"):
            self.scan(keeper, "PASTE-B", dict(state, quantity=-1))
        picking = repair.parts_picking_ids
        self.assertFalse(picking.move_line_ids.filtered("picked"))
        one = self.scan(keeper, "PASTE-B", dict(state, quantity=1))
        self.assertEqual(one["picked"], 1.0)
        self.assertIn("2.0 more", one["message"])
        again = self.scan(keeper, "PASTE-B", one["state"])
        self.assertEqual(again["picked"], 2.0)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._bound(repair, self.part_lot), [("PASTE-B", 3.0)])

    def test_a_lot_without_enough_stock_for_the_typed_quantity_is_refused(self):
        repair = self._waiting_for("SN-LOT-3", [(self.part_lot, 4)])
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        state = self.scan(keeper, "4600000000059", state)["state"]
        with self.assertRaisesRegex(UserError, "not in stock"):
            self.scan(keeper, "PASTE-A", dict(state, quantity=4))
        self.assertFalse(repair.parts_picking_ids.move_line_ids.filtered("picked"))

    def test_gs1_code_names_the_part_its_lot_and_quantity(self):
        gs1 = self.env.ref(
            "barcodes_gs1_nomenclature.default_gs1_nomenclature",
            raise_if_not_found=False,
        )
        if not gs1:
            self.skipTest("Odoo's GS1 nomenclature (barcodes_gs1_nomenclature)")
        self.env.company.nomenclature_id = gs1
        self.part_lot.barcode = "4600000000053"  # a valid EAN-13
        repair = self._waiting_for("SN-LOT-5", [(self.part_lot, 3)])
        keeper = self.warehouse_keeper
        # The receipt number is no GS1 code: looked up as it is.
        state = self.scan(keeper, repair.name)["state"]
        # (01) GTIN-14 of the part, (10) lot, FNC1, (30) quantity: one scan.
        result = self.scan(keeper, "010460000000005310PASTE-B\x1d302", state)
        self.assertEqual(result["status"], "bound")
        self.assertEqual(result["picked"], 2.0)
        self.assertIn("1.0 more", result["message"])
        self.assertEqual(self._bound_on_transfer(repair), [("PASTE-B", 2.0)])
        # Places keep working with a GS1 nomenclature.
        moved = self.relocate(self.engineer, repair.name, "BRA-DESK-1")
        self.assertEqual(moved["status"], "moved")

    def _bound_on_transfer(self, repair):
        lines = repair.parts_picking_ids.move_line_ids.filtered("picked")
        return sorted((ml.lot_id.name, ml.quantity) for ml in lines)

    def test_a_serial_is_one_unit_per_scan(self):
        repair = self._waiting_for("SN-LOT-4", [(self.part_sn, 1)])
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        state = self.scan(keeper, "4600000000066", state)["state"]
        with self.assertRaisesRegex(UserError, "one unit"):
            self.scan(keeper, "CAM-9", dict(state, quantity=2))
        self.assertEqual(self.scan(keeper, "CAM-9", state)["picked"], 1.0)


@tagged("post_install", "-at_install")
class TestEngineerAddsPart(ScanCase):
    """A part the repair did not ask for: the engineer adds it, then the
    warehouse keeper's scan binds it. Calls as the users' RPC would make."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part_screen.barcode = "4600000000073"
        cls.part_battery.barcode = "4600000000080"
        cls.env["stock.quant"]._update_available_quantity(
            cls.part_battery, cls.branch_a.lot_stock_id, 1.0
        )

    def test_keeper_is_refused_until_the_engineer_adds_the_part(self):
        repair = TestScanParts._waiting_for(self, "SN-ADD-1", [(self.part_screen, 1)])
        self.assertEqual(repair.engineer_id, self.engineer)
        keeper = self.warehouse_keeper
        state = self.scan(keeper, repair.name)["state"]
        with self.assertRaisesRegex(UserError, "did not ask for"):
            self.scan(keeper, "4600000000080", state)
        # The keeper cannot add it himself, by any door.
        as_keeper = repair.with_user(keeper)
        with self.assertRaisesRegex(AccessError, "Only the engineer of repair"):
            as_keeper.action_sc_add_part(self.part_battery.id, 1)
        with self.assertRaisesRegex(AccessError, "Only the engineer of repair"):
            as_keeper.write(
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
        with self.assertRaisesRegex(AccessError, "Only the engineer of repair"):
            self.env["stock.move"].with_user(keeper).create(
                {
                    "name": "forged",
                    "product_id": self.part_battery.id,
                    "product_uom_qty": 1,
                    "product_uom": self.part_battery.uom_id.id,
                    "location_id": repair.location_id.id,
                    "location_dest_id": repair.location_dest_id.id,
                    "repair_id": repair.id,
                    "repair_line_type": "add",
                }
            )
        screen_move = repair.move_ids.filtered(
            lambda m: m.product_id == self.part_screen
        )
        with self.assertRaisesRegex(AccessError, "Only the engineer of repair"):
            screen_move.with_user(keeper).product_uom_qty = 2
        with self.assertRaisesRegex(AccessError, "Only the engineer of repair"):
            screen_move.with_user(keeper).product_id = self.part_battery
        # Another engineer of the branch is not this repair's engineer.
        with self.assertRaisesRegex(AccessError, "Only the engineer of repair"):
            repair.with_user(self.engineer_2).action_sc_add_part(
                self.part_battery.id, 1
            )
        self.assertFalse(
            repair.move_ids.filtered(lambda m: m.product_id == self.part_battery)
        )
        # The repair's engineer scans the repair, then the part: added and
        # requested from the warehouse.
        state = self.scan(self.engineer, repair.name)["state"]
        added = self.scan(self.engineer, "4600000000080", state)
        self.assertEqual(added["status"], "requested")
        battery = repair.move_ids.filtered(lambda m: m.product_id == self.part_battery)
        self.assertEqual(battery.repair_line_type, "add")
        self.assertEqual(battery.product_uom_qty, 1.0)
        self.assertTrue(battery.move_orig_ids.picking_id)
        self.assertTrue(
            any(
                "added 1.0 × Test Phone X battery" in body
                for body in repair.message_ids.mapped("body")
            )
        )
        # Now the keeper's scan is accepted and binds it.
        state = self.scan(keeper, repair.name)["state"]
        bound = self.scan(keeper, "4600000000080", state)
        self.assertEqual(bound["status"], "bound")
        self.scan(keeper, "4600000000073", bound["state"])
        repair.invalidate_recordset()
        self.assertEqual(battery.state, "assigned")
        self.assertEqual(repair.service_stage, "in_repair")

    def test_a_manager_adds_a_part_too_and_only_in_diagnosis_or_repair(self):
        repair = self._received_repair(serial="SN-ADD-2")
        with self.assertRaisesRegex(UserError, "during diagnosis or repair"):
            repair.with_user(self.manager).action_sc_add_part(self.part_battery.id, 1)
        repair.with_user(self.engineer).action_sc_start_diagnosis()
        with self.assertRaisesRegex(UserError, "positive number"):
            repair.with_user(self.manager).action_sc_add_part(self.part_battery.id, 0)
        repair.with_user(self.manager).action_sc_add_part(self.part_battery.id, 2)
        battery = repair.move_ids.filtered(lambda m: m.product_id == self.part_battery)
        self.assertEqual(battery.product_uom_qty, 2.0)
        self.assertEqual(repair.service_stage, "waiting_parts")

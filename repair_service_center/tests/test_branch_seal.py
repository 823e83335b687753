from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestBranchSeal(ServiceCenterCase):
    """A user of branch A reads and moves nothing of branch B's clients."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        works = [Command.set(cls.work_screen.ids)]
        cls.repair_a = cls._received_repair(serial="SN-SEAL-A", service_work_ids=works)
        cls.repair_b = cls._new_repair(
            serial="SN-SEAL-B",
            user=cls.receptionist_b,
            picking_type_id=cls.branch_b.repair_type_id.id,
            service_work_ids=works,
        )
        cls.repair_b.with_user(cls.receptionist_b).action_sc_confirm_intake()
        # Parts stock and a parts transfer in each branch.
        cls.env["stock.quant"]._update_available_quantity(
            cls.part_battery, cls.branch_b.lot_stock_id, 3.0
        )
        cls.picking_a = cls._parts_transfer(cls.branch_a, cls.part_screen)
        cls.picking_b = cls._parts_transfer(cls.branch_b, cls.part_battery)
        # Each repair's quotation.
        for repair in (cls.repair_a, cls.repair_b):
            cls.env["repair.order"].browse(repair.id)._sc_ensure_sale_order()
        # Unassigned quotations: Odoo's own rule shows them to every salesman,
        # so only the branch seal can hide branch B's from branch A.
        (cls.repair_a.sale_order_id | cls.repair_b.sale_order_id).user_id = False
        cls.other_order = cls.env["sale.order"].create(
            {"partner_id": cls.client.id, "user_id": cls.receptionist.id}
        )

    @classmethod
    def _parts_transfer(cls, branch, product):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": branch.int_type_id.id,
                "location_id": branch.lot_stock_id.id,
                "location_dest_id": branch.sc_parts_location_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 1.0,
                            "location_id": branch.lot_stock_id.id,
                            "location_dest_id": branch.sc_parts_location_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def _visible(self, user, model, records):
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_lots_and_quants_of_other_branch_are_hidden(self):
        lots = self.repair_a.lot_id | self.repair_b.lot_id
        quants = self._device_quant(self.repair_a) | self._device_quant(self.repair_b)
        self.assertEqual(len(quants), 2)
        for user in (self.receptionist, self.engineer, self.warehouse_keeper):
            self.assertEqual(
                self._visible(user, "stock.lot", lots), self.repair_a.lot_id, user.login
            )
            self.assertEqual(
                self._visible(user, "stock.quant", quants),
                self._device_quant(self.repair_a),
                user.login,
            )
        with self.assertRaises(AccessError):
            self.repair_b.lot_id.with_user(self.receptionist).read(["name"])
        with self.assertRaises(AccessError):
            self._device_quant(self.repair_b).with_user(self.receptionist).read(
                ["owner_id", "location_id"]
            )

    def test_moves_and_transfers_of_other_branch_are_hidden(self):
        products = self.device | self.part_screen | self.part_battery
        moves = self.env["stock.move"].search([("product_id", "in", products.ids)])
        move_lines = self.env["stock.move.line"].search(
            [("lot_id", "in", (self.repair_a.lot_id | self.repair_b.lot_id).ids)]
        )
        for user in (self.receptionist, self.warehouse_keeper):
            seen = self._visible(user, "stock.move", moves)
            self.assertTrue(seen)
            self.assertFalse(
                (seen.location_id | seen.location_dest_id).filtered(
                    lambda loc: loc.warehouse_id == self.branch_b
                ),
                user.login,
            )
            self.assertIn(self.picking_a.move_ids, seen)
            lines = self._visible(user, "stock.move.line", move_lines)
            self.assertEqual(lines.lot_id, self.repair_a.lot_id, user.login)
            self.assertEqual(
                self._visible(user, "stock.picking", self.picking_a | self.picking_b),
                self.picking_a,
                user.login,
            )
        with self.assertRaises(AccessError):
            self.picking_b.with_user(self.warehouse_keeper).read(["name"])
        with self.assertRaises(AccessError):
            self.picking_b.move_ids.with_user(self.warehouse_keeper).write(
                {"product_uom_qty": 5.0}
            )

    def test_repair_quotations_of_other_branch_are_hidden(self):
        orders = (
            self.repair_a.sale_order_id | self.repair_b.sale_order_id | self.other_order
        )
        self.assertEqual(len(orders), 3)
        self.assertEqual(
            self._visible(self.receptionist, "sale.order", orders),
            self.repair_a.sale_order_id | self.other_order,
        )
        with self.assertRaises(AccessError):
            self.repair_b.sale_order_id.with_user(self.receptionist).read(
                ["amount_total"]
            )
        lines = orders.order_line
        self.assertTrue(self.repair_b.sale_order_id.order_line)
        self.assertEqual(
            self._visible(self.receptionist, "sale.order.line", lines),
            self.repair_a.sale_order_id.order_line,
        )

    def test_user_of_both_branches_and_admins_see_both(self):
        both = new_test_user(
            self.env,
            login="sc_manager_both",
            groups="base.group_user,repair_service_center.group_sc_manager",
            sc_branch_ids=[Command.set((self.branch_a | self.branch_b).ids)],
        )
        stock_manager = new_test_user(
            self.env, login="stock_boss", groups="stock.group_stock_manager"
        )
        lots = self.repair_a.lot_id | self.repair_b.lot_id
        pickings = self.picking_a | self.picking_b
        for user in (both, stock_manager):
            self.assertEqual(self._visible(user, "stock.lot", lots), lots, user.login)
            self.assertEqual(
                self._visible(user, "stock.picking", pickings), pickings, user.login
            )
        orders = self.repair_a.sale_order_id | self.repair_b.sale_order_id
        self.assertEqual(self._visible(both, "sale.order", orders), orders)

    def test_warehouse_keeper_moves_own_parts_stock(self):
        self._validate_picking(self.picking_a)
        quant = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.part_screen.id),
                ("location_id", "=", self.branch_a.sc_parts_location_id.id),
            ]
        )
        self.assertEqual(quant.quantity, 1.0)
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(self.warehouse_keeper).create(
                {"picking_type_id": self.branch_b.int_type_id.id}
            )

    def _take_device_out(self, user, repair, context=None):
        """A hand-made delivery of the repair's device, validated by ``user``."""
        source = repair.device_location_id
        customers = self.env.ref("stock.stock_location_customers")
        Picking = self.env["stock.picking"].with_user(user)
        if context:
            Picking = Picking.with_context(**context)
        picking = Picking.create(
            {
                "picking_type_id": self.branch_a.out_type_id.id,
                "location_id": source.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Out",
                            "product_id": self.device.id,
                            "product_uom_qty": 1.0,
                            "location_id": source.id,
                            "location_dest_id": customers.id,
                            "move_line_ids": [
                                Command.create(
                                    {
                                        "product_id": self.device.id,
                                        "lot_id": repair.lot_id.id,
                                        "quantity": 1.0,
                                        "owner_id": repair.partner_id.id,
                                        "location_id": source.id,
                                        "location_dest_id": customers.id,
                                    }
                                )
                            ],
                        }
                    )
                ],
            }
        )
        picking.move_ids.picked = True
        return picking.button_validate()

    def test_other_branch_device_cannot_be_taken_out(self):
        reception_b = self.branch_b.sc_reception_location_id
        # Refused by the branch rules: the move touches branch B only. Whoever
        # may write such a move meets the device's seal (next test).
        with self.assertRaises(AccessError):
            self._take_device_out(self.receptionist, self.repair_b)
        self.assertEqual(self._device_quant(self.repair_b).location_id, reception_b)
        self.assertEqual(self.repair_b.service_stage, "received")

    def test_own_device_leaves_only_through_its_repair(self):
        reception = self.branch_a.sc_reception_location_id
        stock_manager = new_test_user(
            self.env, login="stock_boss2", groups="stock.group_stock_manager"
        )
        for user, context in (
            (self.receptionist, None),
            (self.warehouse_keeper, {"sc_device_move": True}),
            (stock_manager, {"sc_device_move": "1"}),
        ):
            with self.assertRaisesRegex(UserError, "only through its repair"):
                self._take_device_out(user, self.repair_a, context)
            self.assertEqual(self._device_quant(self.repair_a).location_id, reception)
        # Relocating the serial by hand is refused as well.
        with self.assertRaisesRegex(UserError, "only through its repair"):
            self.repair_a.lot_id.with_user(
                stock_manager
            ).location_id = self.branch_a.sc_ready_location_id
        # The repair's own action moves it.
        self.repair_a.with_user(self.receptionist).action_sc_move_device(
            self.branch_a.sc_manager_desk_location_id
        )
        self.assertEqual(
            self.repair_a.device_location_id, self.branch_a.sc_manager_desk_location_id
        )

    def test_serial_held_by_other_branch_is_not_duplicated(self):
        repair = self._new_repair(serial="SN-SEAL-B")
        repair.with_user(self.receptionist)._sc_resolve_lot()
        self.assertEqual(repair.lot_id, self.repair_b.lot_id)
        with self.assertRaises(UserError):
            repair.with_user(self.receptionist).action_sc_confirm_intake()
        self.assertEqual(
            self._device_quant(self.repair_b).location_id,
            self.branch_b.sc_reception_location_id,
        )

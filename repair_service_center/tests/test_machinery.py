from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.stock_warehouse import SERVICE_LOCATIONS
from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestMachinery(ServiceCenterCase):
    """The addon rides on Odoo's own mechanisms."""

    def test_new_warehouse_gets_service_storage_and_parts_rule(self):
        branch = self.env["stock.warehouse"].create({"name": "Branch C", "code": "BRC"})
        for fname, suffix in SERVICE_LOCATIONS.items():
            location = branch[fname]
            self.assertEqual(location.usage, "internal", fname)
            self.assertEqual(location.warehouse_id, branch, fname)
            self.assertEqual(location.barcode, f"BRC-{suffix}", fname)
        self.assertEqual(branch.sc_to_return_location_id.name, "To Return")
        repair_type = branch.repair_type_id
        self.assertEqual(
            repair_type.default_location_src_id, branch.sc_parts_location_id
        )
        self.assertEqual(
            repair_type.default_product_location_src_id,
            branch.sc_reception_location_id,
        )
        self.assertEqual(
            repair_type.default_product_location_dest_id, branch.sc_ready_location_id
        )
        rule = branch.sc_parts_pull_id
        self.assertEqual(rule.procure_method, "mts_else_mto")
        self.assertEqual(rule.location_src_id, branch.lot_stock_id)
        self.assertEqual(rule.location_dest_id, branch.sc_parts_location_id)
        self.assertEqual(rule.picking_type_id, branch.int_type_id)
        self.assertEqual(
            rule.route_id, self.env.ref("repair_service_center.route_sc_parts")
        )

    def test_every_role_implies_the_base_group(self):
        base = self.env.ref("repair_service_center.group_sc_user")
        for role in (
            "operator",
            "receptionist",
            "engineer",
            "warehouse",
            "cashier",
            "manager",
            "admin",
        ):
            group = self.env.ref(f"repair_service_center.group_sc_{role}")
            self.assertIn(base, group.trans_implied_ids, role)
        menu = self.env.ref("repair_service_center.repair_service_center_menu_root")
        self.assertEqual(menu.groups_id, base)
        rule = self.env.ref("repair_service_center.repair_order_rule_sc_branch")
        self.assertEqual(rule.groups, base)
        # A plain internal user sees neither the menu nor is bound to branches.
        plain = new_test_user(self.env, login="plain_user", groups="base.group_user")
        self.assertFalse(plain.sc_branch_sealed)
        self.assertTrue(self.receptionist.sc_branch_sealed)
        self.assertFalse(self.env.ref("base.user_admin").sc_branch_sealed)

    def test_device_location_follows_the_quant(self):
        repair = self._received_repair(serial="SN-MACH-1")
        self.assertEqual(
            repair.device_location_id, self.branch_a.sc_reception_location_id
        )
        # Moved by Odoo's audited quant relocation, the owner stays the client.
        desk = self.branch_a.sc_manager_desk_location_id
        repair.with_user(self.receptionist).action_sc_move_device(desk)
        self.assertEqual(repair.device_location_id, desk)
        quant = self._device_quant(repair)
        self.assertEqual(quant.owner_id, self.client)
        move = self.env["stock.move"].search(
            [("move_line_ids.lot_id", "=", repair.lot_id.id)], order="id desc", limit=1
        )
        self.assertTrue(move.is_inventory)
        self.assertEqual(move.state, "done")
        self.assertIn(repair.name, move.name)
        self.assertEqual(move.move_line_ids.owner_id, self.client)

    def test_move_device_query_count(self):
        repair = self._received_repair(serial="SN-MACH-QC")
        repair = repair.with_user(self.receptionist)
        shelf = self.branch_a.sc_ready_location_id
        self.assertEqual(
            repair.device_location_id, self.branch_a.sc_reception_location_id
        )
        with self.assertQueryCount(24):
            repair.action_sc_move_device(shelf)
        self.assertEqual(repair.device_location_id, shelf)

    def test_branch_inverse_sets_the_repair_type(self):
        self.receptionist.sc_branch_ids = [Command.link(self.branch_b.id)]
        repair = self._new_repair(serial="SN-MACH-2")
        self.assertEqual(repair.branch_id, self.branch_a)
        repair.with_user(self.receptionist).branch_id = self.branch_b
        self.assertEqual(repair.picking_type_id, self.branch_b.repair_type_id)
        self.assertEqual(repair.branch_id, self.branch_b)

    def test_parts_transfers_follow_procurement(self):
        repair = self._received_repair(serial="SN-MACH-3")
        repair = repair.with_user(self.engineer)
        repair.action_sc_start_diagnosis()
        self.assertFalse(repair.parts_picking_ids)
        repair.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.part_screen.id,
                            "product_uom_qty": 1,
                            "repair_line_type": "add",
                        }
                    )
                ]
            }
        )
        repair.action_sc_request_parts()
        picking = repair.parts_picking_ids
        self.assertEqual(repair.parts_picking_count, 1)
        self.assertEqual(picking.picking_type_id, self.branch_a.int_type_id)
        self.assertEqual(picking.move_ids.move_dest_ids, repair.move_ids)
        self.assertEqual(picking.state, "assigned")

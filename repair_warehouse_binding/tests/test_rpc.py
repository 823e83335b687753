from odoo.tests import HttpCase, tagged

from odoo.addons.repair_service_center.tests.common import XmlRpcMixin

from .common import ScanCase
from .test_parts import TestScanParts


@tagged("post_install", "-at_install")
class TestScanThroughXmlRpc(XmlRpcMixin, ScanCase, HttpCase):
    """The warehouse keeper and the engineer through Odoo's XML-RPC API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part_screen.barcode = "4600000000110"
        cls.part_battery.barcode = "4600000000127"
        cls.env["stock.quant"]._update_available_quantity(
            cls.part_battery, cls.branch_a.lot_stock_id, 1.0
        )

    def test_unrequested_part_over_rpc(self):
        repair = TestScanParts._waiting_for(self, "SN-RPC-1", [(self.part_screen, 1)])
        keeper, engineer = self.warehouse_keeper, self.engineer
        state = self._call(keeper, "repair.scan", "sc_scan", repair.name)["state"]
        self._refused(
            "did not ask for",
            keeper,
            "repair.scan",
            "sc_scan",
            "4600000000127",
            **state,
        )
        # Every door the keeper could try, a forged context included.
        part_line = {
            "product_id": self.part_battery.id,
            "product_uom_qty": 1,
            "repair_line_type": "add",
        }
        self._refused(
            "Only the engineer of repair",
            keeper,
            "repair.order",
            "write",
            [repair.id],
            {"move_ids": [(0, 0, part_line)]},
            context={"sc_device_move": True, "sc_machine": True},
        )
        self._refused(
            "Only the engineer of repair",
            keeper,
            "stock.move",
            "create",
            dict(
                part_line,
                name="forged",
                product_uom=self.part_battery.uom_id.id,
                location_id=repair.location_id.id,
                location_dest_id=repair.location_dest_id.id,
                repair_id=repair.id,
            ),
        )
        self._refused(
            "Only the engineer of repair",
            keeper,
            "repair.order",
            "action_sc_add_part",
            [repair.id],
            self.part_battery.id,
            1,
        )
        # The repair's engineer adds it; then the keeper's scan binds it.
        self._call(
            engineer,
            "repair.order",
            "action_sc_add_part",
            [repair.id],
            self.part_battery.id,
            1,
        )
        bound = self._call(keeper, "repair.scan", "sc_scan", "4600000000127", **state)
        self.assertEqual(bound["status"], "bound")
        battery = repair.move_ids.filtered(lambda m: m.product_id == self.part_battery)
        self.assertEqual(
            battery.move_orig_ids.move_line_ids.filtered("picked").quantity, 1
        )

    def test_device_cannot_be_moved_by_a_forged_done_move(self):
        """The core's seal holds for a move created done with a done line."""
        repair = self._received_repair(serial="SN-RPC-2")
        keeper = self.warehouse_keeper
        source = repair.device_location_id
        self._refused(
            "moves or leaves only through its repair",
            keeper,
            "stock.move",
            "create",
            {
                "name": "forged",
                "product_id": repair.product_id.id,
                "product_uom": repair.product_id.uom_id.id,
                "product_uom_qty": 1,
                "location_id": source.id,
                "location_dest_id": self.shelf_a.id,
                "state": "done",
                "picked": True,
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": repair.product_id.id,
                            "lot_id": repair.lot_id.id,
                            "owner_id": repair.partner_id.id,
                            "quantity": 1,
                            "location_id": source.id,
                            "location_dest_id": self.shelf_a.id,
                        },
                    )
                ],
            },
            context={"sc_device_move": True},
        )
        repair.invalidate_recordset()
        self.assertEqual(repair.device_location_id, source)
        # Through the scan service it moves.
        moved = self._call(
            keeper, "repair.scan", "sc_relocate", repair.name, "BRA-SHELF-1"
        )
        self.assertEqual(moved["status"], "moved")

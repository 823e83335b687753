from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestBranchSealRpc(HttpCase, ServiceCenterCase):
    """The seal holds through Odoo's external API (XML-RPC to the test server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repair_a = cls._received_repair(serial="SN-RPC-A")
        cls.repair_b = cls._new_repair(
            serial="SN-RPC-B",
            user=cls.receptionist_b,
            picking_type_id=cls.branch_b.repair_type_id.id,
        )
        cls.repair_b.with_user(cls.receptionist_b).action_sc_confirm_intake()
        for repair in (cls.repair_a, cls.repair_b):
            cls.env["repair.order"].browse(repair.id)._sc_ensure_sale_order()
        (cls.repair_a.sale_order_id | cls.repair_b.sale_order_id).user_id = False

    def _rpc(self, login, model, method, *args, **kwargs):
        # new_test_user gives every user its login as password.
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        self.assertTrue(uid, login)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, model, method, list(args), kwargs
        )

    def test_cross_branch_reads_over_xmlrpc(self):
        login = self.receptionist.login
        lots = (self.repair_a.lot_id | self.repair_b.lot_id).ids
        found = self._rpc(
            login, "stock.lot", "search_read", [("id", "in", lots)], fields=["name"]
        )
        self.assertEqual([row["id"] for row in found], self.repair_a.lot_id.ids)

        quants = self._rpc(
            login,
            "stock.quant",
            "search_read",
            [
                ("lot_id.name", "in", ["SN-RPC-A", "SN-RPC-B"]),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ],
            fields=["lot_id", "owner_id", "location_id"],
        )
        self.assertEqual(
            [(row["lot_id"][0], row["location_id"][0]) for row in quants],
            [(self.repair_a.lot_id.id, self.branch_a.sc_reception_location_id.id)],
        )

        lines = self._rpc(
            login,
            "stock.move.line",
            "search_read",
            [("lot_id", "in", lots)],
            fields=["lot_id"],
        )
        self.assertEqual(
            {row["lot_id"][0] for row in lines}, set(self.repair_a.lot_id.ids)
        )

        moves = self._rpc(
            login,
            "stock.move",
            "search",
            [("location_dest_id", "=", self.branch_b.sc_reception_location_id.id)],
        )
        self.assertEqual(moves, [])

        orders = (self.repair_a.sale_order_id | self.repair_b.sale_order_id).ids
        seen = self._rpc(login, "sale.order", "search", [("id", "in", orders)])
        self.assertEqual(seen, self.repair_a.sale_order_id.ids)

        with self.assertRaises(Fault) as caught:
            self._rpc(login, "stock.lot", "read", self.repair_b.lot_id.ids, ["name"])
        self.assertIn("'read' access", caught.exception.faultString)
        self.assertIn("(stock.lot)", caught.exception.faultString)

    def test_device_cannot_leave_over_xmlrpc(self):
        login = self.warehouse_keeper.login
        source = self.branch_a.sc_reception_location_id
        customers = self.env.ref("stock.stock_location_customers")
        picking_id = self._rpc(
            login,
            "stock.picking",
            "create",
            {
                "picking_type_id": self.branch_a.out_type_id.id,
                "location_id": source.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Out",
                            "product_id": self.device.id,
                            "product_uom_qty": 1.0,
                            "location_id": source.id,
                            "location_dest_id": customers.id,
                            "picked": True,
                            "move_line_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "product_id": self.device.id,
                                        "lot_id": self.repair_a.lot_id.id,
                                        "quantity": 1.0,
                                        "owner_id": self.client.id,
                                        "location_id": source.id,
                                        "location_dest_id": customers.id,
                                    },
                                )
                            ],
                        },
                    )
                ],
            },
        )
        with self.assertRaises(Fault) as caught:
            self._rpc(
                login,
                "stock.picking",
                "button_validate",
                [picking_id],
                context={"sc_device_move": True},
            )
        self.assertIn("only through its repair", caught.exception.faultString)
        self.assertEqual(self._device_quant(self.repair_a).location_id, source)

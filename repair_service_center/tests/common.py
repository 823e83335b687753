import xmlrpc.client

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import Transport


class XmlRpcMixin:
    """Calls through Odoo's documented XML-RPC API as a given user (with an
    ``HttpCase``): what a low-privileged user can reach from outside."""

    def setUp(self):
        super().setUp()
        self.rpc = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.http_port()}/xmlrpc/2/object",
            transport=Transport(self.cr),
            allow_none=True,
        )

    def _call(self, user, model, method, *args, **kwargs):
        return self.rpc.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    def _refused(self, message, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self._call(user, model, method, *args, **kwargs)
        self.assertIn(message, error.exception.faultString)


class ServiceCenterCase(TransactionCase):
    """Two branches, a user per role, a device model, parts and a catalog.

    Nothing here relies on demo data: every test builds on its own records.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.ru")
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Service center week",
                "tz": "Europe/Moscow",
                "company_id": cls.company.id,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 10.0,
                            "hour_to": 19.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        Warehouse = cls.env["stock.warehouse"]
        cls.branch_a = Warehouse.create(
            {"name": "Branch A", "code": "BRA", "sc_calendar_id": cls.calendar.id}
        )
        cls.branch_b = Warehouse.create(
            {"name": "Branch B", "code": "BRB", "sc_calendar_id": cls.calendar.id}
        )

        def user(login, group, branches, **kw):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,repair_service_center.{group}",
                sc_branch_ids=[Command.set(branches.ids)],
                tz="Europe/Moscow",
                **kw,
            )

        cls.receptionist = user("sc_reception_a", "group_sc_receptionist", cls.branch_a)
        cls.receptionist_b = user(
            "sc_reception_b", "group_sc_receptionist", cls.branch_b
        )
        cls.engineer = user(
            "sc_engineer_a", "group_sc_engineer", cls.branch_a, sc_daily_capacity=6.0
        )
        cls.engineer_2 = user(
            "sc_engineer_a2", "group_sc_engineer", cls.branch_a, sc_daily_capacity=4.0
        )
        cls.engineer_no_capacity = user(
            "sc_engineer_idle", "group_sc_engineer", cls.branch_a, sc_daily_capacity=0.0
        )
        cls.manager = user("sc_manager_a", "group_sc_manager", cls.branch_a)
        cls.warehouse_keeper = user("sc_stock_a", "group_sc_warehouse", cls.branch_a)
        cls.operator = user("sc_operator", "group_sc_operator", cls.branch_a)

        Category = cls.env["product.category"]
        cls.categ_phones = Category.create({"name": "Test smartphones"})
        cls.device = cls.env["product.product"].create(
            {
                "name": "Test Phone X",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.categ_phones.id,
            }
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Parts Vendor"})
        buy_route = cls.env.ref("purchase_stock.route_warehouse0_buy")
        cls.part_screen = cls.env["product.product"].create(
            {
                "name": "Test Phone X screen",
                "type": "consu",
                "is_storable": True,
                "list_price": 1500.0,
                "route_ids": [Command.set(buy_route.ids)],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 900.0})
                ],
            }
        )
        cls.part_battery = cls.env["product.product"].create(
            {
                "name": "Test Phone X battery",
                "type": "consu",
                "is_storable": True,
                "list_price": 800.0,
                "route_ids": [Command.set(buy_route.ids)],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 400.0})
                ],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.part_screen, cls.branch_a.lot_stock_id, 2.0
        )
        cls.service_product = cls.env["product.product"].create(
            {
                "name": "Screen replacement service",
                "type": "service",
                "list_price": 2500,
            }
        )
        Work = cls.env["repair.service.work"]
        cls.work_screen = Work.create(
            {
                "name": "Screen replacement",
                "categ_id": cls.categ_phones.id,
                "product_id": cls.service_product.id,
                "list_price": 2500.0,
                "standard_hours": 1.5,
            }
        )
        cls.work_battery = Work.create(
            {
                "name": "Battery replacement",
                "categ_id": cls.categ_phones.id,
                "list_price": 1500.0,
                "standard_hours": 1.0,
            }
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Ivan Petrov", "mobile": "+7 916 123-45-67"}
        )

    @classmethod
    def _new_repair(cls, serial="SN-0001", user=None, **vals):
        values = {
            "picking_type_id": cls.branch_a.repair_type_id.id,
            "product_id": cls.device.id,
            "serial_number": serial,
            "client_phone": "+7 916 123-45-67",
            "fault_description": "Screen is cracked",
            "device_condition": "Scratches on the back",
            "accessories": "Charger",
            "quoted_price": 2500.0,
        }
        values.update(vals)
        values = {key: value for key, value in values.items() if value is not None}
        return (
            cls.env["repair.order"].with_user(user or cls.receptionist).create(values)
        )

    @classmethod
    def _received_repair(cls, serial="SN-0001", **vals):
        repair = cls._new_repair(serial=serial, **vals)
        repair.action_sc_confirm_intake()
        return repair.with_user(cls.env.user)

    def _pay_repair(self, repair):
        """The client pays the repair's quotation the Odoo way: invoice, payment.

        With the till addon installed (``repair_pos_terminal``) handing a
        device over requires its repair paid; paying first keeps the tests
        that deliver true with or without it.
        """
        order = repair.sudo().sale_order_id
        if not order or order.currency_id.is_zero(order.amount_total):
            return
        if order.state != "sale":
            order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({}).action_create_payments()
        self.assertEqual(invoice.amount_residual, 0.0)

    def _validate_picking(self, picking):
        """The warehouse keeper issues everything the transfer asks for."""
        for one in picking.with_user(self.warehouse_keeper):
            for move in one.move_ids:
                move.quantity = move.product_uom_qty
            one.move_ids.picked = True
            one.button_validate()
            self.assertEqual(one.state, "done")

    def _device_quant(self, repair):
        return self.env["stock.quant"].search(
            [
                ("lot_id", "=", repair.lot_id.id),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ]
        )

from odoo.tests import TransactionCase, tagged

STANDIN_URL = "http://127.0.0.1:8899"


@tagged("post_install", "-at_install")
class TestDemoTills(TransactionCase):
    """The demo company's tills, ready for the stand-in terminal."""

    def test_demo_tills(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "repair_pos_terminal")]
        )
        if not module.demo:
            # Installed without demo data: nothing to check.
            self.assertFalse(
                self.env.ref(
                    "repair_pos_terminal.demo_pos_config_tvr", raise_if_not_found=False
                )
            )
            return
        company = self.env.ref("repair_service_center.demo_company")
        card = self.env.ref("repair_pos_terminal.demo_payment_method_card")
        self.assertEqual(card.use_payment_terminal, "repair_bridge")
        self.assertEqual(card.sudo().rpt_terminal_url, STANDIN_URL)
        self.assertEqual(card.company_id, company)
        for xmlid, branch in (
            ("demo_pos_config_tvr", "demo_branch_tvr"),
            ("demo_pos_config_arb", "demo_branch_arb"),
        ):
            cash = self.env.ref(
                "repair_pos_terminal.demo_payment_method_cash_" + xmlid[-3:]
            )
            self.assertTrue(cash.is_cash_count)
            config = self.env.ref(f"repair_pos_terminal.{xmlid}")
            self.assertEqual(config.company_id, company)
            self.assertEqual(
                config.picking_type_id.warehouse_id,
                self.env.ref(f"repair_service_center.{branch}"),
            )
            self.assertEqual(config.payment_method_ids, card | cash)
            self.assertEqual(config.currency_id.name, "RUB")
        # Nothing was sent to the terminal while installing.
        self.assertFalse(self.env["repair.pos.transaction"].search_count([]))
        # The demo cashier finds the demo ready repair at the Tverskaya till.
        cashier = self.env.ref("repair_service_center.demo_user_cashier")
        repair = self.env.ref("repair_service_center.demo_repair_tvr_ready")
        found = (
            self.env["repair.order"]
            .with_user(cashier)
            .with_company(company)
            .rpt_find_for_till(
                repair.name, self.env.ref("repair_pos_terminal.demo_pos_config_tvr").id
            )
        )
        self.assertEqual(found[0]["id"], repair.id)
        self.assertFalse(found[0]["refusal"])
        self.assertGreater(found[0]["amount_to_pay"], 0)
        # The cashier may take payments at that till (no terminal contacted:
        # only the rights and the till's session are checked).
        self.assertTrue(cashier.has_group("point_of_sale.group_pos_user"))

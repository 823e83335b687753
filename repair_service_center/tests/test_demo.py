"""The demo is a Russian service center: these tests read the demo data.

They are the exception to "tests make their own records": what they check is
the demo itself (``make test`` always installs it).
"""

from odoo.tests import TransactionCase, tagged

MODULE = "repair_service_center"


@tagged("post_install", "-at_install")
class TestRussianDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref(f"{MODULE}.demo_company")
        cls.ready = cls.env.ref(f"{MODULE}.demo_repair_tvr_ready")

    def test_company_in_moscow_in_roubles_with_a_chart(self):
        rub = self.env.ref("base.RUB")
        self.assertEqual(self.company.currency_id, rub)
        self.assertEqual(rub.symbol, "₽")
        self.assertEqual(self.company.country_id, self.env.ref("base.ru"))
        self.assertEqual(self.company.chart_template, "generic_coa")
        journals = self.env["account.journal"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertTrue(journals.filtered(lambda j: j.type == "sale"))
        self.assertTrue(journals.filtered(lambda j: j.type == "cash"))

    def test_staff_branches_catalog_and_repairs_belong_to_it(self):
        for xmlid in ("demo_branch_tvr", "demo_branch_arb", "demo_user_receptionist"):
            self.assertEqual(self.env.ref(f"{MODULE}.{xmlid}").company_id, self.company)
        for xmlid in ("demo_product_iphone13", "demo_part_iphone13_screen"):
            self.assertEqual(self.env.ref(f"{MODULE}.{xmlid}").company_id, self.company)
        self.assertEqual(
            self.env.ref(f"{MODULE}.demo_work_screen_smartphone").company_id,
            self.company,
        )
        repairs = self.env["repair.order"].search(
            [("branch_id.company_id", "=", self.company.id)]
        )
        self.assertEqual(repairs.company_id, self.company)

    def test_staff_and_clients_speak_russian_admin_stays_english(self):
        receptionist = self.env.ref(f"{MODULE}.demo_user_receptionist")
        self.assertEqual(receptionist.lang, "ru_RU")
        self.assertEqual(receptionist.name, "Анна Смирнова")
        self.assertEqual(self.ready.partner_id.lang, "ru_RU")
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.lang, "en_US")
        self.assertIn(self.company, admin.company_ids)

    def test_repairs_in_every_stage(self):
        repairs = self.env["repair.order"].search(
            [("company_id", "=", self.company.id)]
        )
        stages = set(repairs.mapped("service_stage"))
        all_stages = {
            key
            for key, _label in self.env["repair.order"]
            ._fields["service_stage"]
            ._description_selection(self.env)
        }
        # "to_return" (a cancelled repair waiting for its owner) is optional.
        self.assertLessEqual(all_stages - stages, {"to_return"})

    def test_branch_places_are_named_in_russian(self):
        branch = self.env.ref(f"{MODULE}.demo_branch_tvr")
        self.assertEqual(branch.name, "Ремонт-Про — Тверская")
        places = (
            branch.lot_stock_id
            | branch.sc_reception_location_id
            | branch.sc_ready_location_id
            | self.env.ref(f"{MODULE}.demo_location_tvr_desk_1")
        )
        for place in places:
            self.assertRegex(place.name, "[А-Яа-яЁё]", place.complete_name)

    def test_receipt_terms_are_translated(self):
        branch = self.env.ref(f"{MODULE}.demo_branch_tvr")
        self.assertIn(
            "Устройство принято на диагностику",
            branch.with_context(lang="ru_RU").sc_receipt_terms,
        )
        self.assertIn(
            "The device is accepted for diagnosis",
            branch.with_context(lang="en_US").sc_receipt_terms,
        )

    def test_receipt_for_a_demo_client_prints_in_russian_with_roubles(self):
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            f"{MODULE}.action_report_repair_receipt", self.ready.ids
        )
        html = html.decode()
        for expected in (
            "Квитанция о приёме в ремонт",
            "Филиал:",
            "Ремонт-Про — Тверская",
            "Мария Иванова",
            "Серийный номер / IMEI",
            "354321112233442",
            "Неисправность",
            "Комплектация",
            "Озвученная цена",
            "Устройство принято на диагностику",
        ):
            self.assertIn(expected, html)
        # Russian number format, the rouble sign after the amount.
        self.assertRegex(
            html,
            r'<span class="oe_currency_value">11\xa0400,00</span>\xa0₽',
        )
        for english in ("Repair Receipt", "Quoted price", "Accessories"):
            self.assertNotIn(english, html)

    def test_label_for_a_demo_client_prints_in_russian(self):
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            f"{MODULE}.action_report_repair_label", self.ready.ids
        )
        html = html.decode()
        self.assertIn("Мария Иванова", html)
        self.assertIn("354321112233442", html)

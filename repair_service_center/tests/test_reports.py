from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestReports(ServiceCenterCase):
    def test_receipt_has_everything_and_an_inline_barcode(self):
        repair = self._received_repair(
            serial="IMEI-111222333", promised_date="2099-01-31"
        )
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "repair_service_center.action_report_repair_receipt", repair.ids
        )
        html = html.decode()
        for expected in (
            repair.name,
            "Branch A",
            "Ivan Petrov",
            "Test Phone X",
            "IMEI-111222333",
            "Screen is cracked",
            "Scratches on the back",
            "Charger",
            "2,500.00",
        ):
            self.assertIn(expected, html)
        self.assertIn("<svg", html)
        self.assertNotIn("/report/barcode", html)

    def test_label_renders(self):
        repair = self._received_repair(serial="IMEI-LABEL")
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "repair_service_center.action_report_repair_label", repair.ids
        )
        self.assertIn("<svg", html.decode())
        self.assertIn("IMEI-LABEL", html.decode())

    def test_receipt_pdf(self):
        repair = self._received_repair(serial="IMEI-PDF")
        pdf, fmt = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "repair_service_center.action_report_repair_receipt", repair.ids
            )
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_branch_address_on_one_line(self):
        self.branch_a.partner_id = self.env["res.partner"].create(
            {
                "name": "Branch A",
                "street": "Tverskaya 12",
                "city": "Moscow",
                "zip": "125009",
            }
        )
        repair = self._received_repair(serial="IMEI-ADDR")
        address = repair._sc_branch_address()
        self.assertIn("Tverskaya 12", address)
        self.assertNotIn(", ,", address)
        self.assertNotIn("\n", address)

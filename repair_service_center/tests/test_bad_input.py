from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestBadInput(ServiceCenterCase):
    """Bad input gets a clear error and changes nothing."""

    def _count(self):
        return self.env["repair.order"].search_count([])

    def test_serial_rules(self):
        before = self._count()
        for serial, message in (
            ("X" * 10000, "not a serial number"),
            ("AB", "not a serial number"),
            ("SN 12<script>", "not a serial number"),
            ("СЕРИЙНЫЙ123", "not a serial number"),
            ("356789104512345", "check"),  # 15 digits, wrong Luhn digit
        ):
            with self.subTest(serial=serial[:20]):
                with self.assertRaisesRegex(ValidationError, message):
                    self._new_repair(serial=serial)
        self.assertEqual(self._count(), before)
        # A valid IMEI and ordinary serials pass.
        for serial in ("356789104512346", "C02XK1ABJG5H", "SN-1/2.3"):
            self.assertEqual(self._new_repair(serial=serial).serial_number, serial)

    def test_serial_rules_on_write(self):
        repair = self._new_repair(serial="SN-BAD-W")
        with self.assertRaises(ValidationError):
            repair.with_user(self.receptionist).write({"serial_number": "9" * 41})
        self.assertEqual(repair.serial_number, "SN-BAD-W")

    def test_text_fields_are_bounded(self):
        repair = self._new_repair(serial="SN-TEXT")
        for field, limit in (
            ("fault_description", 2000),
            ("device_condition", 2000),
            ("accessories", 500),
            ("diagnosis", 10000),
            ("client_name", 200),
        ):
            with self.subTest(field=field):
                with self.assertRaisesRegex(ValidationError, "too long"):
                    repair.with_user(self.receptionist).write(
                        {field: "a" * (limit + 1)}
                    )
                repair.with_user(self.receptionist).write({field: "a" * limit})
        with self.assertRaisesRegex(ValidationError, "too long"):
            self._new_repair(serial="SN-TEXT-2", fault_description="b" * 5000)

    def test_overdue_search_with_unsupported_operator(self):
        Repair = self.env["repair.order"].with_user(self.receptionist)
        for operator, value in (("in", [True]), ("=", "yes"), ("ilike", "x")):
            with self.subTest(operator=operator):
                with self.assertRaisesRegex(UserError, "Overdue"):
                    Repair.search([("is_overdue", operator, value)])
        Repair.search([("is_overdue", "=", True)])

    def test_non_latin_reference_prints_as_text(self):
        latin = self._received_repair(serial="SN-LAT")
        # A Russian sequence prefix, as a Russian branch may configure it.
        self.branch_a.repair_type_id.sequence_id.prefix = "РМ/"
        repair = self._received_repair(serial="SN-CYR")
        self.assertTrue(repair.name.startswith("РМ/"))
        svg = repair._sc_barcode_svg()
        self.assertIn(repair.name, svg)
        self.assertNotIn("<svg", svg)
        report = self.env["ir.actions.report"].with_user(self.receptionist)
        for xmlid in (
            "repair_service_center.action_report_repair_receipt",
            "repair_service_center.action_report_repair_label",
        ):
            html, _kind = report._render_qweb_html(xmlid, repair.ids)
            self.assertIn(repair.name, html.decode())
        self.assertIn("<svg", latin._sc_barcode_svg())

    def test_serial_open_in_another_branch_is_named(self):
        other = self._new_repair(
            serial="SN-BRANCH",
            user=self.receptionist_b,
            picking_type_id=self.branch_b.repair_type_id.id,
        )
        other.with_user(self.receptionist_b).action_sc_confirm_intake()
        repair = self._new_repair(serial="SN-BRANCH")
        # The receptionist cannot read the other branch's repair...
        with self.assertRaises(AccessError):
            other.with_user(self.receptionist).read(["name"])
        lots_before = self.env["stock.lot"].search_count([])
        # ...but is told which repair holds the device.
        with self.assertRaisesRegex(UserError, other.name):
            repair.action_sc_confirm_intake()
        self.assertEqual(repair.service_stage, "new")
        self.assertEqual(self.env["stock.lot"].search_count([]), lots_before)

    def test_same_serial_twice_in_one_batch(self):
        first = self._new_repair(serial="SN-BATCH")
        second = self._new_repair(serial="SN-BATCH")
        with self.assertRaisesRegex(UserError, f"{first.name}.*{second.name}"):
            (first | second).action_sc_confirm_intake()
        self.assertEqual((first | second).mapped("service_stage"), ["new", "new"])

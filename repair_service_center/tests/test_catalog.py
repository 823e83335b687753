from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestCatalog(ServiceCenterCase):
    def test_works_give_hours_and_quote(self):
        repair = self._new_repair(
            serial="SN-CAT",
            quoted_price=None,
            service_work_ids=[Command.set((self.work_screen | self.work_battery).ids)],
        )
        self.assertEqual(repair.estimated_hours, 2.5)
        self.assertEqual(repair.quoted_price, 4000.0)
        # The operator may still quote another price.
        repair.quoted_price = 3500.0
        self.assertEqual(repair.quoted_price, 3500.0)

    def test_operator_reads_catalog_but_cannot_edit(self):
        works = (
            self.env["repair.service.work"]
            .with_user(self.operator)
            .search([("categ_id", "=", self.categ_phones.id)])
        )
        self.assertEqual(works, self.work_screen | self.work_battery)
        with self.assertRaises(AccessError):
            self.work_screen.with_user(self.operator).list_price = 1

    @mute_logger("odoo.sql_db")
    def test_hours_must_be_positive(self):
        with self.assertRaises(IntegrityError):
            self.env["repair.service.work"].create(
                {
                    "name": "Bad",
                    "categ_id": self.categ_phones.id,
                    "list_price": 1,
                    "standard_hours": 0,
                }
            )

    def test_display_name_shows_category(self):
        self.assertEqual(
            self.work_screen.display_name, "Screen replacement (Test smartphones)"
        )

    def test_branch_locations_have_barcodes(self):
        self.assertEqual(
            self.branch_a.sc_reception_location_id.barcode, "BRA-RECEPTION"
        )
        self.assertEqual(self.branch_a.sc_ready_location_id.barcode, "BRA-READY")
        self.assertEqual(
            self.branch_a.repair_type_id.default_location_src_id,
            self.branch_a.sc_parts_location_id,
        )
        self.assertFalse(ValidationError is None)

import os
import shutil
import subprocess
import tempfile

from odoo.tests import HttpCase, tagged

from .common import ScanCase


@tagged("post_install", "-at_install")
class TestLabelsScanBack(ScanCase, HttpCase):
    """What is printed scans back: PDF → PNG (pdftoppm) → zbar → scan server.

    An ``HttpCase``: wkhtmltopdf loads the report stylesheets from the test
    server, which must answer from the test's transaction.
    """

    def _decode_pdf(self, report, records):
        pdf, fmt = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(fmt, "pdf")
        tmp = tempfile.mkdtemp(prefix="sc_labels_")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "labels.pdf")
        with open(path, "wb") as handle:
            handle.write(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "200", "-png", path, os.path.join(tmp, "page")],
            check=True,
            timeout=120,
        )
        pages = sorted(
            os.path.join(tmp, name) for name in os.listdir(tmp) if name.endswith(".png")
        )
        self.assertTrue(pages)
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", *pages],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return [line for line in result.stdout.splitlines() if line.strip()]

    def test_place_sheet_sticker_receipt_and_device_sheet_scan_back(self):
        repair = self._received_repair(serial="IMEI-990000000000017")
        second = self._received_repair(serial="IMEI-990000000000025")
        places = self.shelf_a | self.desk_a | self.branch_a.sc_ready_location_id
        sheet = self._decode_pdf(
            "repair_warehouse_binding.action_report_location_label_sheet", places
        )
        self.assertEqual(sorted(sheet), sorted(places.mapped("barcode")))
        sticker = self._decode_pdf(
            "repair_warehouse_binding.action_report_location_label", self.shelf_a
        )
        self.assertEqual(sticker, ["BRA-SHELF-1"])
        devices = self._decode_pdf(
            "repair_warehouse_binding.action_report_repair_label_sheet",
            repair | second,
        )
        self.assertEqual(sorted(devices), sorted([repair.name, second.name]))
        receipt = self._decode_pdf(
            "repair_service_center.action_report_repair_receipt", repair
        )
        self.assertIn(repair.name, receipt)
        # The decoded text drives the scan server: receipt, then shelf label.
        found = self.scan(self.receptionist, receipt[0])
        self.assertEqual(found["repair"]["id"], repair.id)
        moved = self.scan(self.receptionist, sticker[0], found["state"])
        self.assertEqual(moved["status"], "moved")
        self.assertEqual(repair.device_location_id, self.shelf_a)
        # "Where is it": the receipt shows the full place and the path.
        where = self.scan(self.receptionist, receipt[0])["repair"]
        self.assertEqual(where["place"], self.shelf_a.display_name)
        self.assertIn("Storage", where["place"])
        self.assertEqual(where["path"][-1]["to"], self.shelf_a.display_name)

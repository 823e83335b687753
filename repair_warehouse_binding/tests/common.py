from odoo.addons.repair_service_center.tests.common import ServiceCenterCase


class ScanCase(ServiceCenterCase):
    """Service center with barcoded shelves and desks in both branches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Location = cls.env["stock.location"]
        cls.shelf_a = Location.create(
            {
                "name": "Shelf 1",
                "location_id": cls.branch_a.sc_storage_location_id.id,
                "barcode": "BRA-SHELF-1",
            }
        )
        cls.desk_a = Location.create(
            {
                "name": "Desk 1",
                "location_id": cls.branch_a.sc_engineering_location_id.id,
                "barcode": "BRA-DESK-1",
            }
        )
        cls.shelf_b = Location.create(
            {
                "name": "Shelf 1",
                "location_id": cls.branch_b.sc_storage_location_id.id,
                "barcode": "BRB-SHELF-1",
            }
        )
        cls.Scan = cls.env["repair.scan"]

    def scan(self, user, code, state=None):
        return self.Scan.with_user(user).sc_scan(code, **(state or {}))

    def relocate(self, user, device_code, place_code):
        first = self.scan(user, device_code)
        return self.scan(user, place_code, first["state"])

    def move_count(self, repair):
        return self.env["stock.move"].search_count(
            [("product_id", "=", repair.product_id.id), ("state", "=", "done")]
        )

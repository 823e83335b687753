from odoo import api, fields, models

# Addressed storage every branch gets: field -> barcode suffix.
SERVICE_LOCATIONS = {
    "sc_reception_location_id": "RECEPTION",
    "sc_manager_desk_location_id": "MANAGER",
    "sc_engineering_location_id": "ENGINEERING",
    "sc_storage_location_id": "STORAGE",
    "sc_ready_location_id": "READY",
    "sc_parts_location_id": "PARTS",
}


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    sc_reception_location_id = fields.Many2one(
        "stock.location",
        string="Reception",
        check_company=True,
        copy=False,
        help="Where devices received from clients are placed first.",
    )
    sc_manager_desk_location_id = fields.Many2one(
        "stock.location", string="Manager's Desk", check_company=True, copy=False
    )
    sc_engineering_location_id = fields.Many2one(
        "stock.location",
        string="Engineering",
        check_company=True,
        copy=False,
        help="Parent of the engineers' desks.",
    )
    sc_storage_location_id = fields.Many2one(
        "stock.location",
        string="Storage",
        check_company=True,
        copy=False,
        help="Parent of the shelves and bins where devices wait.",
    )
    sc_ready_location_id = fields.Many2one(
        "stock.location",
        string="Ready Shelf",
        check_company=True,
        copy=False,
        help="Where repaired devices wait for their owners.",
    )
    sc_parts_location_id = fields.Many2one(
        "stock.location",
        string="Parts Issued to Repairs",
        check_company=True,
        copy=False,
        help="Parts transferred from the parts stock for a repair wait here "
        "until the engineer consumes them.",
    )
    sc_receipt_terms = fields.Text(
        string="Receipt Terms",
        translate=True,
        default=lambda self: self.env._(
            "The device is accepted for diagnosis and repair. The price and "
            "deadline are estimates and are confirmed by the manager after "
            "diagnosis. Devices not collected within 90 days of the ready "
            "notice are stored at the client's expense. The device is returned "
            "against this receipt or the owner's identity document."
        ),
        help="Conditions printed on the client's receipt.",
    )
    sc_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Days",
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working days used to plan repair deadlines in this branch.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._sc_ensure_service_locations()
        return warehouses

    def _sc_service_location_names(self):
        return {
            "sc_reception_location_id": self.env._("Reception"),
            "sc_manager_desk_location_id": self.env._("Manager's Desk"),
            "sc_engineering_location_id": self.env._("Engineering"),
            "sc_storage_location_id": self.env._("Storage"),
            "sc_ready_location_id": self.env._("Ready Shelf"),
            "sc_parts_location_id": self.env._("Parts Issued to Repairs"),
        }

    def _sc_ensure_service_locations(self):
        """Create the branch's addressed storage and point repairs at it."""
        Location = self.env["stock.location"]
        names = self._sc_service_location_names()
        for warehouse in self:
            vals = {}
            for fname, suffix in SERVICE_LOCATIONS.items():
                if warehouse[fname]:
                    continue
                location = Location.create(
                    {
                        "name": names[fname],
                        "location_id": warehouse.view_location_id.id,
                        "usage": "internal",
                        "barcode": f"{warehouse.code}-{suffix}",
                        "company_id": warehouse.company_id.id,
                    }
                )
                vals[fname] = location.id
            if vals:
                warehouse.write(vals)
            repair_type = warehouse.repair_type_id
            if repair_type:
                repair_type.write(
                    {
                        "default_location_src_id": warehouse.sc_parts_location_id.id,
                        "default_product_location_src_id": (
                            warehouse.sc_reception_location_id.id
                        ),
                        "default_product_location_dest_id": (
                            warehouse.sc_ready_location_id.id
                        ),
                    }
                )

    def _sc_device_locations(self):
        """Every internal location of these branches where a device may be."""
        return self.env["stock.location"].search(
            [
                ("id", "child_of", self.view_location_id.ids),
                ("usage", "=", "internal"),
            ]
        )

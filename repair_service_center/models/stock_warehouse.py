from odoo import api, fields, models

# Addressed storage every branch gets: field -> barcode suffix.
SERVICE_LOCATIONS = {
    "sc_reception_location_id": "RECEPTION",
    "sc_manager_desk_location_id": "MANAGER",
    "sc_engineering_location_id": "ENGINEERING",
    "sc_storage_location_id": "STORAGE",
    "sc_ready_location_id": "READY",
    "sc_to_return_location_id": "RETURN",
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
    sc_to_return_location_id = fields.Many2one(
        "stock.location",
        string="To Return Shelf",
        check_company=True,
        copy=False,
        help="Where devices of cancelled repairs wait to be handed back.",
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
    sc_parts_pull_id = fields.Many2one(
        "stock.rule",
        string="Parts Issue Rule",
        copy=False,
        help="Takes parts from stock to the repairs, buys what is missing.",
    )

    def _sc_service_location_names(self):
        return {
            "sc_reception_location_id": self.env._("Reception"),
            "sc_manager_desk_location_id": self.env._("Manager's Desk"),
            "sc_engineering_location_id": self.env._("Engineering"),
            "sc_storage_location_id": self.env._("Storage"),
            "sc_ready_location_id": self.env._("Ready Shelf"),
            "sc_to_return_location_id": self.env._("To Return"),
            "sc_parts_location_id": self.env._("Parts Issued to Repairs"),
        }

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        company_id = vals.get(
            "company_id", self.default_get(["company_id"])["company_id"]
        )
        names = self._sc_service_location_names()
        for fname, suffix in SERVICE_LOCATIONS.items():
            values[fname] = {
                "name": names[fname],
                "active": True,
                "usage": "internal",
                "barcode": self._valid_barcode(f"{code}-{suffix}", company_id),
            }
        return values

    def _sc_repair_type_locations(self):
        """Repairs take parts from the issue location and keep the device at
        reception until it goes to the ready shelf."""
        return {
            "default_location_src_id": self.sc_parts_location_id.id,
            "default_product_location_src_id": self.sc_reception_location_id.id,
            "default_product_location_dest_id": self.sc_ready_location_id.id,
        }

    def _get_picking_type_create_values(self, max_sequence):
        data, next_sequence = super()._get_picking_type_create_values(max_sequence)
        data["repair_type_id"].update(self._sc_repair_type_locations())
        return data, next_sequence

    def _get_picking_type_update_values(self):
        data = super()._get_picking_type_update_values()
        data["repair_type_id"].update(self._sc_repair_type_locations())
        return data

    def _generate_global_route_rules_values(self):
        rules = super()._generate_global_route_rules_values()
        rules["sc_parts_pull_id"] = {
            "depends": ["sc_parts_location_id", "lot_stock_id"],
            "create_values": {
                "procure_method": "mts_else_mto",
                "company_id": self.company_id.id,
                "action": "pull",
                "auto": "manual",
                "route_id": self._find_or_create_global_route(
                    "repair_service_center.route_sc_parts",
                    self.env._("Service Center: Issue Parts to Repairs"),
                ).id,
            },
            "update_values": {
                "active": True,
                "name": self._format_rulename(
                    self.lot_stock_id,
                    self.sc_parts_location_id,
                    self.env._("Parts"),
                ),
                "location_src_id": self.lot_stock_id.id,
                "location_dest_id": self.sc_parts_location_id.id,
                "location_dest_from_rule": True,
                "picking_type_id": self.int_type_id.id,
            },
        }
        return rules

    @api.model
    def _sc_setup_branches(self):
        """Give every warehouse its service center storage and parts rule.

        New warehouses get them from Odoo's own warehouse creation; this is
        for the warehouses that exist when the addon is installed.
        """
        warehouses = self.with_context(active_test=False).search([])
        warehouses._create_missing_locations({})
        for warehouse in warehouses:
            vals = warehouse._create_or_update_sequences_and_picking_types()
            if vals:
                warehouse.write(vals)
            warehouse._create_or_update_global_routes_rules()
        return True

    def _sc_device_locations(self):
        """Every internal location of these branches where a device may be."""
        return self.env["stock.location"].search(
            [
                ("id", "child_of", self.view_location_id.ids),
                ("usage", "=", "internal"),
            ]
        )

from odoo import api, fields, models

from odoo.addons.repair_service_center.tools import code128_svg


class StockLocation(models.Model):
    _inherit = "stock.location"

    sc_scan_group_ids = fields.Many2many(
        "res.groups",
        "stock_location_sc_scan_group_rel",
        "location_id",
        "group_id",
        string="Roles Allowed to Place Devices",
        help="Only users with one of these roles may put a device here by "
        "scanning. Empty: every scanning role.",
    )
    sc_scan_restricted = fields.Boolean(
        string="Restricted to Some Roles",
        compute="_compute_sc_scan_restricted",
        store=True,
        help="Technical: some roles only may place devices here (read with the "
        "place by a scan, without reading the roles).",
    )

    @api.depends("sc_scan_group_ids")
    def _compute_sc_scan_restricted(self):
        for location in self:
            location.sc_scan_restricted = bool(location.sc_scan_group_ids)

    def _sc_barcode_svg(self, **options):
        """The place's barcode as an inline SVG for labels."""
        self.ensure_one()
        return code128_svg(self.barcode, **options)

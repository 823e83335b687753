from odoo import fields, models

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

    def _sc_barcode_svg(self, **options):
        """The place's barcode as an inline SVG for labels."""
        self.ensure_one()
        return code128_svg(self.barcode, **options)

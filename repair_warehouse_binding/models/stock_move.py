from odoo import api, fields, models
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    sc_scan_log_id = fields.Many2one(
        "repair.scan.log",
        string="Relocation Scan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The scan that relocated the device with this move.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        repair_ids = {
            vals["repair_id"]
            for vals in vals_list
            if vals.get("repair_id") and vals.get("repair_line_type")
        }
        if repair_ids:
            self.env["repair.order"].browse(repair_ids)._sc_check_may_add_parts()
        return super().create(vals_list)

    def write(self, vals):
        """A part line grows or changes only by the repair's engineer."""
        if not self.env.su and (
            {"product_id", "repair_id", "repair_line_type"} & vals.keys()
            or "product_uom_qty" in vals
        ):
            checked = self.filtered(
                lambda m: (
                    (m.repair_id and m.repair_line_type)
                    and (
                        {"product_id", "repair_id", "repair_line_type"} & vals.keys()
                        or float_compare(
                            vals["product_uom_qty"],
                            m.product_uom_qty,
                            precision_rounding=m.product_uom.rounding,
                        )
                        > 0
                    )
                )
            )
            repairs = checked.repair_id
            if vals.get("repair_id") and (
                vals.get("repair_line_type") or any(self.mapped("repair_line_type"))
            ):
                repairs |= self.env["repair.order"].browse(vals["repair_id"])
            repairs._sc_check_may_add_parts()
        return super().write(vals)

from odoo import fields, models


class RepairServiceWork(models.Model):
    _inherit = "repair.service.work"

    part_product_ids = fields.Many2many(
        "product.product",
        "repair_service_work_part_rel",
        "work_id",
        "product_id",
        string="Parts Needed",
        domain="[('is_storable', '=', True)]",
        help="Parts this work usually consumes; the call center sees their "
        "free quantity in every branch while quoting.",
    )

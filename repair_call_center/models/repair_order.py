from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    sc_lead_id = fields.Many2one(
        "crm.lead",
        string="Call-Center Lead",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )

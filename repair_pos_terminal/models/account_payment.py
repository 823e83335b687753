from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    rpt_repair_id = fields.Many2one(
        "repair.order",
        string="Prepaid Repair",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The repair this customer payment was taken for at intake.",
    )

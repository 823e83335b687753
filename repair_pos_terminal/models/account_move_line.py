from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The card terminal's data on the payment entry's items, for the
    # accountant's reconciliation with the acquirer (never a full card number).
    rpt_rrn = fields.Char(string="Terminal RRN", readonly=True, index="btree_not_null")
    rpt_auth_code = fields.Char(string="Terminal Authorization Code", readonly=True)
    rpt_masked_pan = fields.Char(string="Card (Masked)", readonly=True)
    rpt_terminal_id = fields.Char(string="Terminal ID", readonly=True)

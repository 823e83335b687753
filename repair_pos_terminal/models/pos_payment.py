from odoo import api, fields, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    rpt_transaction_id = fields.Many2one(
        "repair.pos.transaction",
        string="Terminal Transaction",
        readonly=True,
        index="btree_not_null",
    )

    @api.constrains("payment_method_id")
    def _check_payment_method_id(self):
        # The repair prepayment's method is offered at no till: a till order
        # uses it only for the prepaid part of a repair (server side).
        return super(
            PosPayment,
            self.filtered(lambda p: not p.payment_method_id.rpt_is_prepayment),
        )._check_payment_method_id()

    def _create_payment_moves(self, is_reverse=False):
        moves = super()._create_payment_moves(is_reverse=is_reverse)
        for payment in self.filtered("rpt_transaction_id"):
            txn = payment.rpt_transaction_id
            label = payment.env._(
                "Card %(card)s, RRN %(rrn)s, auth. %(auth)s, terminal %(terminal)s",
                card=txn.masked_pan or "",
                rrn=txn.rrn or "",
                auth=txn.auth_code or "",
                terminal=txn.terminal_id or "",
            )
            payment.account_move_id.line_ids.write(
                dict(txn._rpt_move_line_vals(), name=label)
            )
        return moves

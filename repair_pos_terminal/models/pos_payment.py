from odoo import fields, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    rpt_transaction_id = fields.Many2one(
        "repair.pos.transaction",
        string="Terminal Transaction",
        readonly=True,
        index="btree_not_null",
    )

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
                {
                    "name": label,
                    "rpt_rrn": txn.rrn,
                    "rpt_auth_code": txn.auth_code,
                    "rpt_masked_pan": txn.masked_pan,
                    "rpt_terminal_id": txn.terminal_id,
                }
            )
        return moves

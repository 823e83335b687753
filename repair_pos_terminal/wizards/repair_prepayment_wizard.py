from odoo import api, fields, models


class RepairPrepaymentWizard(models.TransientModel):
    """Take a prepayment for a received repair: cash or the card terminal."""

    _name = "repair.prepayment.wizard"
    _description = "Repair Prepayment"

    repair_id = fields.Many2one("repair.order", required=True, readonly=True)
    currency_id = fields.Many2one(related="repair_id.currency_id")
    quoted_price = fields.Monetary(related="repair_id.quoted_price")
    prepaid_amount = fields.Monetary(
        related="repair_id.rpt_prepaid_amount", string="Already Prepaid"
    )
    amount = fields.Monetary(required=True)
    allowed_method_ids = fields.Many2many(
        "pos.payment.method", compute="_compute_allowed_method_ids"
    )
    payment_method_id = fields.Many2one(
        "pos.payment.method",
        string="Paid With",
        required=True,
        domain="[('id', 'in', allowed_method_ids)]",
    )

    @api.depends("repair_id")
    def _compute_allowed_method_ids(self):
        for wizard in self:
            wizard.allowed_method_ids = wizard.repair_id._rpt_prepayment_methods()

    def action_confirm(self):
        self.ensure_one()
        result = self.repair_id.rpt_take_prepayment(
            self.amount, self.payment_method_id.id
        )
        posted = result["state"] == "posted"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if posted else "warning",
                "sticky": not posted,
                "message": self.env._(
                    "Prepayment of %(amount)s posted.",
                    amount=self.currency_id.format(result["amount"]),
                )
                if posted
                else result.get("message")
                or self.env._("The terminal did not approve the payment."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

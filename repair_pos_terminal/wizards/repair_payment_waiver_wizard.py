from odoo import fields, models


class RepairPaymentWaiverWizard(models.TransientModel):
    """A manager lets an unpaid repair be handed over, giving the reason."""

    _name = "repair.payment.waiver.wizard"
    _description = "Repair Payment Waiver"

    repair_id = fields.Many2one("repair.order", required=True, readonly=True)
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.repair_id.action_rpt_waive_payment(self.reason)
        return {"type": "ir.actions.act_window_close"}

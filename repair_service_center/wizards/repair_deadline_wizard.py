from odoo import api, fields, models


class RepairDeadlineWizard(models.TransientModel):
    _name = "repair.deadline.wizard"
    _description = "Change Repair Deadline"

    repair_id = fields.Many2one("repair.order", required=True, ondelete="cascade")
    engineer_id = fields.Many2one(related="repair_id.engineer_id")
    current_deadline = fields.Datetime(related="repair_id.date_deadline")
    proposed_deadline = fields.Datetime(
        compute="_compute_proposed_deadline",
        help="Earliest deadline the engineer's queue and the branch's working "
        "days allow.",
    )
    new_deadline = fields.Datetime(
        compute="_compute_new_deadline",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    reason = fields.Text(required=True)

    @api.depends("repair_id", "repair_id.engineer_id")
    def _compute_proposed_deadline(self):
        for wizard in self:
            wizard.proposed_deadline = (
                wizard.repair_id._sc_proposed_deadline()
                if wizard.engineer_id
                else False
            )

    @api.depends("repair_id")
    def _compute_new_deadline(self):
        for wizard in self:
            repair = wizard.repair_id
            proposed = repair._sc_proposed_deadline() if repair.engineer_id else False
            wizard.new_deadline = proposed or repair.date_deadline

    def action_apply(self):
        self.ensure_one()
        self.repair_id.action_sc_set_deadline(self.new_deadline, self.reason)
        return {"type": "ir.actions.act_window_close"}

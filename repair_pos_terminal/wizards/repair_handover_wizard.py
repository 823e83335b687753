from odoo import api, fields, models


class RepairHandoverWizard(models.TransientModel):
    """Check the device with the client before it is handed back."""

    _name = "repair.handover.wizard"
    _description = "Repair Handover Check"

    repair_id = fields.Many2one("repair.order", required=True, readonly=True)
    intake_condition = fields.Text(
        related="repair_id.device_condition", string="Condition at Intake"
    )
    intake_accessories = fields.Char(
        related="repair_id.accessories", string="Accessories Received"
    )
    condition = fields.Text(
        string="Condition Now",
        compute="_compute_defaults",
        store=True,
        readonly=False,
    )
    accessories = fields.Char(
        string="Accessories Handed Back",
        compute="_compute_defaults",
        store=True,
        readonly=False,
    )
    result = fields.Selection(
        [("accepted", "Accepted by the Client"), ("remark", "Accepted with a Remark")],
        required=True,
        default="accepted",
    )
    remark = fields.Text(string="Client's Remark")

    @api.depends("repair_id")
    def _compute_defaults(self):
        for wizard in self:
            wizard.condition = wizard.repair_id.device_condition
            wizard.accessories = wizard.repair_id.accessories

    def action_confirm(self):
        self.ensure_one()
        self.repair_id.rpt_record_handover(
            self.condition, self.accessories, self.result, self.remark
        )
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models

from .repair_order import SERVICE_STAGES


class RepairStageHistory(models.Model):
    _name = "repair.stage.history"
    _description = "Repair Stage Period"
    _order = "date_start desc, id desc"

    repair_id = fields.Many2one(
        "repair.order", required=True, ondelete="restrict", index=True, readonly=True
    )
    stage = fields.Selection(SERVICE_STAGES, required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Changed By", required=True, readonly=True
    )
    date_start = fields.Datetime(required=True, readonly=True)
    date_end = fields.Datetime(readonly=True)
    duration_hours = fields.Float(
        string="Hours in Stage",
        compute="_compute_duration_hours",
        store=True,
        help="Time the repair spent in this stage; zero while the stage is "
        "still the current one.",
    )

    @api.depends("date_start", "date_end")
    def _compute_duration_hours(self):
        for period in self:
            if period.date_end:
                delta = period.date_end - period.date_start
                period.duration_hours = delta.total_seconds() / 3600.0
            else:
                period.duration_hours = 0.0

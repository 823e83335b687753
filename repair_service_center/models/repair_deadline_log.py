from odoo import fields, models


class RepairDeadlineLog(models.Model):
    _name = "repair.deadline.log"
    _description = "Repair Deadline Change"
    _order = "create_date desc, id desc"

    repair_id = fields.Many2one(
        "repair.order", required=True, ondelete="restrict", index=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Changed By", required=True, readonly=True
    )
    old_deadline = fields.Datetime(readonly=True)
    new_deadline = fields.Datetime(readonly=True)
    reason = fields.Text(required=True, readonly=True)

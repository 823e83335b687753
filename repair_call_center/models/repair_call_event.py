from odoo import fields, models


class RepairCallEvent(models.Model):
    """One event received from a PBX, kept to drop replays and stale events."""

    _name = "repair.call.event"
    _description = "PBX Event"
    _order = "id desc"

    connection_id = fields.Many2one(
        "repair.pbx.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    call_id = fields.Many2one("repair.call.log", ondelete="cascade", index=True)
    event_key = fields.Char(required=True)
    leg_id = fields.Char(help="Mango call_id: one leg of the call.")
    seq = fields.Integer()
    kind = fields.Char()

    _sql_constraints = [
        (
            "event_key_unique",
            "UNIQUE(connection_id, event_key)",
            "This PBX event was already received.",
        ),
    ]

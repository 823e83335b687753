from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    sc_place_since = fields.Datetime(
        string="At This Place Since",
        copy=False,
        readonly=True,
        help="When the device was last relocated by a scan.",
    )
    sc_waiting_hours = fields.Float(
        string="Waiting (hours)",
        compute="_compute_sc_waiting_hours",
        help="How long the repaired device has been waiting for its owner.",
    )

    def _compute_sc_waiting_hours(self):
        now = fields.Datetime.now()
        for repair in self:
            since = repair.service_stage == "ready" and repair.service_stage_date
            repair.sc_waiting_hours = (
                (now - since).total_seconds() / 3600.0 if since else 0.0
            )

    def _sc_device_path(self, limit=20):
        """The places the device went through in this repair, oldest first."""
        self.ensure_one()
        if not self.lot_id:
            return []
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", self.lot_id.id),
                ("product_id", "=", self.product_id.id),
                ("state", "=", "done"),
                ("date", ">=", self.intake_date or self.create_date),
            ],
            order="date desc, id desc",
            limit=limit,
        )
        return [
            {
                "date": fields.Datetime.to_string(line.date),
                "from": line.location_id.display_name,
                "to": line.location_dest_id.display_name,
                "user": line.create_uid.name,
            }
            for line in reversed(lines)
        ]

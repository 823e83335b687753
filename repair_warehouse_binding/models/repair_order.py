from odoo import Command, fields, models


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

    # ------------------------------------------------------------------
    # Parts bound to the repair travel with the device
    # ------------------------------------------------------------------
    def _sc_bound_part_lines(self):
        """Parts issued to the repair: reserved on its part moves."""
        return self._sc_part_moves().move_line_ids.filtered(
            lambda ml: ml.quantity > 0 and ml.location_id.usage == "internal"
        )

    def _sc_move_device(self, source, destination, *args, **kwargs):
        moves = super()._sc_move_device(source, destination, *args, **kwargs)
        if destination.usage == "internal" and self.service_stage not in (
            "delivered",
            "cancelled",
        ):
            moves |= self._sc_move_bound_parts(destination)
        return moves

    def _sc_move_bound_parts(self, destination):
        """Relocate the parts bound to the repair and keep them reserved."""
        self.ensure_one()
        lines = self._sc_bound_part_lines().filtered(
            lambda ml: ml.location_id != destination
        )
        if not lines:
            return self.env["stock.move"]
        bound = [
            (ml.move_id, ml.product_id, ml.lot_id, ml.quantity, ml.location_id)
            for ml in lines
        ]
        # Release the reservation, move the parts, reserve them again there.
        lines.unlink()
        relocation = self.env["stock.move"].create(
            [
                {
                    "name": self.env._("%(ref)s: part", ref=self.name),
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": qty,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": self.company_id.id,
                    "origin": self.name,
                    "picked": True,
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "lot_id": lot.id,
                                "quantity": qty,
                                "product_uom_id": product.uom_id.id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "company_id": self.company_id.id,
                            }
                        )
                    ],
                }
                for _move, product, lot, qty, source in bound
            ]
        )
        relocation._action_done()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "quantity": qty,
                    "product_uom_id": product.uom_id.id,
                    "location_id": destination.id,
                    "location_dest_id": move.location_dest_id.id,
                    "company_id": self.company_id.id,
                }
                for move, product, lot, qty, _source in bound
            ]
        )
        return relocation

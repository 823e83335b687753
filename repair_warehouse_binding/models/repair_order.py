import logging

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)


class RepairOrder(models.Model):
    _inherit = "repair.order"

    sc_place_since = fields.Datetime(
        string="At This Place Since",
        copy=False,
        readonly=True,
        help="When the device was last relocated by a scan.",
    )
    sc_relocation_count = fields.Integer(
        string="Relocations by Scan",
        copy=False,
        readonly=True,
        help="How many times a scan relocated the device (or undid a relocation).",
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

    def _sc_move_device(self, source, destination, extra_move_vals=None):
        """The device's bound parts go with it, in the same batch of moves."""
        bound = []
        if (
            source != destination
            and destination.usage == "internal"
            and self.service_stage not in ("delivered", "cancelled")
        ):
            bound = self._sc_release_bound_parts(destination)
        parts = [
            self._sc_part_relocation_vals(product, lot, qty, origin, destination)
            for _move, product, lot, qty, origin in bound
        ]
        moves = super()._sc_move_device(
            source, destination, extra_move_vals=list(extra_move_vals or []) + parts
        )
        if bound:
            self._sc_rebind_parts(bound, destination)
        return moves

    def _sc_release_bound_parts(self, destination):
        """Free the reservations of the bound parts that are not at
        ``destination``; returns what they were (move, product, lot, qty,
        place) to move them and reserve them again there."""
        self.ensure_one()
        lines = self._sc_bound_part_lines().filtered(
            lambda ml: ml.location_id != destination
        )
        bound = [
            (ml.move_id, ml.product_id, ml.lot_id, ml.quantity, ml.location_id)
            for ml in lines
        ]
        lines.unlink()
        return bound

    def _sc_part_relocation_vals(self, product, lot, qty, source, destination):
        """A done move of a bound part (the quant moves when its line is made)."""
        now = fields.Datetime.now()
        return {
            "name": self.env._("%(ref)s: part", ref=self.name),
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": qty,
            # The done quantity, known: spares summing the new line back.
            "quantity": qty,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "group_id": self.procurement_group_id.id,
            "picked": True,
            "state": "done",
            "date": now,
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
                        "date": now,
                    }
                )
            ],
        }

    def _sc_rebind_parts(self, bound, destination):
        """Reserve the moved parts again on the repair's own moves."""
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

    # ------------------------------------------------------------------
    # The engineer adds a part the repair did not ask for
    # ------------------------------------------------------------------
    def _sc_may_add_parts(self):
        """Parts are added to a received repair by its engineer or a manager."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or user.has_group("repair_service_center.group_sc_manager"):
            return True
        return self.engineer_id == user and user.has_group(
            "repair_service_center.group_sc_engineer"
        )

    def _sc_check_may_add_parts(self):
        for repair in self:
            if repair.service_stage != "new" and not repair._sc_may_add_parts():
                _logger.info(
                    "Refused a part line on repair %s for user %s",
                    repair.name,
                    self.env.uid,
                )
                raise AccessError(
                    self.env._(
                        "Only the engineer of repair %(ref)s (%(engineer)s) or a "
                        "manager adds parts to it.",
                        ref=repair.name,
                        engineer=repair.engineer_id.name
                        or self.env._("no engineer yet"),
                    )
                )

    def action_sc_add_part(self, product_id, quantity=1.0):
        """Add ``quantity`` of a part to the repair and request it.

        The engineer found that the repair needs a part nobody asked for: it
        becomes a part line of the repair, requested from the warehouse
        through the core's parts request (a transfer when in stock, a
        purchase otherwise). From then on the warehouse keeper's scan of that
        part is accepted and binds it.
        """
        self.ensure_one()
        self._sc_check_may_add_parts()
        product = self.env["product.product"].browse(int(product_id)).exists()
        if not product or product.type != "consu":
            raise UserError(self.env._("This product cannot be used as a part."))
        if quantity is None or float(quantity) <= 0:
            raise UserError(self.env._("The quantity must be a positive number."))
        # Before the line is written: the core's rule of the parts request.
        self._sc_check_parts_stage()
        self.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": float(quantity),
                            "product_uom": product.uom_id.id,
                            "repair_line_type": "add",
                        }
                    )
                ]
            }
        )
        self.message_post(
            body=self.env._(
                "%(user)s added %(qty)s × %(part)s to the repair.",
                user=self.env.user.name,
                qty=float(quantity),
                part=product.display_name,
            )
        )
        self.action_sc_request_parts()
        return True

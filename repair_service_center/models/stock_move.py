import logging

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

_logger = logging.getLogger(__name__)

# A client's device moves only through its repair. The repair's own methods
# put this key in the context with the private sentinel below as value; the
# check compares with ``is``, so no caller can forge it through RPC (a context
# received over the wire holds JSON values only).
DEVICE_MOVE_KEY = "sc_device_move"
DEVICE_MOVE_TOKEN = object()

# Stages in which the client's device is in the house under its repair.
DEVICE_IN_HOUSE_STAGES = (
    "received",
    "diagnosis",
    "waiting_parts",
    "in_repair",
    "ready",
)


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sc_keep_device_owner(vals)
        return super().create(vals_list)

    @api.model
    def _sc_keep_device_owner(self, vals):
        """Keep the client as owner of the device moved when a repair ends.

        ``repair.order.action_repair_done`` looks for the client's stock on the
        parts location (``repair.location_id``) instead of where the device is,
        so it would move a client's device as company stock. Service center
        devices always belong to the client: keep the owner on the move line.
        """
        if not vals.get("repair_id") or vals.get("repair_line_type"):
            return
        repair = self.env["repair.order"].browse(vals["repair_id"])
        if (
            repair.service_stage == "new"
            or not repair.partner_id
            or not repair.lot_id
            or vals.get("product_id") != repair.product_id.id
        ):
            return
        Quant = self.env["stock.quant"]
        for command in vals.get("move_line_ids") or []:
            if command[0] != Command.CREATE or command[2].get("owner_id"):
                continue
            line_vals = command[2]
            location = self.env["stock.location"].browse(line_vals.get("location_id"))
            owned = Quant._get_available_quantity(
                repair.product_id,
                location,
                lot_id=repair.lot_id,
                owner_id=repair.partner_id,
                strict=True,
            )
            if float_compare(owned, 0.0, precision_digits=2) > 0:
                line_vals["owner_id"] = repair.partner_id.id

    def _action_done(self, cancel_backorder=False):
        self._sc_check_device_moves()
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _sc_check_device_moves(self):
        """Refuse to move a client's device in the house outside its repair."""
        if self.env.context.get(DEVICE_MOVE_KEY) is DEVICE_MOVE_TOKEN:
            return
        lots = self.move_line_ids.lot_id
        if not lots:
            return
        # sudo: the seal holds whoever moves the device, including users who
        # cannot read the repair of another branch.
        repair = (
            self.env["repair.order"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("intake_date", "!=", False),
                    "|",
                    ("service_stage", "in", DEVICE_IN_HOUSE_STAGES),
                    "&",
                    ("service_stage", "=", "cancelled"),
                    ("returned_date", "=", False),
                ],
                limit=1,
            )
        )
        if repair:
            _logger.info(
                "Refused a stock move of device %s of repair %s by user %s",
                repair.lot_id.name,
                repair.name,
                self.env.uid,
            )
            raise UserError(
                self.env._(
                    "The device %(serial)s is in the house under repair %(ref)s: "
                    "it moves or leaves only through its repair.",
                    serial=repair.lot_id.name,
                    ref=repair.name,
                )
            )

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        self.repair_id._sc_check_parts_arrived()
        return res

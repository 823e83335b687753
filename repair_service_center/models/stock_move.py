from odoo import Command, api, models
from odoo.tools import float_compare


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

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        self.repair_id._sc_check_parts_arrived()
        return res

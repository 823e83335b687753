from odoo import api, models


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model
    def sync_from_ui(self, orders):
        """Let the till sync an order the terminal's approval already posted.

        Odoo discards an incoming order whose uuid exists and is not a draft;
        the till still needs the saved order back to finish its screen.
        """
        uuids = [order.get("uuid") for order in orders if order.get("uuid")]
        posted = self.env["pos.order"]
        if uuids:
            posted = self.search(
                [
                    ("uuid", "in", uuids),
                    ("state", "!=", "draft"),
                    ("payment_ids.rpt_transaction_id", "!=", False),
                ]
            )
        data = super().sync_from_ui(
            [
                order
                for order in orders
                if order.get("uuid") not in posted.mapped("uuid")
            ]
        )
        if posted:
            config_id = posted.config_id.ids[0]
            data["pos.order"] += posted.read(
                posted._load_pos_data_fields(config_id), load=False
            )
            data["pos.payment"] += posted.payment_ids.read(
                posted.payment_ids._load_pos_data_fields(config_id), load=False
            )
            data["pos.order.line"] += posted.lines.read(
                posted.lines._load_pos_data_fields(config_id), load=False
            )
        return data

from odoo import api, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A line created on a done move moves the stock at once (Odoo's way
        # of editing a done transfer): the device seal holds there too.
        done = lines.filtered(lambda ml: ml.state == "done")
        if done:
            done.move_id._sc_check_device_moves()
        return lines

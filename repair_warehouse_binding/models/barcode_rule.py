from odoo import api, models


class BarcodeRule(models.Model):
    _inherit = "barcode.rule"

    # The scan service keeps the company's nomenclature in the registry's
    # cache (repair.scan._sc_nomenclature_data): any change clears it.
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

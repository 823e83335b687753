from odoo import api, models


class RepairScanCacheMixin(models.AbstractModel):
    """Clears the registry's cache when a record of the model changes.

    The scan service keeps the company's barcode nomenclature in that cache
    (``repair.scan._sc_nomenclature_data``); the nomenclatures and their rules
    inherit this mixin so that any change to them is seen at the next scan.
    """

    _name = "repair.scan.cache.mixin"
    _description = "Scan Nomenclature Cache Invalidation"

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

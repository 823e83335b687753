from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        res = super().write(vals)
        if "nomenclature_id" in vals:
            # The scan service caches each company's nomenclature.
            self.env.registry.clear_cache()
        return res

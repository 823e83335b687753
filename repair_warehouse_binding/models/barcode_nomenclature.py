from odoo import models


class BarcodeNomenclature(models.Model):
    _name = "barcode.nomenclature"
    _inherit = ["barcode.nomenclature", "repair.scan.cache.mixin"]

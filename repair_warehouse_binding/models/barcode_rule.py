from odoo import models


class BarcodeRule(models.Model):
    _name = "barcode.rule"
    _inherit = ["barcode.rule", "repair.scan.cache.mixin"]

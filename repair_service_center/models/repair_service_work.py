from odoo import api, fields, models


class RepairServiceWork(models.Model):
    _name = "repair.service.work"
    _description = "Typical Repair Work"
    _order = "categ_id, sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, index="trigram")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    categ_id = fields.Many2one(
        "product.category",
        string="Device Category",
        required=True,
        index=True,
        help="Kind of device this work applies to (smartphones, laptops…).",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Service Product",
        domain="[('type', '=', 'service')]",
        check_company=True,
        help="Service product invoiced for this work.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
    )
    list_price = fields.Monetary(
        string="Standard Price", currency_field="currency_id", required=True
    )
    standard_hours = fields.Float(
        required=True,
        default=1.0,
        help="Engineer hours this work usually takes; feeds workload and deadlines.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "standard_hours_positive",
            "CHECK(standard_hours > 0)",
            "The standard hours of a repair work must be positive.",
        ),
        (
            "list_price_positive",
            "CHECK(list_price >= 0)",
            "The standard price of a repair work cannot be negative.",
        ),
    ]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for work in self:
            work.currency_id = (work.company_id or self.env.company).currency_id

    @api.depends("name", "categ_id", "list_price")
    def _compute_display_name(self):
        for work in self:
            work.display_name = (
                f"{work.name} ({work.categ_id.name})" if work.categ_id else work.name
            )

from odoo import fields, models


class RepairPbxExtension(models.Model):
    _name = "repair.pbx.extension"
    _description = "PBX Extension of a User"
    _order = "connection_id, extension"

    connection_id = fields.Many2one(
        "repair.pbx.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    extension = fields.Char(required=True, help="Internal number in the PBX.")
    user_id = fields.Many2one("res.users", required=True, index=True)

    _sql_constraints = [
        (
            "extension_unique",
            "UNIQUE(connection_id, extension)",
            "An extension belongs to one user per PBX connection.",
        ),
    ]

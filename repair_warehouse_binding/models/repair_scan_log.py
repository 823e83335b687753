from odoo import fields, models


class RepairScanLog(models.Model):
    """One relocation made by a scan: who moved which device from where to where.

    Rows are written by the scan service only (users read them); they give the
    scan screen its list of last moves and its undo.
    """

    _name = "repair.scan.log"
    _description = "Device Relocation by Scan"
    _order = "id desc"
    _check_company_auto = True

    repair_id = fields.Many2one(
        "repair.order", required=True, index=True, ondelete="cascade"
    )
    branch_id = fields.Many2one("stock.warehouse", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True)
    user_id = fields.Many2one("res.users", string="Scanned By", required=True)
    location_src_id = fields.Many2one("stock.location", string="From", required=True)
    location_dest_id = fields.Many2one("stock.location", string="To", required=True)
    move_ids = fields.One2many(
        "stock.move", "sc_scan_log_id", string="Stock Moves", readonly=True
    )
    undone = fields.Boolean(readonly=True)
    undo_of_id = fields.Many2one(
        "repair.scan.log", help="The relocation this one undid."
    )

    def _sc_to_dict(self):
        return [
            {
                "id": log.id,
                "repair": log.repair_id.name,
                "device": log.repair_id.product_id.display_name,
                "from": log.location_src_id.display_name,
                "to": log.location_dest_id.display_name,
                "user": log.user_id.name,
                "date": fields.Datetime.to_string(log.create_date),
                "undone": log.undone,
                "is_undo": bool(log.undo_of_id),
            }
            for log in self
        ]

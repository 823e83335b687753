from odoo import fields, models
from odoo.tools import SQL

from ..models.repair_order import OPEN_STAGES, SERVICE_STAGES


class RepairWorkloadReport(models.Model):
    _name = "repair.workload.report"
    _description = "Engineers' Workload"
    _auto = False
    _order = "engineer_id, date_deadline"
    _rec_name = "repair_id"

    repair_id = fields.Many2one("repair.order", readonly=True)
    engineer_id = fields.Many2one("res.users", readonly=True)
    branch_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    service_stage = fields.Selection(SERVICE_STAGES, string="Stage", readonly=True)
    product_id = fields.Many2one("product.product", string="Device", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    date_deadline = fields.Datetime(string="Deadline", readonly=True)
    estimated_hours = fields.Float(string="Hours", readonly=True)
    repair_count = fields.Integer(string="Open Repairs", readonly=True)
    overdue_count = fields.Integer(string="Overdue", readonly=True)
    is_overdue = fields.Boolean(readonly=True)
    daily_capacity = fields.Float(readonly=True, aggregator="max")

    # The report reads these fields straight from the tables: flush them first.
    _depends = {
        "repair.order": [
            "engineer_id",
            "branch_id",
            "company_id",
            "service_stage",
            "product_id",
            "partner_id",
            "date_deadline",
            "estimated_hours",
        ],
        "res.users": ["sc_daily_capacity"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT
                ro.id AS id,
                ro.id AS repair_id,
                ro.engineer_id AS engineer_id,
                ro.branch_id AS branch_id,
                ro.company_id AS company_id,
                ro.service_stage AS service_stage,
                ro.product_id AS product_id,
                ro.partner_id AS partner_id,
                ro.date_deadline AS date_deadline,
                COALESCE(ro.estimated_hours, 0) AS estimated_hours,
                1 AS repair_count,
                CASE WHEN ro.date_deadline < (now() AT TIME ZONE 'UTC')
                     THEN 1 ELSE 0 END AS overdue_count,
                COALESCE(ro.date_deadline < (now() AT TIME ZONE 'UTC'), false)
                    AS is_overdue,
                COALESCE(ru.sc_daily_capacity, 0) AS daily_capacity
            FROM repair_order ro
            JOIN res_users ru ON ru.id = ro.engineer_id
            WHERE ro.engineer_id IS NOT NULL
              AND ro.service_stage IN %s
            """,
            tuple(OPEN_STAGES),
        )

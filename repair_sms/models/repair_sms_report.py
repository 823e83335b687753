# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..providers.base import StatusResult


class RepairSmsReport(models.Model):
    """A delivery report as the gateway sent it.

    Reports are only ever inserted by the callback, so a report never competes
    with the queue worker for the ``sms.sms`` row: a report that arrives before
    the worker recorded the gateway's answer (Kannel reports within
    milliseconds) waits here and is applied right after, or by the cron.
    """

    _name = "repair.sms.report"
    _description = "SMS Delivery Report"
    _order = "id"

    gateway_id = fields.Many2one(
        "repair.sms.gateway", required=True, index=True, ondelete="cascade"
    )
    key = fields.Char(required=True, index=True, help="Message id or our uuid.")
    by_uuid = fields.Boolean(string="Keyed by UUID")
    state = fields.Selection(
        [("pending", "Sent"), ("sent", "Delivered"), ("error", "Error")],
        required=True,
    )
    failure_type = fields.Char()
    reason = fields.Char()
    done = fields.Boolean(index=True)

    @api.model
    def _sc_store(self, gateway, results):
        reports = self.create(
            [
                {
                    "gateway_id": gateway.id,
                    "key": result.key,
                    "by_uuid": result.by_uuid,
                    "state": result.state,
                    "failure_type": result.failure_type or False,
                    "reason": (result.reason or "")[:250] or False,
                }
                for result in results
            ]
        )
        reports._sc_apply()
        return reports

    def _sc_apply(self):
        """Apply the reports whose SMS left the worker's hands; keep the rest."""
        if not self:
            return
        Sms = self.env["sms.sms"]
        uuids = [r.key for r in self if r.by_uuid]
        ids = [r.key for r in self if not r.by_uuid]
        rows = Sms.search(
            [
                ("sc_gateway_id", "in", self.gateway_id.ids),
                "|",
                ("uuid", "in", uuids),
                ("sc_message_id", "in", ids),
            ]
        )
        by_key = {}
        for sms in rows:
            by_key[(sms.sc_gateway_id.id, True, sms.uuid)] = sms
            if sms.sc_message_id:
                by_key[(sms.sc_gateway_id.id, False, sms.sc_message_id)] = sms
        done = self.browse()
        for report in self:
            sms = by_key.get((report.gateway_id.id, report.by_uuid, report.key))
            if not sms:
                continue
            result = StatusResult(
                report.key, report.state, report.failure_type or "", report.reason or ""
            )
            if sms._sc_apply_status(result):
                done |= report
        done.write({"done": True})

    @api.model
    def _sc_apply_waiting(self, gateway=None):
        domain = [("done", "=", False)]
        if gateway:
            domain.append(("gateway_id", "=", gateway.id))
        self.search(domain, limit=5000)._sc_apply()

    @api.autovacuum
    def _gc_done_reports(self):
        old = fields.Datetime.subtract(fields.Datetime.now(), days=30)
        self.search([("create_date", "<", old)], limit=10000).unlink()

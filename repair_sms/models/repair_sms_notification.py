# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RepairSmsNotification(models.Model):
    """One SMS a repair sent its client, and what became of it.

    ``sms.sms`` rows are technical (administrators only) and are vacuumed once
    final; this record is what the repair's users see. ``entry_key`` names the
    event (the stage entry or the deadline change), unique per repair: one SMS
    per event, whatever calls the hook twice.
    """

    _name = "repair.sms.notification"
    _description = "Repair SMS Notification"
    _order = "id desc"

    repair_id = fields.Many2one(
        "repair.order", required=True, index=True, ondelete="cascade"
    )
    branch_id = fields.Many2one(related="repair_id.branch_id", store=True)
    company_id = fields.Many2one(related="repair_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("received", "Received"),
            ("ready", "Ready"),
            ("deadline", "Deadline Changed"),
        ],
        required=True,
    )
    entry_key = fields.Char(required=True)
    sms_uuid = fields.Char(string="SMS UUID", index="btree_not_null", readonly=True)
    number = fields.Char()
    body = fields.Text()
    state = fields.Selection(
        [
            ("outgoing", "In Queue"),
            ("process", "Processing"),
            ("pending", "Sent"),
            ("sent", "Delivered"),
            ("error", "Error"),
            ("canceled", "Not Sent"),
        ],
        default="outgoing",
        required=True,
    )
    failure_type = fields.Selection(selection="_selection_failure_type")
    failure_reason = fields.Char()
    send_after = fields.Datetime(string="Held Until")

    _sql_constraints = [
        (
            "entry_unique",
            "unique(repair_id, entry_key)",
            "One SMS per repair event.",
        )
    ]

    @api.model
    def _sc_render_pending(self, limit=1000):
        """Render and queue the SMS that stage changes asked for."""
        pending = self.search(
            [("state", "=", "outgoing"), ("sms_uuid", "=", False)],
            order="id",
            limit=limit,
        )
        for notification in pending:
            notification.repair_id._sc_render_sms(notification)
        return pending

    @api.model
    def _selection_failure_type(self):
        return self.env["sms.sms"]._fields["failure_type"].selection

    def _sc_sync_from_sms(self, sms_rows):
        notifications = self.search([("sms_uuid", "in", sms_rows.mapped("uuid"))])
        if not notifications:
            return
        by_uuid = {sms.uuid: sms for sms in sms_rows}
        failed = self.browse()
        for (state, failure_type, reason, send_after), group in notifications.grouped(
            lambda n: (
                by_uuid[n.sms_uuid].state,
                by_uuid[n.sms_uuid].failure_type,
                by_uuid[n.sms_uuid].sc_failure_reason,
                by_uuid[n.sms_uuid].sc_send_after,
            )
        ).items():
            if state == "error":
                failed |= group.filtered(lambda n: n.state != "error")
            vals = {
                "state": state,
                "failure_type": failure_type or False,
                "failure_reason": reason or False,
            }
            if state == "outgoing":
                # Waiting: for the morning (quiet hours) or a retry.
                vals["send_after"] = send_after or False
            group.write(vals)
        failed._sc_notify_failure()

    def _sc_notify_failure(self):
        """A definitive error: say so on the repair and tell a manager."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        manager_group = self.env.ref("repair_service_center.group_sc_manager")
        admin = self.env.ref("base.user_admin")
        failure_labels = dict(
            self._fields["failure_type"]._description_selection(self.env)
        )
        for notification in self:
            repair = notification.repair_id
            managers = manager_group.users.filtered(
                lambda u, r=repair: r.branch_id in u.sc_branch_ids
            )
            manager = repair.user_id if repair.user_id in managers else managers[:1]
            reason = notification.failure_reason or failure_labels.get(
                notification.failure_type, ""
            )
            repair.activity_schedule(
                activity_type_id=todo.id,
                user_id=(manager or repair.user_id or admin).id,
                summary=self.env._("SMS to the client failed"),
                note=self.env._(
                    "The SMS to %(number)s was not delivered: %(reason)s",
                    number=notification.number or "",
                    reason=reason,
                ),
            )

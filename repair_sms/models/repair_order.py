# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)

TEMPLATES = {
    "received": "repair_sms.sms_template_repair_received",
    "ready": "repair_sms.sms_template_repair_ready",
    "deadline": "repair_sms.sms_template_repair_deadline",
}
STAGE_TEMPLATES = ("received", "ready")
# The client hears about a new deadline only while the repair is under way.
DEADLINE_STAGES = ("received", "diagnosis", "waiting_parts", "in_repair")


class RepairOrder(models.Model):
    _inherit = "repair.order"

    sc_sms_notification_ids = fields.One2many(
        "repair.sms.notification", "repair_id", string="SMS to the Client"
    )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _sc_on_stage_changed(self, old_stages):
        res = super()._sc_on_stage_changed(old_stages)
        for stage in STAGE_TEMPLATES:
            repairs = self.filtered(lambda r, s=stage: r.service_stage == s)
            if repairs:
                repairs._sc_plan_sms(
                    stage,
                    {r.id: "%s:%s" % (stage, r.service_stage_date) for r in repairs},
                )
        return res

    def write(self, vals):
        old_deadlines = (
            {repair.id: repair.date_deadline for repair in self}
            if "date_deadline" in vals
            else {}
        )
        res = super().write(vals)
        if old_deadlines:
            changed = self.filtered(
                lambda r: (
                    old_deadlines[r.id]
                    and r.date_deadline
                    and r.service_stage in DEADLINE_STAGES
                    and r._sc_local_date(r.date_deadline)
                    != r._sc_local_date(old_deadlines[r.id])
                )
            )
            if changed:
                changed._sc_plan_sms(
                    "deadline",
                    {r.id: "deadline:%s" % r.date_deadline for r in changed},
                )
        return res

    # ------------------------------------------------------------------
    # Rendering helpers, used by the SMS templates
    # ------------------------------------------------------------------
    def _sc_local_date(self, value):
        tz = self.branch_id._sc_tz() if self.branch_id else None
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz.zone if tz else "UTC"), value
        ).date()

    def _sc_sms_lang(self):
        return self.partner_id.lang or self.env.company.partner_id.lang or "en_US"

    def _sc_sms_price(self):
        """The price to pay, in the quotation's currency (₽ for RUB)."""
        self.ensure_one()
        currency = self.sale_order_id.currency_id or self.currency_id
        return format_amount(
            self.env, self.amount_total, currency, lang_code=self._sc_sms_lang()
        )

    def _sc_sms_date(self, value):
        self.ensure_one()
        if not value:
            # No promised date or deadline yet (no engineer at intake): say
            # when the client will know instead of a dash.
            return self.with_context(lang=self._sc_sms_lang()).env._(
                "we will tell you after the diagnosis"
            )
        if isinstance(value, datetime):
            value = self._sc_local_date(value)
        return format_date(self.env, value, lang_code=self._sc_sms_lang())

    def _sc_sms_address(self):
        """Where to pick the device up, as a local client reads it: street and
        city. Not the postal address of the receipt: its region code, zip and
        country (\"Москва MOW 125009, Россия\") cost SMS characters and say
        nothing to the client."""
        self.ensure_one()
        partner = self.branch_id.partner_id
        parts = (partner.street, partner.street2, partner.city)
        return ", ".join(
            " ".join(part.split()) for part in parts if part and part.strip()
        )

    def _sc_sms_opening_hours(self):
        self.ensure_one()
        if not self.branch_id:
            return ""
        return self.branch_id._sc_opening_hours_text(self._sc_sms_lang())

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------
    def _sc_sms_number(self):
        self.ensure_one()
        partner = self.partner_id
        raw = partner.mobile or partner.phone or self.client_phone
        if not raw:
            return False
        country = self.company_id.country_id or partner.country_id
        return self._phone_format(number=raw, country=country) or raw

    def _sc_plan_sms(self, kind, keys):
        """Note that these repairs owe their client an SMS; once per event.

        ``keys`` maps repair ids to the event's key. Only a row is written
        here, inside the transition: the queue worker renders and sends it
        after the transaction committed, so the SMS says what was committed
        (the Ready price is the quotation's) and a stage change stays cheap.
        """
        # SQL: the ORM has no INSERT ... ON CONFLICT DO NOTHING. One statement
        # per repair keeps "once per event" race-free (two transactions
        # cannot both insert the key) and the stage change within the core's
        # query budget. The rows are the stage machine's own log, written on
        # behalf of whoever made the change.
        created = False
        for repair in self:
            self.env.cr.execute(
                """
                INSERT INTO repair_sms_notification
                       (repair_id, branch_id, company_id, kind, entry_key, state,
                        create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, 'outgoing',
                        %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC')
                ON CONFLICT (repair_id, entry_key) DO NOTHING
                """,
                [
                    repair.id,
                    repair.branch_id.id or None,
                    repair.company_id.id,
                    kind,
                    keys[repair.id],
                    self.env.uid,
                    self.env.uid,
                ],
            )
            created = created or bool(self.env.cr.rowcount)
        if created:
            self.invalidate_recordset(["sc_sms_notification_ids"])
            self._sc_wake_worker_after_commit()

    def _sc_wake_worker_after_commit(self):
        """Trigger the SMS queue worker once this transaction is committed."""
        data = self.env.cr.postcommit.data
        if data.get("repair_sms.wake_worker"):
            return
        data["repair_sms.wake_worker"] = True
        registry = self.env.registry

        @self.env.cr.postcommit.add
        def wake_worker():
            with registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["sms.sms"]._sc_trigger_worker()

    def _sc_render_sms(self, notification):
        """Render and queue the SMS of ``notification`` (run by the worker)."""
        self.ensure_one()
        template = self.env.ref(TEMPLATES[notification.kind], raise_if_not_found=False)
        number = self._sc_sms_number()
        vals = {"number": number, "state": "canceled"}
        if not template:
            return notification.write(vals)
        if not number:
            vals.update(state="error", failure_type="sms_number_missing")
            _logger.info("No SMS for %s: the client has no phone", self.name)
            return notification.write(vals)
        if (
            self.env["phone.blacklist"]
            # sudo: the phone blacklist is read for whoever moved the repair.
            .sudo()
            .search_count([("number", "=", number), ("active", "=", True)], limit=1)
        ):
            vals.update(failure_type="sms_blacklist")
            _logger.info("No SMS for %s: the client opted out", self.name)
            return notification.write(vals)
        body = template.sudo()._render_field("body", self.ids, compute_lang=True)[
            self.id
        ]
        now = fields.Datetime.now()
        release = self.branch_id._sc_sms_release_time() if self.branch_id else now
        held = release > now
        gateway = self.env["repair.sms.gateway"]._get_default(self.company_id)
        message = self.sudo()._message_sms(
            body, partner_ids=False, sms_numbers=[number], put_in_queue=True
        )
        # sudo: the queued row of the SMS this flow just posted.
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        sms.write(
            {
                "partner_id": self.partner_id.id,
                "sc_gateway_id": gateway.id,
                "sc_branch_id": self.branch_id.id,
                "sc_send_after": release if held else False,
            }
        )
        if held:
            sms._sc_trigger_worker(at=release)
        return notification.write(
            {
                "number": number,
                "state": "outgoing",
                "sms_uuid": sms[:1].uuid,
                "body": body,
                "send_after": release if held else False,
            }
        )

# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime

from odoo import fields, models
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)

STAGE_TEMPLATES = {
    "received": "repair_sms.sms_template_repair_received",
    "ready": "repair_sms.sms_template_repair_ready",
}
DEADLINE_TEMPLATE = "repair_sms.sms_template_repair_deadline"
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
        ready = self.filtered(lambda r: r.service_stage == "ready")
        if ready:
            # The Ready SMS carries the price to pay: the quotation's total.
            # The core creates the quotation right after this hook; doing it
            # first is idempotent (it skips repairs that have one).
            ready._sc_ensure_sale_order()
        for stage, template_xmlid in STAGE_TEMPLATES.items():
            repairs = self.filtered(lambda r, s=stage: r.service_stage == s)
            for repair in repairs:
                history = repair.stage_history_ids.filtered(
                    lambda h, s=stage: h.stage == s and not h.date_end
                )[:1]
                key = "%s:%s" % (stage, history.id or repair.service_stage_date)
                repair._sc_queue_sms(stage, key, template_xmlid)
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
            for repair in changed:
                log = (
                    self.env["repair.deadline.log"]
                    .sudo()
                    .search([("repair_id", "=", repair.id)], order="id desc", limit=1)
                )
                key = "deadline:%s" % (log.id or repair.date_deadline)
                repair._sc_queue_sms("deadline", key, DEADLINE_TEMPLATE)
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
            return ""
        if isinstance(value, datetime):
            value = self._sc_local_date(value)
        return format_date(self.env, value, lang_code=self._sc_sms_lang())

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

    def _sc_queue_sms(self, kind, entry_key, template_xmlid):
        """Queue one SMS for this repair's event; once per ``entry_key``."""
        self.ensure_one()
        # sudo: the notification log and the SMS queue are technical records
        # written on behalf of whoever made the repair change stage.
        Notification = self.env["repair.sms.notification"].sudo()
        if Notification.search_count(
            [("repair_id", "=", self.id), ("entry_key", "=", entry_key)], limit=1
        ):
            return Notification.browse()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return Notification.browse()
        number = self._sc_sms_number()
        vals = {
            "repair_id": self.id,
            "kind": kind,
            "entry_key": entry_key,
            "number": number,
        }
        if not number:
            vals.update(state="error", failure_type="sms_number_missing")
            _logger.info("No SMS for %s: the client has no phone", self.name)
            return Notification.create(vals)
        if (
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", number), ("active", "=", True)], limit=1)
        ):
            vals.update(state="canceled", failure_type="sms_blacklist")
            _logger.info("No SMS for %s: the client opted out", self.name)
            return Notification.create(vals)
        body = template.sudo()._render_field("body", self.ids, compute_lang=True)[
            self.id
        ]
        release = (
            self.branch_id._sc_sms_release_time()
            if self.branch_id
            else fields.Datetime.now()
        )
        held = release > fields.Datetime.now()
        gateway = self.env["repair.sms.gateway"]._get_default(self.company_id)
        message = self.sudo()._message_sms(
            body,
            partner_ids=False,
            sms_numbers=[number],
            put_in_queue=True,
        )
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        sms.write(
            {
                "partner_id": self.partner_id.id,
                "sc_gateway_id": gateway.id,
                "sc_send_after": release if held else False,
            }
        )
        if held:
            sms._sc_trigger_worker(at=release)
        else:
            sms._sc_trigger_worker()
        vals.update(
            sms_uuid=sms[:1].uuid,
            body=body,
            send_after=release if held else False,
        )
        return Notification.create(vals)

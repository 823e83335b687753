import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "mail.thread.phone"]

    # Reception looks clients up by phone on every intake: index the E.164 form.
    phone_sanitized = fields.Char(index="btree_not_null")
    sc_repair_ids = fields.One2many("repair.order", "partner_id", string="Repairs")
    sc_repair_count = fields.Integer(
        string="Repair Count", compute="_compute_sc_repair_count"
    )

    def _compute_sc_repair_count(self):
        counts = dict(
            self.env["repair.order"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sc_repair_count = counts.get(partner, 0)

    @api.model
    def _sc_normalize_phone(self, raw_phone, country=None):
        """Return ``raw_phone`` in E.164, or raise a translated UserError.

        The country defaults to the current company's (Russia in the demo), so
        ``8 (916) 123-45-67``, ``+7 916 123 45 67`` and ``79161234567`` all give
        ``+79161234567``.
        """
        raw_phone = (raw_phone or "").strip()
        if not raw_phone:
            raise UserError(self.env._("A phone number is required."))
        country = country or self.env.company.country_id
        number = self._phone_format_number(
            raw_phone, country=country, force_format="E164", raise_exception=False
        )
        if not number:
            _logger.info("Rejected a malformed phone number %r", raw_phone)
            raise UserError(
                self.env._(
                    "“%(phone)s” is not a valid phone number. "
                    "Type it with the country code, e.g. +7 916 123-45-67.",
                    phone=raw_phone,
                )
            )
        return number

    @api.model
    def _sc_find_by_phone(self, raw_phone, limit=None):
        """Partners whose phone or mobile is ``raw_phone`` in any format."""
        number = self._sc_normalize_phone(raw_phone)
        return self.search(
            [("phone_sanitized", "=", number)], limit=limit, order="id desc"
        )

    def action_sc_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_service_center.repair_order_sc_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

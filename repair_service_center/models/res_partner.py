import logging

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools import phone_validation

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
        if country:
            country_code, phone_code = country.code, country.phone_code
        else:
            country_code, phone_code = self._sc_company_phone_country(
                self.env.company.id
            )
        try:
            return phone_validation.phone_format(
                raw_phone, country_code, phone_code, force_format="E164"
            )
        except UserError:
            _logger.info("Rejected a malformed phone number %r", raw_phone)
            raise UserError(
                self.env._(
                    "“%(phone)s” is not a valid phone number. "
                    "Type it with the country code, e.g. +7 916 123-45-67.",
                    phone=raw_phone,
                )
            ) from None

    @api.model
    @tools.ormcache("company_id")
    def _sc_company_phone_country(self, company_id):
        """(ISO code, dialling code) of a company's country, cached: every
        phone typed at reception or coming from the PBX is read with it."""
        country = self.env["res.company"].browse(company_id).country_id
        return country.code or None, country.phone_code or None

    @api.model
    def _sc_find_by_phone(self, raw_phone, limit=None):
        """Partners whose phone or mobile is ``raw_phone`` in any format."""
        number = self._sc_normalize_phone(raw_phone)
        return self.search(
            [("phone_sanitized", "=", number)], limit=limit, order="id desc"
        )

    def write(self, vals):
        res = super().write(vals)
        if "country_id" in vals and self.env["res.company"].search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            # A company's country changed: phones are now read with another one.
            self.env.registry.clear_cache()
        return res

    def action_sc_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_service_center.repair_order_sc_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

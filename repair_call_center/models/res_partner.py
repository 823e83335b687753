import logging

import phonenumbers

from odoo import api, models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "repair.phone.mixin"]

    @api.model
    def _sc_phone_to_e164(self, raw_phone, company=None):
        """E.164 form of ``raw_phone`` (extension dropped), or False.

        Numbers typed without ``+`` are read with the country of ``company``
        (default: the current one): ``8 (999) 123-45-67``, ``9991234567``,
        ``79991234567`` and ``+7 999 123 45 67 доб. 12`` all give
        ``+79991234567`` in a Russian company.
        """
        raw_phone = (raw_phone or "").strip()
        if not raw_phone:
            return False
        company = company or self.env.company
        region, _phone_code = self._sc_company_phone_country(company.id)
        try:
            number = phonenumbers.parse(raw_phone, region or None)
        except phonenumbers.NumberParseException:
            return False
        if not phonenumbers.is_valid_number(number):
            return False
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @api.model
    def _sc_normalize_phone(self, raw_phone, country=None):
        if not country:
            number = self._sc_phone_to_e164(raw_phone)
            if number:
                return number
        # Invalid numbers (and other countries) keep the core's message.
        return super()._sc_normalize_phone(raw_phone, country=country)

    @api.model
    def _sc_find_by_phone(self, raw_phone, limit=None):
        """Partners with ``raw_phone`` as phone or mobile, in any format."""
        number = self._sc_normalize_phone(raw_phone)
        return self.search(self._sc_phone_domain(number), limit=limit, order="id desc")

from odoo import api, fields, models


class RepairPhoneMixin(models.AbstractModel):
    """Stored, indexed E.164 forms of ``phone`` and ``mobile`` (of a model
    with ``phone``, ``mobile`` and ``company_id``).

    One column per number: a client (or a lead) is found by ANY of its
    numbers, not only by the first one that ``mail.thread.phone`` sanitises.
    The typing stays in ``phone`` / ``mobile`` for display.
    """

    _name = "repair.phone.mixin"
    _description = "E.164 Phone Columns"

    sc_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_sc_phone_e164",
        store=True,
        index="btree_not_null",
    )
    sc_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_sc_phone_e164",
        store=True,
        index="btree_not_null",
    )

    @api.depends("phone", "mobile", "company_id")
    def _compute_sc_phone_e164(self):
        """Numbers typed without ``+`` are read with the country of the
        record's company (its models have a ``company_id``), else of the
        current one: a lead the Moscow branch's PBX created is Russian, in
        whatever company the webhook's request runs."""
        to_e164 = self.env["res.partner"]._sc_phone_to_e164
        for record in self:
            company = record.company_id or self.env.company
            record.sc_phone_e164 = to_e164(record.phone, company)
            record.sc_mobile_e164 = to_e164(record.mobile, company)

    @api.model
    def _sc_phone_domain(self, number):
        """Records having ``number`` (E.164) as phone or mobile."""
        if isinstance(number, list | tuple | set):
            numbers = sorted(number)
            return [
                "|",
                ("sc_phone_e164", "in", numbers),
                ("sc_mobile_e164", "in", numbers),
            ]
        return ["|", ("sc_phone_e164", "=", number), ("sc_mobile_e164", "=", number)]

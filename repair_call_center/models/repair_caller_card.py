import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

CARD_LIMIT = 50


class RepairCallerCard(models.TransientModel):
    _name = "repair.caller.card"
    _description = "Caller Card"

    phone = fields.Char(help="Type the phone in any format.")
    number = fields.Char(string="Number (E.164)", compute="_compute_card")
    phone_invalid = fields.Boolean(compute="_compute_card")
    partner_ids = fields.Many2many(
        "res.partner", string="Clients", compute="_compute_card"
    )
    lead_ids = fields.Many2many("crm.lead", string="Requests", compute="_compute_card")
    repair_ids = fields.Many2many(
        "repair.order", string="Repairs", compute="_compute_card"
    )
    lot_ids = fields.Many2many("stock.lot", string="Devices", compute="_compute_card")

    @api.depends("phone")
    def _compute_card(self):
        for card in self:
            records = self._sc_card_records(card.phone)
            card.number = records["number"]
            card.phone_invalid = bool(card.phone and not records["number"])
            card.partner_ids = records["partners"]
            card.lead_ids = records["leads"]
            card.repair_ids = records["repairs"]
            card.lot_ids = records["repairs"].lot_id

    @api.model
    def _sc_card_records(self, phone):
        """Clients, leads and repairs of ``phone`` (any format, any number)."""
        Partner = self.env["res.partner"]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Repair = self.env["repair.order"]
        number = Partner._sc_phone_to_e164(phone)
        empty = {
            "number": number,
            "partners": Partner,
            "leads": Lead,
            "repairs": Repair,
        }
        if not number:
            return empty
        contacts = Partner.search(Partner._sc_phone_domain(number), limit=CARD_LIMIT)
        # Read only what the card needs, not every column of res_partner.
        contacts.fetch(["commercial_partner_id"])
        clients = contacts.commercial_partner_id
        family = (
            Partner.search(
                [("commercial_partner_id", "in", clients.ids)], limit=CARD_LIMIT * 4
            )
            if clients
            else Partner
        )
        # Every number of the client finds their leads, even leads left
        # without a contact.
        numbers = {number}
        family.fetch(["sc_phone_e164", "sc_mobile_e164"])
        for partner in family:
            numbers.update(
                filter(None, (partner.sc_phone_e164, partner.sc_mobile_e164))
            )
        numbers = sorted(numbers)
        lead_domain = [
            "|",
            ("sc_phone_e164", "in", numbers),
            ("sc_mobile_e164", "in", numbers),
        ]
        if family:
            lead_domain = ["|", ("partner_id", "in", family.ids), *lead_domain]
        leads = Lead.search(lead_domain, limit=CARD_LIMIT, order="create_date desc")
        repair_domain = [("sc_lead_id", "in", leads.ids)]
        if family:
            repair_domain = ["|", ("partner_id", "in", family.ids), *repair_domain]
        repairs = Repair.search(repair_domain, limit=CARD_LIMIT, order="id desc")
        return dict(empty, partners=clients, leads=leads, repairs=repairs)

    @api.model
    def get_caller_card(self, phone):
        """Everything the call center and reception know about ``phone``.

        Returns a dict of plain values (for the bus, RPC and the card view):
        ``number`` (E.164 or False), ``partners``, ``leads`` (operator, date,
        device, fault, quote, deadline), ``repairs`` and ``devices``.
        """
        records = self._sc_card_records(phone)
        leads = records["leads"]
        repairs = records["repairs"]
        lead_rows = leads.read(
            [
                "name",
                "create_date",
                "sc_operator_id",
                "sc_device_id",
                "sc_serial_number",
                "sc_fault_description",
                "sc_quoted_price",
                "sc_promised_date",
                "sc_branch_id",
                "sc_repair_id",
                "stage_id",
            ]
        )
        repair_rows = repairs.read(
            [
                "name",
                "create_date",
                "service_stage",
                "product_id",
                "lot_id",
                "serial_number",
                "branch_id",
                "quoted_price",
                "date_deadline",
                "sc_lead_id",
            ]
        )
        devices = {}
        for row in repair_rows:
            serial = row["lot_id"] and row["lot_id"][1] or row["serial_number"]
            if serial:
                product = row["product_id"] and row["product_id"][1]
                devices.setdefault(
                    (product, serial),
                    {
                        "lot_id": row["lot_id"] and row["lot_id"][0],
                        "serial": serial,
                        "product": product,
                    },
                )
        return {
            "phone": phone,
            "number": records["number"],
            "partners": records["partners"].read(["name", "phone", "mobile"]),
            "leads": lead_rows,
            "repairs": repair_rows,
            "devices": list(devices.values()),
        }

    @api.model
    def action_sc_open(self, phone=False, lead_id=False):
        """Action opening the caller card for ``phone`` (the bus pop uses it)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Caller Card"),
            "res_model": "repair.caller.card",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_phone": phone or False, "sc_lead_id": lead_id},
        }

    def action_sc_call(self):
        """Click-to-call the card's phone."""
        self.ensure_one()
        self.env["repair.pbx.connection"]._sc_click_to_call(
            self.phone, lead=self.lead_ids[:1]
        )
        return True

    def action_sc_refresh(self):
        self.ensure_one()
        if self.phone and not self.number:
            raise UserError(
                self.env._("“%(phone)s” is not a valid phone number.", phone=self.phone)
            )
        return True

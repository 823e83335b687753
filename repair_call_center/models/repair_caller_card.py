import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

_logger = logging.getLogger(__name__)

CARD_LIMIT = 50

# Only what the card shows: the reads fetch these columns and nothing else.
PARTNER_FIELDS = ["name", "phone", "mobile", "commercial_partner_id"]
LEAD_FIELDS = [
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
REPAIR_FIELDS = [
    "name",
    "company_id",
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
    other_repairs_html = fields.Html(
        string="Repairs in Other Branches",
        compute="_compute_card",
        sanitize=False,
        help="Read-only summary, for the call center, of the client's repairs "
        "in branches the user does not work in.",
    )
    lot_ids = fields.Many2many("stock.lot", string="Devices", compute="_compute_card")
    devices_html = fields.Html(
        string="Devices of the Phone",
        compute="_compute_card",
        sanitize=False,
        help="Every device (model and serial) of the repairs on the card.",
    )

    @api.depends("phone")
    def _compute_card(self):
        for card in self:
            records = self._sc_card_records(card.phone)
            self._sc_prefetch_names(
                records["leads"], records["repairs"] | records["other_repairs"]
            )
            card.number = records["number"]
            card.phone_invalid = bool(card.phone and not records["number"])
            card.partner_ids = records["partners"]
            card.lead_ids = records["leads"]
            card.repair_ids = records["repairs"]
            card.lot_ids = records["repairs"].lot_id
            pair = self._sc_pairs()
            rows = self._sc_repair_rows(records["repairs"], pair=pair)
            other_rows = self._sc_repair_rows(
                records["other_repairs"], summary=True, pair=pair
            )
            card.other_repairs_html = self._sc_table_html(
                "o_sc_other_repairs",
                [
                    self.env._("Repair"),
                    self.env._("Date"),
                    self.env._("Branch"),
                    self.env._("Device"),
                    self.env._("Serial / IMEI"),
                    self.env._("Stage"),
                    self.env._("Quoted Price"),
                    self.env._("Deadline"),
                ],
                [
                    (
                        row["name"],
                        format_date(self.env, row["create_date"]),
                        row["branch_id"] and row["branch_id"][1],
                        row["product_id"] and row["product_id"][1],
                        (row["lot_id"] and row["lot_id"][1]) or row["serial_number"],
                        row["service_stage_name"],
                        row["quoted_price"],
                        format_date(self.env, row["date_deadline"]),
                    )
                    for row in other_rows
                ],
            )
            card.devices_html = self._sc_table_html(
                "o_sc_devices",
                [self.env._("Device"), self.env._("Serial / IMEI")],
                [
                    (device["product"], device["serial"])
                    for device in self._sc_devices(rows + other_rows)
                ],
            )

    # ------------------------------------------------------------------
    # Lookup
    # ------------------------------------------------------------------
    @api.model
    def _sc_sees_every_branch(self):
        """Whether the card shows this user the repairs of every branch.

        The call center answers for every branch ("is my phone ready?"),
        so operators get a read-only summary of the other branches' repairs;
        their rights on repair orders themselves do not change.
        """
        return self.env.user.has_group("repair_service_center.group_sc_operator")

    @api.model
    def _sc_card_records(self, phone):
        """Clients, leads and repairs of ``phone`` (any format, any number).

        Returns a dict: ``number`` (E.164 or False), ``partners`` (clients),
        ``family`` (clients and their contact persons), ``leads``,
        ``repairs`` (those the user may open) and ``other_repairs`` (other
        branches' repairs, as superuser, for the call center's summary only;
        empty for other users).
        """
        Partner = self.env["res.partner"]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Repair = self.env["repair.order"]
        number = Partner._sc_phone_to_e164(phone)
        result = {
            "number": number,
            "partners": Partner,
            "family": Partner,
            "leads": Lead,
            "repairs": Repair,
            "other_repairs": Repair.sudo(),
        }
        if not number:
            return result
        # The contacts' multi-company rule (parent_of) reads the companies'
        # parent_path: read that column alone, not the companies' whole rows.
        self.env.companies.fetch(["parent_path"])
        # The commercial partners of every contact having the number, then
        # the whole family (clients and their contact persons) in one read.
        contacts = Partner._search(
            Partner._sc_phone_domain(number), limit=CARD_LIMIT, order="id"
        )
        commercial = contacts.subselect(
            SQL.identifier(contacts.table, "commercial_partner_id")
        )
        family = Partner.search_fetch(
            [("commercial_partner_id", "in", commercial)],
            PARTNER_FIELDS + ["sc_phone_e164", "sc_mobile_e164"],
            limit=CARD_LIMIT * 4,
            order="id",
        )
        clients = family.filtered(lambda p: p.commercial_partner_id == p)
        # Every number of the client finds their leads, even leads left
        # without a contact.
        numbers = {number}
        for partner in family:
            numbers.update(
                filter(None, (partner.sc_phone_e164, partner.sc_mobile_e164))
            )
        lead_domain = Lead._sc_phone_domain(numbers)
        if family:
            lead_domain = ["|", ("partner_id", "in", family.ids), *lead_domain]
        leads = Lead.search_fetch(
            lead_domain,
            LEAD_FIELDS,
            limit=CARD_LIMIT,
            order="create_date desc, id desc",
        )
        repair_domain = [("sc_lead_id", "in", leads.ids)]
        if family:
            repair_domain = ["|", ("partner_id", "in", family.ids), *repair_domain]
        other_repairs = Repair.sudo()
        if self._sc_sees_every_branch():
            # sudo: the call center sees a read-only summary of every
            # branch's repairs of this client (_sc_sees_every_branch); the
            # records the user may open are split off below.
            repairs_sudo = Repair.sudo().search_fetch(
                repair_domain, REPAIR_FIELDS, limit=CARD_LIMIT, order="id desc"
            )
            repairs = repairs_sudo.with_env(self.env)._filtered_access("read")
            other_repairs = repairs_sudo - repairs.sudo()
        else:
            repairs = Repair.search_fetch(
                repair_domain, REPAIR_FIELDS, limit=CARD_LIMIT, order="id desc"
            )
        result.update(
            partners=clients,
            family=family,
            leads=leads,
            repairs=repairs,
            other_repairs=other_repairs,
        )
        return result

    # ------------------------------------------------------------------
    # Plain rows (RPC, bus, the summary table)
    # ------------------------------------------------------------------
    @api.model
    def _sc_pairs(self):
        """A function giving (id, display name) of a many2one value exactly as
        ``read`` gives it, each name computed once per card.

        sudo: as Odoo's own ``Many2one.convert_to_read``, the name of a linked
        record is shown with the row the user may read (a lead's repair in
        another branch, a device's serial), not the linked record itself.
        """
        names = {}

        def pair(record):
            if not record:
                return False
            key = (record._name, record.id)
            if key not in names:
                names[key] = (record.id, record.sudo().display_name)
            return names[key]

        return pair

    @api.model
    def _sc_prefetch_names(self, leads, repairs):
        """Read, in one narrow query per model, the columns the display names
        of the card's linked records need (operators, devices, branches,
        stages, serials), instead of each model's whole row.

        sudo: the names are shown as ``read`` shows them (see ``_sc_pairs``).
        """
        users = leads.sc_operator_id.sudo()
        users.fetch(["partner_id"])
        users.partner_id.fetch(["name"])
        products = (leads.sc_device_id | repairs.product_id).sudo()
        products.fetch(
            ["default_code", "product_tmpl_id", "product_template_attribute_value_ids"]
        )
        products.product_tmpl_id.fetch(["name"])
        (leads.sc_branch_id | repairs.branch_id).sudo().fetch(["name"])
        leads.stage_id.sudo().fetch(["name"])
        repairs.lot_id.sudo().fetch(["name"])
        (leads.sc_repair_id.sudo() - repairs.sudo()).fetch(["name"])

    @api.model
    def _sc_lead_rows(self, leads, pair=None):
        pair = pair or self._sc_pairs()
        return [
            {
                "id": lead.id,
                "name": lead.name,
                "create_date": lead.create_date,
                "sc_operator_id": pair(lead.sc_operator_id),
                "sc_device_id": pair(lead.sc_device_id),
                "sc_serial_number": lead.sc_serial_number,
                "sc_fault_description": lead.sc_fault_description,
                "sc_quoted_price": lead.sc_quoted_price,
                "sc_promised_date": lead.sc_promised_date,
                "sc_branch_id": pair(lead.sc_branch_id),
                "sc_repair_id": pair(lead.sc_repair_id),
                "stage_id": pair(lead.stage_id),
            }
            for lead in leads
        ]

    @api.model
    def _sc_repair_rows(self, repairs, summary=False, pair=None):
        """Rows of ``repairs``; ``summary`` marks the other branches' ones,
        which the user reads here only, never as records."""
        pair = pair or self._sc_pairs()
        stages = dict(repairs._fields["service_stage"]._description_selection(self.env))
        return [
            {
                "id": repair.id,
                "name": repair.name,
                "create_date": repair.create_date,
                "service_stage": repair.service_stage,
                "service_stage_name": stages.get(repair.service_stage),
                "product_id": pair(repair.product_id),
                "lot_id": pair(repair.lot_id),
                "serial_number": repair.serial_number,
                "branch_id": pair(repair.branch_id),
                "quoted_price": repair.quoted_price,
                "date_deadline": repair.date_deadline,
                "sc_lead_id": repair.sc_lead_id.id,
                "summary_only": summary,
            }
            for repair in repairs
        ]

    @api.model
    def _sc_devices(self, repair_rows):
        """Distinct devices (product, serial) of repair rows, newest first."""
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
        return list(devices.values())

    @api.model
    def _sc_table_html(self, css_class, titles, lines):
        if not lines:
            return False
        head = Markup("").join(Markup("<th>%s</th>") % title for title in titles)
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(
                Markup("<td>%s</td>") % ("" if value in (None, False) else value)
                for value in line
            )
            for line in lines
        )
        return Markup(
            "<table class='table table-sm %s'>"
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (css_class, head, body)

    @api.model
    def get_caller_card(self, phone):
        """Everything the call center and reception know about ``phone``.

        Returns a dict of plain values (for the bus, RPC and the card view):
        ``number`` (E.164 or False), ``partners``, ``leads`` (operator, date,
        device, fault, quote, deadline), ``repairs`` and ``devices``. For the
        call center, ``repairs`` also holds the other branches' repairs as
        rows with ``summary_only`` set (the user cannot open those records).
        """
        records = self._sc_card_records(phone)
        self._sc_prefetch_names(
            records["leads"], records["repairs"] | records["other_repairs"].sudo()
        )
        pair = self._sc_pairs()
        repair_rows = self._sc_repair_rows(
            records["repairs"], pair=pair
        ) + self._sc_repair_rows(records["other_repairs"], summary=True, pair=pair)
        repair_rows.sort(key=lambda row: row["id"], reverse=True)
        return {
            "phone": phone,
            "number": records["number"],
            "partners": [
                {
                    "id": partner.id,
                    "name": partner.name,
                    "phone": partner.phone,
                    "mobile": partner.mobile,
                }
                for partner in records["partners"]
            ],
            "leads": self._sc_lead_rows(records["leads"], pair=pair),
            "repairs": repair_rows,
            "devices": self._sc_devices(repair_rows),
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

import logging
from datetime import date, datetime

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, Query, format_date

_logger = logging.getLogger(__name__)

CARD_LIMIT = 50
# Stands for the caller's number in the card's query built once per user
# (``_sc_card_sql_template``); never sent to the database.
NUMBER_MARK = "+sc-caller-card-number"

# Only what the card shows, by kind of row: (model, {key: field path}); the
# linked records' names are read as sub-selects (``_sc_path_sql``). The
# device of a lead comes under the same keys as the product of a repair.
CARD_COLUMNS = {
    "family": (
        "res.partner",
        {
            "id": "id",
            "name": "name",
            "phone": "phone",
            "mobile": "mobile",
            "commercial_partner_id": "commercial_partner_id",
            "sc_phone_e164": "sc_phone_e164",
            "sc_mobile_e164": "sc_mobile_e164",
        },
    ),
    "lead": (
        "crm.lead",
        {
            "id": "id",
            "name": "name",
            "create_date": "create_date",
            "sc_operator_id": "sc_operator_id",
            "sc_operator_id_name": "sc_operator_id.name",
            "product_id": "sc_device_id",
            "product_id_name": "sc_device_id.product_tmpl_id.name",
            "product_code": "sc_device_id.default_code",
            "product_variant": "sc_device_id.combination_indices",
            "sc_serial_number": "sc_serial_number",
            "sc_fault_description": "sc_fault_description",
            "sc_quoted_price": "sc_quoted_price",
            "sc_promised_date": "sc_promised_date",
            "sc_branch_id": "sc_branch_id",
            "sc_branch_id_name": "sc_branch_id.name",
            "sc_repair_id": "sc_repair_id",
            "sc_repair_id_name": "sc_repair_id.name",
            "stage_id": "stage_id",
            "stage_id_name": "stage_id.name",
        },
    ),
    "repair": (
        "repair.order",
        {
            "id": "id",
            "name": "name",
            "create_date": "create_date",
            "service_stage": "service_stage",
            "product_id": "product_id",
            "product_id_name": "product_id.product_tmpl_id.name",
            "product_code": "product_id.default_code",
            "product_variant": "product_id.combination_indices",
            "lot_id": "lot_id",
            "lot_id_name": "lot_id.name",
            "serial_number": "serial_number",
            "branch_id": "branch_id",
            "branch_id_name": "branch_id.name",
            "quoted_price": "quoted_price",
            "date_deadline": "date_deadline",
            "sc_lead_id": "sc_lead_id",
        },
    ),
}


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
            card.number = records["number"]
            card.phone_invalid = bool(card.phone and not records["number"])
            card.partner_ids = records["partners"]
            card.lead_ids = records["leads"]
            card.repair_ids = records["repairs"]
            card.lot_ids = records["repairs"].lot_id
            rows = records["card"]["repairs"]
            other_rows = [row for row in rows if row["summary_only"]]
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
                    for device in records["card"]["devices"]
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

        Returns a dict of records (for the card's form): ``number`` (E.164 or
        False), ``partners`` (clients), ``leads`` and ``repairs`` (those the
        user may open), and ``card``, the plain card of ``get_caller_card``
        (the call center's summary of the other repairs included).
        """
        card = self.get_caller_card(phone)
        return {
            "number": card["number"],
            "card": card,
            "partners": self.env["res.partner"].browse(
                [partner["id"] for partner in card["partners"]]
            ),
            "leads": self.env["crm.lead"]
            .with_context(active_test=False)
            .browse([lead["id"] for lead in card["leads"]]),
            "repairs": self.env["repair.order"].browse(
                [row["id"] for row in card["repairs"] if not row["summary_only"]]
            ),
        }

    # ------------------------------------------------------------------
    # Plain rows (RPC, bus, the summary table)
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # The card over RPC: the whole card in one query
    # ------------------------------------------------------------------
    @api.model
    def _sc_path_sql(self, model, alias, path, query):
        """SQL of the field at the end of ``path`` (many2one fields, then the
        field) from the table ``alias`` of ``query``, built by the ORM's own
        SQL builder (translated names in the user's language included).

        Each many2one step is a scalar sub-select on the linked record's
        primary key: PostgreSQL plans those one by one in a fraction of a
        millisecond, where a LEFT JOIN per linked table made it search join
        orders for 5-10 ms at each card.

        sudo: like Odoo's own ``Many2one.convert_to_read``, the names of the
        linked records (operator, device, branch, stage, serial) are shown
        with the rows the user may read; the rows themselves are searched
        with the user's record rules.
        """
        fname, _dot, rest = path.partition(".")
        if not rest:
            return model._field_to_sql(alias, fname, query)
        # sudo: only the display names of records linked to rows the user's
        # rules already let through (operator, device, branch, stage).
        comodel = model.env[model._fields[fname].comodel_name].sudo()
        subquery = Query(comodel.env, f"{alias}__{fname}", comodel._table_sql)
        subquery.add_where(
            SQL(
                "%s = %s",
                SQL.identifier(subquery.table, "id"),
                model._field_to_sql(alias, fname, query),
            )
        )
        value = self._sc_path_sql(comodel, subquery.table, rest, subquery)
        return SQL("(%s)", subquery.select(value))

    @api.model
    def _sc_columns_sql(self, kind):
        """The select list (``path AS key, ...``) of the card's ``kind`` of
        rows (``CARD_COLUMNS``) on its model's table, by ``_sc_path_sql``."""
        model_name, paths = CARD_COLUMNS[kind]
        # sudo: builds the select list only; which rows come back is decided
        # by the _search queries of _sc_card_sql, with the user's rules.
        model = self.env[model_name].sudo()
        query = Query(model.env, model._table, model._table_sql)
        columns = SQL(", ").join(
            SQL(
                "%s AS %s",
                self._sc_path_sql(model, query.table, path, query),
                SQL.identifier(key),
            )
            for key, path in paths.items()
        )
        if query._joins:  # a stored column needs no join: keep it that way
            raise ValueError(f"Caller card columns of {kind} need a join.")
        return columns

    @api.model
    def _sc_card_sql(self, number):
        """The SQL of the whole card of the E.164 ``number``: one statement
        whose common table expressions are the ORM's own queries (``_search``,
        so with the user's record rules), each feeding the next inside
        PostgreSQL instead of a round trip through Python:

        - ``card_family``: the clients of every contact having the number and
          their contact persons (the partners' rules);
        - ``card_leads``: the leads of the family or of any of its numbers,
          also leads left without a contact (the leads' rules);
        - ``card_repairs``: the repairs of the family or of those leads (the
          user's rules; for the call center every branch's, see
          ``_sc_sees_every_branch``);
        - ``card_visible``: which of those the user may open (the repairs'
          rules, the branch rule included, on those rows only).

        The sets are passed on as ``= ANY(ARRAY(SELECT ...))``: PostgreSQL
        runs each as an init plan and searches the indexes of the next table
        with its values (BitmapOr of the phone and partner indexes).
        """
        Partner = self.env["res.partner"]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Repair = self.env["repair.order"]
        sees_all = self._sc_sees_every_branch()

        def any_of(sql):
            return SQL("ANY(ARRAY(%s))", sql)

        family_ids = any_of(SQL("SELECT id FROM card_family"))
        numbers = any_of(
            SQL(
                "SELECT %s::varchar UNION SELECT sc_phone_e164 FROM card_family "
                "UNION SELECT sc_mobile_e164 FROM card_family",
                number,
            )
        )
        # The contacts' multi-company rule (parent_of) reads the companies'
        # parent_path: read that column alone, not the companies' whole rows.
        self.env.companies.fetch(["parent_path"])
        contacts = Partner._search(
            Partner._sc_phone_domain(number), limit=CARD_LIMIT, order="id"
        )
        family = Partner._search(
            [
                (
                    "commercial_partner_id",
                    "in",
                    contacts.subselect(
                        SQL.identifier(contacts.table, "commercial_partner_id")
                    ),
                )
            ],
            limit=CARD_LIMIT * 4,
            order="id",
        )
        leads = Lead._search(
            [
                "|",
                "|",
                ("partner_id", "=", family_ids),
                ("sc_phone_e164", "=", numbers),
                ("sc_mobile_e164", "=", numbers),
            ],
            limit=CARD_LIMIT,
            order="create_date desc, id desc",
        )
        # sudo: the call center's read-only summary of every branch's
        # repairs (_sc_sees_every_branch); the rows the user may open are
        # told apart by ``card_visible``, with the user's own record rules.
        repairs = (Repair.sudo() if sees_all else Repair)._search(
            [
                "|",
                ("partner_id", "=", family_ids),
                ("sc_lead_id", "=", any_of(SQL("SELECT id FROM card_leads"))),
            ],
            limit=CARD_LIMIT,
            order="id desc",
        )
        ctes = [
            SQL("card_family AS (%s)", family.select(self._sc_columns_sql("family"))),
            SQL("card_leads AS (%s)", leads.select(self._sc_columns_sql("lead"))),
            SQL("card_repairs AS (%s)", repairs.select(self._sc_columns_sql("repair"))),
        ]
        if sees_all:
            visible = Repair._search(
                [("id", "=", any_of(SQL("SELECT id FROM card_repairs")))]
            )
            ctes.append(SQL("card_visible AS (%s)", visible.select()))
        else:
            ctes.append(SQL("card_visible AS (SELECT id FROM card_repairs)"))
        return SQL(
            "WITH %s SELECT "
            "(SELECT json_agg(f ORDER BY f.id) FROM card_family f), "
            "(SELECT json_agg(l ORDER BY l.create_date DESC, l.id DESC) "
            "FROM card_leads l), "
            "(SELECT json_agg(r ORDER BY r.id DESC) FROM card_repairs r), "
            "ARRAY(SELECT id FROM card_visible)",
            SQL(", ").join(ctes),
        )

    @api.model
    @tools.ormcache("self.env.uid", "self.env.su", "key")
    def _sc_card_sql_template(self, key):
        """``_sc_card_sql`` built once per user and ``key`` (the parts of the
        environment the ORM builds it from: language, companies, active
        test), with ``NUMBER_MARK`` for the number: (code, params, indexes
        of the number in the params, fields to flush by model).

        The user's record rules are in it as the ORM wrote them, and kept
        exactly as long as the ORM keeps its own: ``ir.rule`` caches the
        rules' domains in the same registry cache, which Odoo clears when a
        rule, a group, a user's groups or companies change, and the core
        when a user's branches change (``res.users.write``). Building it
        costs ~1.7 ms of CPU (five ``_search``: domains, rules, SQL) and a
        query (the companies' hierarchy for the contacts' rule); the card
        itself then is one query.
        """
        sql = self._sc_card_sql(NUMBER_MARK)
        params = tuple(sql.params)
        slots = tuple(i for i, value in enumerate(params) if value == NUMBER_MARK)
        if not slots:  # the number must reach the query as a parameter
            raise ValueError("The caller card's query lost the caller's number.")
        to_flush = {}
        for field in sql.to_flush:
            to_flush.setdefault(field.model_name, set()).add(field.name)
        return (
            sql.code,
            params,
            slots,
            tuple((model, tuple(sorted(names))) for model, names in to_flush.items()),
        )

    @api.model
    def _sc_card_rows(self, number):
        """Rows (dicts) of the card of the E.164 ``number``, in one query:
        ``family`` (clients and contact persons), ``leads`` and ``repairs``
        (each repair with ``summary_only`` when the user may not open it)."""
        env = self.env
        code, params, slots, to_flush = self._sc_card_sql_template(
            (
                env.lang,
                env.company.id,
                tuple(env.companies.ids),
                env.context.get("active_test", True),
            )
        )
        for model, names in to_flush:
            env[model].flush_model(names)
        params = list(params)
        for index in slots:
            params[index] = number
        env.cr.execute(code, params)
        ((family, leads, repairs, visible),) = env.cr.fetchall()
        family, leads, repairs = family or [], leads or [], repairs or []
        visible = set(visible)
        to_datetime = datetime.fromisoformat
        for row in leads:
            row["create_date"] = to_datetime(row["create_date"])
            if row["sc_promised_date"]:
                row["sc_promised_date"] = date.fromisoformat(row["sc_promised_date"])
        for row in repairs:
            row["create_date"] = to_datetime(row["create_date"])
            if row["date_deadline"]:
                row["date_deadline"] = to_datetime(row["date_deadline"])
            row["summary_only"] = row["id"] not in visible
        self._sc_product_names(leads + repairs)
        return {"family": family, "leads": leads, "repairs": repairs}

    @api.model
    def _sc_product_names(self, rows):
        """The product's display name of each row (Odoo's ``[code] name``);
        products with variant values get it from the ORM (one more query)."""
        variants = {row["product_id"] for row in rows if row["product_variant"]}
        names = {
            product.id: product.display_name
            # sudo: display names of products on rows the user's rules let through.
            for product in self.env["product.product"].sudo().browse(variants)
        }
        for row in rows:
            product_id = row["product_id"]
            if not product_id:
                row["product_id_name"] = False
            elif product_id in names:
                row["product_id_name"] = names[product_id]
            elif row["product_code"]:
                row["product_id_name"] = (
                    f"[{row['product_code']}] {row['product_id_name']}"
                )

    @staticmethod
    def _sc_pair_of(row, key):
        return (row[key], row[f"{key}_name"]) if row[key] else False

    @api.model
    def _sc_lead_dict(self, row):
        pair = self._sc_pair_of
        return {
            "id": row["id"],
            "name": row["name"],
            "create_date": row["create_date"],
            "sc_operator_id": pair(row, "sc_operator_id"),
            "sc_device_id": pair(row, "product_id"),
            "sc_serial_number": row["sc_serial_number"] or False,
            "sc_fault_description": row["sc_fault_description"] or False,
            "sc_quoted_price": row["sc_quoted_price"] or 0.0,
            "sc_promised_date": row["sc_promised_date"] or False,
            "sc_branch_id": pair(row, "sc_branch_id"),
            "sc_repair_id": pair(row, "sc_repair_id"),
            "stage_id": pair(row, "stage_id"),
        }

    @api.model
    def _sc_repair_dict(self, row, stages):
        pair = self._sc_pair_of
        return {
            "id": row["id"],
            "name": row["name"],
            "create_date": row["create_date"],
            "service_stage": row["service_stage"],
            "service_stage_name": stages.get(row["service_stage"]),
            "product_id": pair(row, "product_id"),
            "lot_id": pair(row, "lot_id"),
            "serial_number": row["serial_number"] or False,
            "branch_id": pair(row, "branch_id"),
            "quoted_price": row["quoted_price"] or 0.0,
            "date_deadline": row["date_deadline"] or False,
            "sc_lead_id": row["sc_lead_id"] or False,
            "summary_only": row["summary_only"],
        }

    @api.model
    def _sc_card_dicts(self, number):
        """(clients, family, leads, repairs) of the card of ``number`` as
        plain dicts, in one query."""
        rows = self._sc_card_rows(number)
        clients = [
            {
                "id": partner["id"],
                "name": partner["name"],
                "phone": partner["phone"] or False,
                "mobile": partner["mobile"] or False,
            }
            for partner in rows["family"]
            if partner["commercial_partner_id"] == partner["id"]
        ]
        stages = dict(
            self.env["repair.order"]
            ._fields["service_stage"]
            ._description_selection(self.env)
        )
        return (
            clients,
            rows["family"],
            [self._sc_lead_dict(row) for row in rows["leads"]],
            [self._sc_repair_dict(row, stages) for row in rows["repairs"]],
        )

    @api.model
    def get_caller_card(self, phone):
        """Everything the call center and reception know about ``phone``.

        Returns a dict of plain values (for the bus, RPC and the card view):
        ``number`` (E.164 or False), ``partners``, ``leads`` (operator, date,
        device, fault, quote, deadline), ``repairs`` and ``devices``. For the
        call center, ``repairs`` also holds the other branches' repairs as
        rows with ``summary_only`` set (the user cannot open those records).

        Bounded: one query, the whole card (``_sc_card_sql``, kept per user
        by ``_sc_card_sql_template``); building it for a user's first card
        reads the companies' hierarchy (one more query). Devices with
        variant values get their names from the ORM (one more query).
        """
        number = self.env["res.partner"]._sc_phone_to_e164(phone)
        card = {
            "phone": phone,
            "number": number,
            "partners": [],
            "leads": [],
            "repairs": [],
            "devices": [],
        }
        if not number:
            return card
        clients, _family, leads, repairs = self._sc_card_dicts(number)
        card.update(
            partners=clients,
            leads=leads,
            repairs=repairs,
            devices=self._sc_devices(repairs),
        )
        return card

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

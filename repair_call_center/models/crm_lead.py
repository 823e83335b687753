import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "repair.phone.mixin"]

    # ------------------------------------------------------------------
    # What the operator learns on the phone
    # ------------------------------------------------------------------
    sc_device_id = fields.Many2one(
        "product.product",
        string="Device Model",
        domain="[('tracking', '=', 'serial'), ('is_storable', '=', True)]",
        index="btree_not_null",
    )
    sc_device_text = fields.Char(
        string="Device (as told)",
        help="The device as the client named it in a web request.",
    )
    sc_serial_number = fields.Char(string="Serial / IMEI")
    sc_fault_description = fields.Text(string="Fault (client's words)", tracking=True)
    sc_work_ids = fields.Many2many(
        "repair.service.work",
        "crm_lead_repair_service_work_rel",
        "lead_id",
        "work_id",
        string="Quoted Works",
    )
    sc_quoted_price = fields.Monetary(
        string="Quoted Price",
        currency_field="company_currency",
        compute="_compute_sc_quoted_price",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    sc_promised_date = fields.Date(string="Quoted Deadline", tracking=True)
    sc_branch_id = fields.Many2one(
        "stock.warehouse", string="Preferred Branch", index="btree_not_null"
    )
    sc_operator_id = fields.Many2one(
        "res.users",
        string="Operator",
        default=lambda self: self.env.user,
        index="btree_not_null",
        help="Call-center operator who spoke to the client.",
    )
    sc_repair_id = fields.Many2one(
        "repair.order",
        string="Repair Order",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    sc_source_ip = fields.Char(
        string="Request Address",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
        help="IP address a web request came from (rate limiting).",
    )
    sc_parts_stock = fields.Html(
        string="Parts in Stock",
        compute="_compute_sc_parts_stock",
        sanitize=False,
        help="Free quantity, in every branch, of the parts the quoted works need.",
    )

    # ------------------------------------------------------------------
    # Phones: E.164 forms, indexed; the typing stays in phone/mobile
    # ------------------------------------------------------------------
    sc_any_phone = fields.Char(
        string="Any Phone",
        compute="_compute_sc_any_phone",
        search="_search_sc_any_phone",
        help="Search a lead by any of its numbers, typed in any format.",
    )
    sc_phone_invalid = fields.Boolean(
        string="Unreadable Phone",
        compute="_compute_sc_phone_invalid",
        store=True,
        help="The phone was kept as given but could not be read as a number.",
    )

    @api.depends("sc_work_ids")
    def _compute_sc_quoted_price(self):
        for lead in self:
            if lead.sc_work_ids:
                lead.sc_quoted_price = sum(lead.sc_work_ids.mapped("list_price"))
            else:
                lead.sc_quoted_price = lead.sc_quoted_price

    @api.depends("phone", "mobile", "sc_phone_e164", "sc_mobile_e164")
    def _compute_sc_phone_invalid(self):
        for lead in self:
            lead.sc_phone_invalid = bool(
                (lead.phone and not lead.sc_phone_e164)
                or (lead.mobile and not lead.sc_mobile_e164)
            )

    def _compute_sc_any_phone(self):
        for lead in self:
            lead.sc_any_phone = lead.mobile or lead.phone

    def _search_sc_any_phone(self, operator, value):
        if operator not in ("=", "ilike") or not isinstance(value, str):
            raise NotImplementedError(self.env._("Operation not supported"))
        number = self.env["res.partner"]._sc_phone_to_e164(value)
        if number:
            return self._sc_phone_domain(number)
        # Not a full number: fall back to the typing.
        return ["|", ("phone", "ilike", value), ("mobile", "ilike", value)]

    @api.depends("sc_work_ids.part_product_ids")
    def _compute_sc_parts_stock(self):
        branches = self.env["stock.warehouse"].search([], order="sequence, id")
        free = {}
        parts = self.sc_work_ids.part_product_ids
        if parts:
            for branch in branches:
                # sudo: the operator answers "is the part in stock?" for every
                # branch, while the branch rules hide other branches' quants;
                # only spare parts' free quantities are read, no client data.
                for part in parts.sudo().with_context(warehouse_id=branch.id):
                    free[part.id, branch.id] = part.free_qty
        for lead in self:
            lead_parts = lead.sc_work_ids.part_product_ids
            if not lead_parts:
                lead.sc_parts_stock = False
                continue
            head = Markup("").join(
                Markup("<th class='text-end'>%s</th>") % b.name for b in branches
            )
            rows = Markup("").join(
                Markup("<tr><td>%s</td>%s</tr>")
                % (
                    part.display_name,
                    Markup("").join(
                        Markup("<td class='text-end'>%s</td>")
                        % escape(f"{free.get((part.id, b.id), 0.0):g}")
                        for b in branches
                    ),
                )
                for part in lead_parts
            )
            lead.sc_parts_stock = Markup(
                "<table class='table table-sm o_sc_parts_stock'>"
                "<thead><tr><th>%s</th>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (self.env._("Part"), head, rows)

    # ------------------------------------------------------------------
    # Lead -> repair order (reception only)
    # ------------------------------------------------------------------
    def _sc_repair_values(self):
        self.ensure_one()
        branch = self.sc_branch_id or self.env.user.sc_branch_id
        if not branch:
            raise UserError(
                self.env._(
                    "Lead %(lead)s: choose the branch the client will bring "
                    "the device to.",
                    lead=self.name,
                )
            )
        if not self.sc_device_id:
            raise UserError(
                self.env._("Lead %(lead)s: choose the device model.", lead=self.name)
            )
        partner = self.partner_id
        phone = self.mobile or self.phone
        if not partner and phone and not self.sc_phone_invalid:
            partner = self.env["res.partner"]._sc_find_by_phone(phone, limit=1)
        values = {
            "picking_type_id": branch.repair_type_id.id,
            "product_id": self.sc_device_id.id,
            "serial_number": self.sc_serial_number or False,
            "fault_description": self.sc_fault_description or False,
            "service_work_ids": [fields.Command.set(self.sc_work_ids.ids)],
            "promised_date": self.sc_promised_date or False,
            "sc_lead_id": self.id,
            "client_phone": phone or False,
            "client_name": self.contact_name or self.partner_name or False,
        }
        if partner:
            values["partner_id"] = partner.id
        elif not values["client_name"]:
            values["client_name"] = self.name
        return values

    def action_sc_create_repair(self):
        """Create the repair order prefilled from this lead; mark the lead won."""
        self.ensure_one()
        if not self.env.user.has_group("repair_service_center.group_sc_receptionist"):
            raise AccessError(
                self.env._("Only reception can create a repair order from a lead.")
            )
        if self.sc_repair_id:
            raise UserError(
                self.env._(
                    "Lead %(lead)s already has the repair order %(repair)s.",
                    lead=self.name,
                    repair=self.sc_repair_id.name,
                )
            )
        values = self._sc_repair_values()
        repair = self.env["repair.order"].create(values)
        if not repair.partner_id:
            repair._sc_resolve_client()
        if self.sc_quoted_price:
            # The works' list prices may differ from what the operator quoted.
            repair.quoted_price = self.sc_quoted_price
        if not self.partner_id:
            self.partner_id = repair.partner_id
        self.sc_repair_id = repair
        self.action_set_won()
        _logger.info("Lead %s became repair %s", self.id, repair.name)
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": repair.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_sc_open_repair(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": self.sc_repair_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_sc_call(self):
        """Click-to-call: the PBX rings the user, then dials the lead's phone."""
        self.ensure_one()
        number = self.mobile or self.phone
        if not number:
            raise UserError(self.env._("Lead %(lead)s has no phone.", lead=self.name))
        self.env["repair.pbx.connection"]._sc_click_to_call(number, lead=self)
        return True

import logging
import math
import re
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_compare, format_date

from ..tools import code128_svg
from .stock_move import DEVICE_MOVE_KEY, DEVICE_MOVE_TOKEN

_logger = logging.getLogger(__name__)

SERVICE_STAGES = [
    ("new", "New"),
    ("received", "Received"),
    ("diagnosis", "Diagnosis"),
    ("waiting_parts", "Waiting for Parts"),
    ("in_repair", "In Repair"),
    ("ready", "Ready"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]

# Allowed moves of the service stage; anything else is refused.
STAGE_TRANSITIONS = {
    "new": ("received", "cancelled"),
    "received": ("diagnosis", "cancelled"),
    "diagnosis": ("waiting_parts", "in_repair", "cancelled"),
    "waiting_parts": ("in_repair", "cancelled"),
    "in_repair": ("waiting_parts", "ready", "cancelled"),
    "ready": ("delivered",),
    "delivered": (),
    "cancelled": (),
}

# Stages in which a repair occupies its engineer and counts in the workload.
OPEN_STAGES = ("received", "diagnosis", "waiting_parts", "in_repair")

# Odoo's ``state`` that goes with each service stage; any other pair is a bug.
STAGE_STATES = {
    "new": "draft",
    "received": "confirmed",
    "diagnosis": "under_repair",
    "waiting_parts": "under_repair",
    "in_repair": "under_repair",
    "ready": "done",
    "delivered": "done",
    "cancelled": "cancel",
}

# Written by the stage machine only, never by ``create``/``write`` callers.
MACHINE_FIELDS = (
    "service_stage",
    "service_stage_date",
    "intake_user_id",
    "intake_date",
    "state",
    "returned_date",
    "returned_user_id",
)

# What a caller may state on creation: the machine's starting point.
INITIAL_VALUES = {"service_stage": "new", "state": "draft"}

# Facts of the intake: locked once the device was received.
INTAKE_FACTS = (
    "partner_id",
    "product_id",
    "lot_id",
    "serial_number",
    "name",
    "picking_type_id",
)

# Longest text accepted in the intake and diagnosis fields.
TEXT_LIMITS = {
    "client_name": 200,
    "client_phone": 40,
    "fault_description": 2000,
    "device_condition": 2000,
    "accessories": 500,
    "diagnosis": 10000,
}

# A serial number or IMEI: 3 to 40 Latin letters, digits, "-", "." or "/".
SERIAL_PATTERN = re.compile(r"[A-Za-z0-9./-]{3,40}")

# Marks the stage machine's own writes. The context may carry this very
# object only when the machine put it there: XML-RPC and JSON-RPC carry plain
# data, so no caller can forge it (a caller's context is not a permission).
_SC_MACHINE = object()


def _luhn_ok(digits):
    """Whether ``digits`` end with a valid Luhn check digit (IMEI rule)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class RepairOrder(models.Model):
    _inherit = "repair.order"

    # ------------------------------------------------------------------
    # Branch and stage
    # ------------------------------------------------------------------
    branch_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_branch_id",
        inverse="_inverse_branch_id",
        store=True,
        index=True,
        precompute=True,
        check_company=True,
        help="Service center branch (warehouse) that holds the device.",
    )
    service_stage = fields.Selection(
        SERVICE_STAGES,
        default="new",
        required=True,
        copy=False,
        readonly=True,
        tracking=True,
        index=True,
        group_expand="_group_expand_service_stage",
    )
    service_stage_date = fields.Datetime(
        string="In Stage Since", copy=False, readonly=True
    )
    stage_history_ids = fields.One2many(
        "repair.stage.history", "repair_id", readonly=True
    )
    allowed_next_stages = fields.Char(
        compute="_compute_allowed_stages",
        help="Technical: comma-separated stages reachable from the current one.",
    )

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    client_phone = fields.Char(
        compute="_compute_client_phone",
        store=True,
        readonly=False,
        help="Phone the client is found by; a new client is created from it "
        "when no contact has this number.",
    )
    client_name = fields.Char(
        compute="_compute_client_phone",
        store=True,
        readonly=False,
    )
    serial_number = fields.Char(
        string="Serial / IMEI",
        compute="_compute_serial_number",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="Serial number or IMEI of the device; its serial record is "
        "created on intake when it is new.",
    )
    fault_description = fields.Text(string="Fault (client's words)", tracking=True)
    device_condition = fields.Text(
        string="Cosmetic Condition",
        help="Scratches, cracks, dents… as seen at intake.",
    )
    accessories = fields.Char(
        string="Accessories Received", help="Charger, case, SIM tray, box…"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    quoted_price = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_quoted_price",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    promised_date = fields.Date(tracking=True)
    intake_user_id = fields.Many2one(
        "res.users", string="Received By", readonly=True, copy=False
    )
    intake_date = fields.Datetime(string="Received On", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Catalog, engineer, deadline
    # ------------------------------------------------------------------
    service_work_ids = fields.Many2many(
        "repair.service.work",
        string="Works",
        help="Typical works from the service catalog planned for this repair.",
    )
    estimated_hours = fields.Float(
        compute="_compute_estimated_hours",
        store=True,
        readonly=False,
        precompute=True,
    )
    engineer_id = fields.Many2one(
        "res.users",
        tracking=True,
        index=True,
        domain="[('sc_is_engineer', '=', True), ('sc_branch_ids', 'in', branch_id)]",
    )
    date_deadline = fields.Datetime(
        string="Deadline", tracking=True, copy=False, index=True
    )
    deadline_log_ids = fields.One2many(
        "repair.deadline.log", "repair_id", string="Deadline Changes", readonly=True
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    diagnosis = fields.Text(tracking=True)

    # ------------------------------------------------------------------
    # Parts, device, money
    # ------------------------------------------------------------------
    # compute_sudo: every role of the branch sees where the device is and how
    # many transfers bring its parts, also roles without stock rights (the
    # operator); the records themselves stay behind their own access rules.
    parts_picking_ids = fields.One2many(
        "stock.picking",
        compute="_compute_parts_picking_ids",
        compute_sudo=True,
        string="Parts Transfers",
    )
    parts_picking_count = fields.Integer(
        compute="_compute_parts_picking_ids", compute_sudo=True
    )
    device_location_id = fields.Many2one(
        "stock.location",
        compute="_compute_device_location_id",
        compute_sudo=True,
        help="Where the client's device is stored right now.",
    )
    returned_date = fields.Datetime(
        string="Returned On",
        readonly=True,
        copy=False,
        help="When the device of the cancelled repair was handed back.",
    )
    returned_user_id = fields.Many2one(
        "res.users", string="Returned By", readonly=True, copy=False
    )
    device_to_return = fields.Boolean(
        compute="_compute_device_location_id",
        compute_sudo=True,
        search="_search_device_to_return",
        help="The repair is cancelled and its device waits to be handed back.",
    )
    device_history_count = fields.Integer(
        string="Earlier Repairs of the Device",
        compute="_compute_device_history_count",
    )
    phone_repair_ids = fields.Many2many(
        "repair.order",
        string="Earlier Repairs for This Phone",
        compute="_compute_phone_repair_ids",
    )
    amount_total = fields.Monetary(
        string="Repair Price",
        currency_field="currency_id",
        compute="_compute_amount_total",
        help="Price of the repair: its sale order's total once it exists, the "
        "quoted price before that.",
    )

    _sql_constraints = [
        (
            "estimated_hours_positive",
            "CHECK(estimated_hours >= 0)",
            "Estimated hours cannot be negative.",
        ),
        (
            "quoted_price_positive",
            "CHECK(quoted_price IS NULL OR quoted_price >= 0)",
            "The quoted price cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("picking_type_id")
    def _compute_branch_id(self):
        for repair in self:
            repair.branch_id = repair.picking_type_id.warehouse_id

    def _inverse_branch_id(self):
        for repair in self:
            if repair.branch_id and repair.picking_type_id.warehouse_id != (
                repair.branch_id
            ):
                repair.picking_type_id = repair.branch_id.repair_type_id

    def _compute_allowed_stages(self):
        for repair in self:
            repair.allowed_next_stages = ",".join(
                STAGE_TRANSITIONS.get(repair.service_stage, ())
            )

    @api.depends("partner_id")
    def _compute_client_phone(self):
        for repair in self:
            partner = repair.partner_id
            if partner:
                repair.client_phone = (
                    partner.mobile or partner.phone or repair.client_phone
                )
                repair.client_name = partner.name
            else:
                repair.client_phone = repair.client_phone
                repair.client_name = repair.client_name

    @api.depends("lot_id")
    def _compute_serial_number(self):
        for repair in self:
            if repair.lot_id:
                repair.serial_number = repair.lot_id.name

    @api.depends("service_work_ids")
    def _compute_estimated_hours(self):
        for repair in self:
            repair.estimated_hours = sum(
                repair.service_work_ids.mapped("standard_hours")
            )

    @api.depends("service_work_ids")
    def _compute_quoted_price(self):
        for repair in self:
            if repair.service_work_ids:
                repair.quoted_price = sum(repair.service_work_ids.mapped("list_price"))
            else:
                repair.quoted_price = repair.quoted_price

    @api.depends("date_deadline", "service_stage")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for repair in self:
            repair.is_overdue = bool(
                repair.date_deadline
                and repair.date_deadline < now
                and repair.service_stage in OPEN_STAGES
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            _logger.info("Refused search on is_overdue with %r %r", operator, value)
            raise UserError(
                self.env._(
                    "“Overdue” can only be searched with = or != and True or "
                    "False, not %(operator)s %(value)s.",
                    operator=operator,
                    value=value,
                )
            )
        domain = [
            ("date_deadline", "<", fields.Datetime.now()),
            ("service_stage", "in", OPEN_STAGES),
        ]
        if (operator == "=") != value:
            return ["!", "&", *domain]
        return domain

    @api.depends("procurement_group_id.stock_move_ids.picking_id.picking_type_id.code")
    def _compute_parts_picking_ids(self):
        for repair in self:
            pickings = repair.procurement_group_id.stock_move_ids.picking_id.filtered(
                lambda p: p.picking_type_id.code == "internal"
            )
            repair.parts_picking_ids = pickings
            repair.parts_picking_count = len(pickings)

    @api.depends(
        "lot_id",
        "partner_id",
        "service_stage",
        "intake_date",
        "returned_date",
        "lot_id.quant_ids.location_id.usage",
        "lot_id.quant_ids.quantity",
        "lot_id.quant_ids.owner_id",
    )
    def _compute_device_location_id(self):
        for repair in self:
            location = self.env["stock.location"]
            if repair._sc_device_in_house():
                quants = repair.lot_id.quant_ids.filtered(
                    lambda q, repair=repair: (
                        q.quantity > 0
                        and q.owner_id == repair.partner_id
                        and q.location_id.usage == "internal"
                    )
                )
                location = quants.location_id[:1]
            repair.device_location_id = location
            repair.device_to_return = bool(
                location and repair.service_stage == "cancelled"
            )

    def _search_device_to_return(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "Unsupported search on “Device to Return”: %(operator)s %(value)s.",
                    operator=operator,
                    value=value,
                )
            )
        domain = [
            ("service_stage", "=", "cancelled"),
            ("intake_date", "!=", False),
            ("returned_date", "=", False),
        ]
        if (operator == "=") != value:
            return ["!", "&", "&", *domain]
        return domain

    def _sc_device_in_house(self):
        """Whether the client's device is under this repair in the house."""
        self.ensure_one()
        if not self.lot_id or not self.intake_date:
            return False
        if self.service_stage == "cancelled":
            return not self.returned_date
        return self.service_stage != "delivered"

    @api.depends("lot_id")
    def _compute_device_history_count(self):
        counts = defaultdict(int)
        for lot, count in self._read_group(
            [("lot_id", "in", self.lot_id.ids)], ["lot_id"], ["__count"]
        ):
            counts[lot] = count
        for repair in self:
            own = 1 if repair.id and repair.lot_id else 0
            repair.device_history_count = max(counts[repair.lot_id] - own, 0)

    @api.depends("partner_id", "client_phone")
    def _compute_phone_repair_ids(self):
        for repair in self:
            partners = repair.partner_id.commercial_partner_id
            if repair.client_phone:
                try:
                    partners |= self.env["res.partner"]._sc_find_by_phone(
                        repair.client_phone
                    )
                except UserError:
                    # A half-typed phone finds nothing; confirmation checks it.
                    _logger.debug("No lookup for partial phone %r", repair.client_phone)
            if not partners:
                repair.phone_repair_ids = False
                continue
            repair.phone_repair_ids = self.search(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("id", "!=", repair._origin.id or 0),
                ],
                limit=50,
            )

    @api.depends("quoted_price", "sale_order_id.amount_total")
    def _compute_amount_total(self):
        for repair in self:
            if repair.sale_order_id:
                repair.amount_total = repair.sale_order_id.amount_total
            else:
                repair.amount_total = repair.quoted_price

    @api.model
    def _group_expand_service_stage(self, stages, domain):
        return [key for key, _label in SERVICE_STAGES if key != "cancelled"]

    # ------------------------------------------------------------------
    # Onchanges (form helpers only; the server re-checks on confirmation)
    # ------------------------------------------------------------------
    @api.onchange("client_phone")
    def _onchange_client_phone(self):
        if not self.client_phone or self.partner_id:
            return
        try:
            partner = self.env["res.partner"]._sc_find_by_phone(
                self.client_phone, limit=1
            )
        except UserError as error:
            return {"warning": {"title": self.env._("Phone"), "message": str(error)}}
        if partner:
            self.partner_id = partner

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        branch = self.env.user.sc_branch_id
        if branch and branch.repair_type_id and "picking_type_id" in fields_list:
            if not self.env.context.get("default_picking_type_id"):
                res["picking_type_id"] = branch.repair_type_id.id
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if not self._sc_in_machine():
            self._sc_refuse_forged_create(vals_list)
        deadlines = []
        for vals in vals_list:
            self._sc_check_values(vals)
            deadlines.append(vals.pop("date_deadline", False))
            branch_id = vals.pop("branch_id", False)
            if branch_id and not vals.get("picking_type_id"):
                branch = self.env["stock.warehouse"].browse(branch_id)
                vals["picking_type_id"] = branch.repair_type_id.id
        repairs = super().create(vals_list)
        now = fields.Datetime.now()
        repairs._sc_machine().write({"service_stage_date": now})
        # Audit rows are written by the stage machine only; users read them.
        self.env["repair.stage.history"].sudo().create(
            [
                {
                    "repair_id": repair.id,
                    "stage": repair.service_stage,
                    "user_id": self.env.uid,
                    "date_start": now,
                }
                for repair in repairs
            ]
        )
        for repair, deadline in zip(repairs, deadlines, strict=True):
            if deadline:
                repair._sc_set_first_deadline(deadline)
        return repairs

    @api.model
    def _sc_refuse_forged_create(self, vals_list):
        """A repair is born "new": the machine's fields are not for callers."""
        defaults = {
            key[len("default_") :]: value
            for key, value in self.env.context.items()
            if key.startswith("default_")
        }
        for vals in [defaults, *vals_list]:
            forged = [
                name
                for name in MACHINE_FIELDS
                if vals.get(name) and vals[name] != INITIAL_VALUES.get(name)
            ]
            if forged:
                _logger.info("Refused repair creation with forged %s", forged)
                raise UserError(
                    self.env._(
                        "A repair starts as “New”: %(fields)s are set by the "
                        "service stages, not when the repair is created.",
                        fields=self._sc_field_labels(forged),
                    )
                )

    def write(self, vals):
        if not self._sc_in_machine():
            self._sc_refuse_bypass(vals)
        self._sc_check_values(vals)
        first_deadline = False
        if "date_deadline" in vals and not self._sc_in_machine():
            # A first deadline typed by a manager; every change of an existing
            # one goes through action_sc_set_deadline (refused above).
            first_deadline = vals.pop("date_deadline")
        old_engineers = (
            {repair.id: repair.engineer_id for repair in self}
            if "engineer_id" in vals
            else {}
        )
        res = super().write(vals)
        if first_deadline:
            self._sc_set_first_deadline(first_deadline)
        if old_engineers:
            changed = self.filtered(
                lambda r: (
                    r.engineer_id
                    and r.engineer_id != old_engineers[r.id]
                    and not r.date_deadline
                )
            )
            changed._sc_apply_proposed_deadline()
        return res

    def _sc_refuse_bypass(self, vals):
        """Refuse what only the stage machine or a manager's action may change."""
        if not self:
            return
        self._sc_refuse_written(
            vals,
            MACHINE_FIELDS,
            self.env._(
                "%(fields)s of a repair change only through its service "
                "stages (the stage buttons, or action_sc_transition for "
                "integrations)."
            ),
        )
        facts = [name for name in INTAKE_FACTS if name in vals]
        for repair in self.filtered(lambda r: r.service_stage != "new"):
            changed = [name for name in facts if repair._sc_differs(name, vals[name])]
            if changed:
                _logger.info(
                    "Refused change of %s on received repair %s by uid %s",
                    changed,
                    repair.name,
                    self.env.uid,
                )
                raise UserError(
                    self.env._(
                        "Repair %(ref)s was received: %(fields)s can no longer "
                        "change; only a manager can correct a mistyped serial "
                        "number, giving the reason.",
                        ref=repair.name,
                        fields=self._sc_field_labels(changed),
                    )
                )
        if "date_deadline" in vals:
            for repair in self:
                if repair.date_deadline or not vals["date_deadline"]:
                    raise UserError(
                        self.env._(
                            "Changing the deadline of %(ref)s needs a reason: use "
                            "“Change Deadline”.",
                            ref=repair.name,
                        )
                    )
        if vals.get("promised_date"):
            promised = fields.Date.to_date(vals["promised_date"])
            if promised < fields.Date.context_today(self):
                raise UserError(
                    self.env._(
                        "The promised date %(date)s is in the past.",
                        date=format_date(self.env, promised),
                    )
                )

    def _sc_refuse_written(self, vals, names, message):
        """Refuse ``vals`` when it writes any of ``names``: logged, and
        ``message`` (translated, with ``%(fields)s``) names those fields."""
        forged = [name for name in names if name in vals]
        if forged:
            _logger.info(
                "Refused direct write of %s on repairs %s by uid %s",
                forged,
                self.ids,
                self.env.uid,
            )
            raise UserError(message % {"fields": self._sc_field_labels(forged)})

    def _sc_differs(self, name, value):
        """Whether writing ``value`` into field ``name`` would change it."""
        self.ensure_one()
        field = self._fields[name]
        current = field.convert_to_write(self[name], self)
        return (current or False) != (value or False)

    @api.model
    def _sc_field_labels(self, names):
        return ", ".join(
            f"“{self._fields[name]._description_string(self.env)}”" for name in names
        )

    @api.model
    def _sc_check_values(self, vals):
        """Serial and free-text rules, checked before anything is written."""
        for name, limit in TEXT_LIMITS.items():
            value = vals.get(name)
            if isinstance(value, str) and len(value) > limit:
                _logger.info("Refused %s of %s characters", name, len(value))
                raise ValidationError(
                    self.env._(
                        "%(field)s is too long: %(length)s characters, at most "
                        "%(limit)s.",
                        field=self._sc_field_labels([name]),
                        length=len(value),
                        limit=limit,
                    )
                )
        if vals.get("serial_number"):
            self._sc_check_serial(vals["serial_number"])

    @api.model
    def _sc_check_serial(self, serial):
        serial = (serial or "").strip()
        if not SERIAL_PATTERN.fullmatch(serial):
            _logger.info("Refused serial number %r", serial[:50])
            raise ValidationError(
                self.env._(
                    "“%(serial)s” is not a serial number or IMEI: use 3 to 40 "
                    "Latin letters, digits, “-”, “.” or “/”.",
                    serial=serial[:50],
                )
            )
        if len(serial) == 15 and serial.isdigit() and not _luhn_ok(serial):
            _logger.info("Refused IMEI %s with a wrong check digit", serial)
            raise ValidationError(
                self.env._(
                    "%(imei)s is not a valid IMEI: its last (check) digit is "
                    "wrong. Check the number on the device or its box.",
                    imei=serial,
                )
            )

    @api.constrains(*TEXT_LIMITS, "serial_number")
    def _check_sc_text_values(self):
        for repair in self:
            repair._sc_check_values(
                {name: repair[name] for name in (*TEXT_LIMITS, "serial_number")}
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_after_intake(self):
        # Named to run before repair's own _unlink_except_confirmed.
        received = self.filtered(lambda r: r.service_stage != "new")
        if received:
            _logger.info(
                "Refused deletion of received repairs %s by uid %s",
                received.mapped("name"),
                self.env.uid,
            )
            raise UserError(
                self.env._(
                    "Repair %(ref)s was received and cannot be deleted: cancel "
                    "it instead.",
                    ref=received[0].name,
                )
            )

    def unlink(self):
        # The audit rows of repairs never received go with them; those of
        # received repairs stay (the check above refuses their deletion).
        never_received = self.filtered(lambda r: r.service_stage == "new")
        # sudo: audit rows are not for users to delete; the machine does it.
        self.env["repair.stage.history"].sudo().search(
            [("repair_id", "in", never_received.ids)]
        ).unlink()
        self.env["repair.deadline.log"].sudo().search(
            [("repair_id", "in", never_received.ids)]
        ).unlink()
        return super().unlink()

    # ------------------------------------------------------------------
    # Odoo's own repair steps: run by the stage machine only
    # ------------------------------------------------------------------
    def _sc_in_machine(self):
        return self.env.context.get("sc_machine") is _SC_MACHINE

    def _sc_machine(self):
        """These repairs in the stage machine's hands (its own writes)."""
        return self.with_context(sc_machine=_SC_MACHINE)

    def _sc_refuse_outside_machine(self, method):
        if self._sc_in_machine() or not self:
            return
        _logger.info(
            "Refused %s on repairs %s by uid %s: not through the stage machine",
            method,
            self.ids,
            self.env.uid,
        )
        raise UserError(
            self.env._(
                "Repair %(ref)s follows the service center's stages: “%(method)s” "
                "is not available. Use the stage buttons (Confirm Intake, Start "
                "Diagnosis, Ready, Hand Over, Cancel) or action_sc_transition.",
                ref=self[0].name,
                method=method,
            )
        )

    def action_validate(self):
        self._sc_refuse_outside_machine("action_validate")
        return super().action_validate()

    def _action_repair_confirm(self):
        self._sc_refuse_outside_machine("_action_repair_confirm")
        return super()._action_repair_confirm()

    def action_repair_start(self):
        self._sc_refuse_outside_machine("action_repair_start")
        return super().action_repair_start()

    def action_repair_end(self):
        self._sc_refuse_outside_machine("action_repair_end")
        return super().action_repair_end()

    def action_repair_done(self):
        self._sc_refuse_outside_machine("action_repair_done")
        return super().action_repair_done()

    def action_repair_cancel(self):
        self._sc_refuse_outside_machine("action_repair_cancel")
        return super().action_repair_cancel()

    def action_repair_cancel_draft(self):
        self._sc_refuse_outside_machine("action_repair_cancel_draft")
        return super().action_repair_cancel_draft()

    # ------------------------------------------------------------------
    # Stage machine
    # ------------------------------------------------------------------
    def _sc_stage_label(self, stage):
        return dict(self._fields["service_stage"]._description_selection(self.env))[
            stage
        ]

    def _sc_check_transition(self, new_stage):
        for repair in self:
            if repair.service_stage == new_stage:
                continue
            allowed = STAGE_TRANSITIONS.get(repair.service_stage, ())
            if new_stage not in allowed:
                _logger.info(
                    "Refused stage change of %s from %s to %s",
                    repair.name,
                    repair.service_stage,
                    new_stage,
                )
                raise UserError(
                    self.env._(
                        "Repair %(ref)s cannot go from “%(current)s” to “%(target)s”. "
                        "Allowed next stages: %(allowed)s.",
                        ref=repair.name,
                        current=repair._sc_stage_label(repair.service_stage),
                        target=repair._sc_stage_label(new_stage),
                        allowed=", ".join(repair._sc_stage_label(s) for s in allowed)
                        or self.env._("none"),
                    )
                )

    def _sc_record_stage_change(self, old_stages):
        changed = self.filtered(lambda r: old_stages.get(r.id) != r.service_stage)
        if not changed:
            return
        now = fields.Datetime.now()
        # Audit rows are written by the stage machine only; users read them.
        History = self.env["repair.stage.history"].sudo()
        History.search(
            [("repair_id", "in", changed.ids), ("date_end", "=", False)]
        ).write({"date_end": now})
        History.create(
            [
                {
                    "repair_id": repair.id,
                    "stage": repair.service_stage,
                    "user_id": self.env.uid,
                    "date_start": now,
                }
                for repair in changed
            ]
        )
        # The hook runs as the caller, without the machine's mark.
        changed.with_context(sc_machine=None)._sc_on_stage_changed(
            {repair.id: old_stages[repair.id] for repair in changed}
        )

    def _sc_set_stage(self, stage):
        """The one write of ``service_stage``: checked, dated and recorded."""
        self._sc_check_transition(stage)
        old_stages = {repair.id: repair.service_stage for repair in self}
        moving = self.filtered(lambda r: r.service_stage != stage)
        moving._sc_machine().write(
            {"service_stage": stage, "service_stage_date": fields.Datetime.now()}
        )
        moving._sc_record_stage_change(old_stages)
        return True

    # Public entry point of the stage machine for integrations (webhooks,
    # scans, the till): each target stage maps to the action that performs
    # the transition with its checks and side effects.
    _SC_STAGE_ACTIONS = {
        "received": "action_sc_confirm_intake",
        "diagnosis": "action_sc_start_diagnosis",
        "waiting_parts": "action_sc_request_parts",
        "in_repair": "action_sc_start_repair",
        "ready": "action_sc_set_ready",
        "delivered": "action_sc_deliver",
        "cancelled": "action_sc_cancel",
    }

    def action_sc_transition(self, stage):
        """Move the repairs to ``stage`` through the stage machine.

        The one documented way for other addons and external callers to ask
        for a transition: it runs the same action as the form's button, so
        the same role checks, validations and side effects apply. Raises
        ``UserError`` for a transition the machine does not allow and
        ``AccessError`` when the user's role may not make it.
        """
        method = self._SC_STAGE_ACTIONS.get(stage)
        if not method:
            raise UserError(
                self.env._("“%(stage)s” is not a service stage.", stage=stage)
            )
        for repair in self:
            repair._sc_check_transition(stage)
        return getattr(self, method)()

    def _sc_on_stage_changed(self, old_stages):
        """Hook called once the repairs in ``self`` entered a new stage.

        ``old_stages`` maps each repair id to its previous stage. Integrations
        (SMS notifications, the till…) override it and call ``super()``; it
        runs inside the transition's transaction, as the acting user.
        """
        return True

    def _sc_check_group(self, xmlid, action_label):
        if not self.env.user.has_group(xmlid):
            group = self.env.ref(xmlid)
            raise AccessError(
                self.env._(
                    "Only a user with the role “%(role)s” can %(action)s.",
                    role=group.name,
                    action=action_label,
                )
            )

    def stage_time_hours(self):
        """Hours spent in each stage, the current one counted until now."""
        self.ensure_one()
        now = fields.Datetime.now()
        totals = defaultdict(float)
        for period in self.stage_history_ids:
            end = period.date_end or now
            totals[period.stage] += (end - period.date_start).total_seconds() / 3600.0
        return dict(totals)

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    def _sc_resolve_client(self):
        """Find the client by phone, or create one from name and phone."""
        Partner = self.env["res.partner"]
        for repair in self:
            if repair.partner_id:
                if repair.client_phone:
                    Partner._sc_normalize_phone(repair.client_phone)
                continue
            number = Partner._sc_normalize_phone(repair.client_phone)
            partner = Partner._sc_find_by_phone(number, limit=1)
            if not partner:
                if not repair.client_name:
                    raise UserError(
                        self.env._(
                            "No client has the phone %(phone)s yet: type the client's "
                            "name to create one.",
                            phone=number,
                        )
                    )
                partner = Partner.create({"name": repair.client_name, "mobile": number})
            repair.partner_id = partner

    def _sc_resolve_lot(self):
        """Use the serial typed at intake, creating its record when new."""
        Lot = self.env["stock.lot"]
        for repair in self:
            if repair.lot_id:
                continue
            serial = (repair.serial_number or "").strip()
            if not serial:
                raise UserError(
                    self.env._(
                        "Repair %(ref)s: type the device's serial number or IMEI.",
                        ref=repair.name,
                    )
                )
            # sudo: one record per serial, also when another branch (hidden
            # from this user by the branch rules) holds the device.
            lot = Lot.sudo().search(
                [
                    ("product_id", "=", repair.product_id.id),
                    ("name", "=", serial),
                    ("company_id", "in", [repair.company_id.id, False]),
                ],
                limit=1,
            )
            if not lot:
                lot = Lot.create(
                    {
                        "name": serial,
                        "product_id": repair.product_id.id,
                        "company_id": repair.company_id.id,
                    }
                )
            repair.lot_id = lot.sudo(False)

    def _sc_check_intake(self):
        today = fields.Date.context_today(self)
        for repair in self:
            if repair.service_stage != "new":
                raise UserError(
                    self.env._("Repair %(ref)s was already received.", ref=repair.name)
                )
            if not repair.branch_id:
                raise UserError(
                    self.env._("Repair %(ref)s: choose the branch.", ref=repair.name)
                )
            if not repair.product_id:
                raise UserError(
                    self.env._(
                        "Repair %(ref)s: choose the device model.", ref=repair.name
                    )
                )
            if (
                repair.product_id.tracking != "serial"
                or not repair.product_id.is_storable
            ):
                raise UserError(
                    self.env._(
                        "The device model %(model)s must be a stored product "
                        "tracked by serial number.",
                        model=repair.product_id.display_name,
                    )
                )
            if not (repair.fault_description or "").strip():
                raise UserError(
                    self.env._(
                        "Repair %(ref)s: write down the fault in the client's words.",
                        ref=repair.name,
                    )
                )
            if repair.promised_date and repair.promised_date < today:
                raise UserError(
                    self.env._(
                        "Repair %(ref)s: the promised date %(date)s is in the past.",
                        ref=repair.name,
                        date=format_date(self.env, repair.promised_date),
                    )
                )

    def _sc_check_serials_free(self):
        """Refuse a serial typed twice in the batch or open in any branch."""
        seen = {}
        for repair in self:
            serial = (repair.lot_id.name or repair.serial_number or "").strip()
            if not serial:
                continue
            key = (repair.product_id.id, serial)
            if key in seen:
                raise UserError(
                    self.env._(
                        "The serial number %(serial)s is on both %(ref)s and "
                        "%(other)s in this intake: one device, one repair.",
                        serial=serial,
                        ref=seen[key].name,
                        other=repair.name,
                    )
                )
            seen[key] = repair
        if not seen:
            return
        # sudo: a device still open in a branch this user cannot read must be
        # found too; only its reference and branch are shown.
        open_repairs = (
            self.sudo()
            .search(
                [
                    ("serial_number", "in", [serial for _p, serial in seen]),
                    ("id", "not in", self.ids),
                    ("service_stage", "not in", ("new", "delivered", "cancelled")),
                ]
            )
            .filtered(lambda r: (r.product_id.id, r.serial_number) in seen)
        )
        if open_repairs:
            holder = open_repairs[0]
            _logger.info(
                "Refused intake of %s: open in repair %s",
                holder.serial_number,
                holder.name,
            )
            raise UserError(
                self.env._(
                    "The device %(serial)s is already in repair %(ref)s "
                    "(branch %(branch)s).",
                    serial=holder.serial_number,
                    ref=holder.name,
                    branch=holder.branch_id.name,
                )
            )

    def action_sc_confirm_intake(self):
        """Receive the device from the client into the branch's reception."""
        self._sc_check_group(
            "repair_service_center.group_sc_receptionist",
            self.env._("confirm an intake"),
        )
        self._sc_check_serials_free()
        self._sc_resolve_client()
        self._sc_resolve_lot()
        self._sc_check_intake()
        customer_location = self.env.ref("stock.stock_location_customers")
        for repair in self:
            reception = repair.branch_id.sc_reception_location_id
            repair._sc_machine().write(
                {
                    "product_location_src_id": reception.id,
                    "intake_user_id": self.env.uid,
                    "intake_date": fields.Datetime.now(),
                }
            )
            repair._sc_move_device(customer_location, reception)
        self._sc_machine()._action_repair_confirm()
        self._sc_set_stage("received")
        return True

    def _sc_device_context(self):
        """The context in which the repair's own methods move its device."""
        return self.with_context(**{DEVICE_MOVE_KEY: DEVICE_MOVE_TOKEN})

    def _sc_relocation_move_vals(self, source, destination, message):
        """Values of the done move that relocates the device in the house.

        Empty when the client's device is not at ``source``. The values are
        those of ``stock.quant.move_quants`` (``_get_inventory_move_values``),
        created done: the quant moves when its done line is created. The
        quant is taken from the ``quants_cache`` of the context when there is
        one (see ``_sc_quants_cache``), else from the device's lot.
        """
        self.ensure_one()
        quants_cache = self.env.context.get("quants_cache")
        if quants_cache is not None:
            quants = self.env["stock.quant"].union(
                *(
                    cached
                    for (product, location, lot, _package, owner), cached in (
                        quants_cache.items()
                    )
                    if product == self.product_id.id
                    and location == source.id
                    and lot == self.lot_id.id
                    and owner == self.partner_id.id
                )
            )
        else:
            quants = self.lot_id.quant_ids
        quant = quants.filtered(
            lambda q: (
                q.location_id == source
                and q.owner_id == self.partner_id
                and q.product_id == self.product_id
                and q.quantity > 0
            )
        )[:1]
        if not quant:
            return []
        quant = quant.with_context(inventory_name=message)
        vals = quant._get_inventory_move_values(
            quant.quantity, source, destination, quant.package_id, quant.package_id
        )
        vals.update(
            origin=self.name,
            group_id=self.procurement_group_id.id,
            state="done",
            date=fields.Datetime.now(),
            # Known now: spares reading the new move back to compute its
            # reservation date (a done move has none) and summing its line.
            picking_type_id=False,
            quantity=quant.quantity,
        )
        return [vals]

    def _sc_quants_cache(self, move_vals_list, locations):
        """The quants that the done lines of ``move_vals_list`` update, read
        in one query, in the form of Odoo's own ``quants_cache``
        (``stock.quant._get_quants_by_products_locations``, used by
        ``stock.move.line._action_done``): ``stock.quant._gather`` answers
        from it instead of searching each place before and after each update.

        Every quant of those products at those places with those lots (or
        none) is in it, so the cache answers what the searches would.
        """
        products, lots = {self.product_id.id}, {self.lot_id.id}
        location_ids = set(locations.ids)
        for vals in move_vals_list:
            products.add(vals["product_id"])
            for command in vals.get("move_line_ids") or []:
                line = command[2]
                lots.add(line.get("lot_id") or False)
                location_ids.update((line["location_id"], line["location_dest_id"]))
        # sudo: Odoo's quant update that this cache serves runs as superuser
        # too (stock.quant._update_available_quantity); nothing is shown.
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                expression.AND(
                    [
                        [("product_id", "in", list(products))],
                        expression.OR(
                            [
                                # All the device's quants: the lot's place is
                                # computed again from them once its quant moved.
                                [("lot_id", "=", self.lot_id.id)]
                                if self.lot_id
                                else expression.FALSE_DOMAIN,
                                [
                                    ("location_id", "in", list(location_ids)),
                                    "|",
                                    ("lot_id", "in", [lot for lot in lots if lot]),
                                    ("lot_id", "=", False),
                                ],
                            ]
                        ),
                    ]
                ),
                [
                    "product_id",
                    "location_id",
                    "lot_id",
                    "package_id",
                    "owner_id",
                    "quantity",
                    "reserved_quantity",
                    "in_date",
                    "company_id",
                    "user_id",
                    "product_uom_id",
                ],
                order="lot_id, id",
            )
            .sudo(False)
        )
        cache = defaultdict(lambda: self.env["stock.quant"])
        for quant in quants:
            key = (
                quant.product_id.id,
                quant.location_id.id,
                quant.lot_id.id,
                quant.package_id.id,
                quant.owner_id.id,
            )
            cache[key] |= quant
        return cache

    def _sc_move_device(self, source, destination, extra_move_vals=None):
        """Move the client's device, keeping the client as its owner.

        Inside the house the client-owned quant is relocated the way Odoo
        edits a done transfer: a move created done with its done line, the
        line moving the quant (``stock.move.line.create``), without the
        confirm / assign / ``_action_done`` round. ``extra_move_vals`` are
        more done moves made in the same batch (the parts bound to the
        repair, in ``repair_warehouse_binding``). A device that comes in from
        or goes out to the client gets a stock move of its own, validated by
        ``_action_done``.
        """
        self.ensure_one()
        if source == destination:
            return self.env["stock.move"]
        repair = self._sc_device_context()
        message = self.env._(
            "%(ref)s: device to %(place)s", ref=self.name, place=destination.name
        )
        if source.usage == "internal" and destination.usage == "internal":
            extra = list(extra_move_vals or [])
            repair = repair.with_context(
                quants_cache=self._sc_quants_cache(extra, source | destination)
            )
            vals_list = repair._sc_relocation_move_vals(source, destination, message)
            repair_env = self._sc_device_context().env
            if vals_list:
                # The device-move marker lets the done lines through the seal.
                moves = repair.env["stock.move"].create(vals_list + extra)
                # Without the quants read for this move.
                return moves.with_env(repair_env)
            repair = repair.with_env(repair_env)
        extra_moves = repair.env["stock.move"].create(list(extra_move_vals or []))
        move = repair.env["stock.move"].create(
            {
                "name": message,
                "product_id": self.product_id.id,
                "product_uom": self.product_id.uom_id.id,
                "product_uom_qty": 1.0,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "partner_id": self.partner_id.id,
                "restrict_partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "origin": self.name,
                "group_id": self.procurement_group_id.id,
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_id.id,
                            "lot_id": self.lot_id.id,
                            "quantity": 1.0,
                            "product_uom_id": self.product_id.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "owner_id": self.partner_id.id,
                            "company_id": self.company_id.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        move._action_done()
        return move | extra_moves

    def action_sc_move_device(self, destination):
        """Relocate the device to ``destination`` (a desk, shelf or bin)."""
        self.ensure_one()
        if (
            destination.usage != "internal"
            or destination.warehouse_id != self.branch_id
        ):
            raise UserError(
                self.env._(
                    "%(location)s is not a storage place of branch %(branch)s.",
                    location=destination.display_name,
                    branch=self.branch_id.name,
                )
            )
        source = self.device_location_id
        if not source:
            raise UserError(
                self.env._(
                    "The device of repair %(ref)s is not in the service center.",
                    ref=self.name,
                )
            )
        return self._sc_move_device(source, destination)

    # ------------------------------------------------------------------
    # Engineering
    # ------------------------------------------------------------------
    def action_sc_start_diagnosis(self):
        self._sc_check_group(
            "repair_service_center.group_sc_engineer", self.env._("start a diagnosis")
        )
        for repair in self:
            user = self.env.user
            if (
                not repair.engineer_id
                and user.sc_is_engineer
                and user.sc_daily_capacity
            ):
                repair.engineer_id = self.env.user
        self._sc_set_stage("diagnosis")
        self.filtered(
            lambda r: r.state == "confirmed"
        )._sc_machine().action_repair_start()
        return True

    def action_sc_start_repair(self):
        self._sc_check_group(
            "repair_service_center.group_sc_engineer", self.env._("start a repair")
        )
        missing = self.filtered(lambda r: not r._sc_parts_ready())
        if missing:
            raise UserError(
                self.env._(
                    "Repair %(ref)s still waits for parts: request them first.",
                    ref=missing[0].name,
                )
            )
        self._sc_set_stage("in_repair")
        return True

    def _sc_part_moves(self):
        return self.move_ids.filtered(
            lambda m: m.repair_line_type == "add" and m.state not in ("done", "cancel")
        )

    def _sc_parts_ready(self):
        self.ensure_one()
        return all(move.state == "assigned" for move in self._sc_part_moves())

    def _sc_check_parts_stage(self):
        """Parts are requested (or added) during diagnosis or repair only."""
        for repair in self:
            if repair.service_stage not in ("diagnosis", "in_repair", "waiting_parts"):
                raise UserError(
                    self.env._(
                        "Parts can be requested during diagnosis or repair only "
                        "(repair %(ref)s is “%(stage)s”).",
                        ref=repair.name,
                        stage=repair._sc_stage_label(repair.service_stage),
                    )
                )

    def action_sc_request_parts(self):
        """Reserve stocked parts by a transfer to the repair; buy the rest."""
        self._sc_check_group(
            "repair_service_center.group_sc_engineer", self.env._("request parts")
        )
        self._sc_check_parts_stage()
        for repair in self:
            moves = repair._sc_part_moves().filtered(
                lambda m: m.state != "assigned" and not m.move_orig_ids
            )
            if not moves and not repair._sc_part_moves():
                raise UserError(
                    self.env._(
                        "Repair %(ref)s has no parts to request: add them on the "
                        "Parts tab first.",
                        ref=repair.name,
                    )
                )
            # Parts already waiting in the issue location are simply reserved.
            moves._action_assign()
            moves = moves.filtered(lambda m: m.state != "assigned")
            if moves:
                repair._sc_create_parts_transfer(moves)
        for repair in self:
            stage = "in_repair" if repair._sc_parts_ready() else "waiting_parts"
            if repair.service_stage != stage:
                repair._sc_set_stage(stage)
        return True

    def _sc_create_parts_transfer(self, repair_moves):
        """Procure the parts of ``repair_moves`` to the repair's issue location.

        Odoo's procurement runs the branch's parts rule (``mts_else_mto``): it
        takes what is on hand from the parts stock with an internal transfer
        and triggers the part's buy route for the rest, chained to the transfer.
        """
        self.ensure_one()
        warehouse = self.branch_id
        rule = warehouse.sc_parts_pull_id
        if not rule:
            raise UserError(
                self.env._(
                    "Branch %(branch)s has no rule to issue parts to repairs: "
                    "ask an administrator to update the service center addon.",
                    branch=warehouse.name,
                )
            )
        stock_location = rule.location_src_id
        free_by_product = {}
        Procurement = self.env["procurement.group"].Procurement
        procurements = []
        for move in repair_moves:
            product = move.product_id
            rounding = product.uom_id.rounding
            if product not in free_by_product:
                free_by_product[product] = max(
                    product.with_context(location=stock_location.id).free_qty, 0.0
                )
            need = move.product_qty - move.quantity
            if float_compare(need, 0.0, precision_rounding=rounding) <= 0:
                continue
            to_buy = need - min(free_by_product[product], need)
            free_by_product[product] = max(free_by_product[product] - need, 0.0)
            if (
                float_compare(to_buy, 0.0, precision_rounding=rounding) > 0
                and not product.seller_ids
            ):
                raise UserError(
                    self.env._(
                        "%(part)s is out of stock and has no vendor to buy it "
                        "from: add a vendor on the product first.",
                        part=product.display_name,
                    )
                )
            procurements.append(
                Procurement(
                    product,
                    need,
                    product.uom_id,
                    self.location_id,
                    self.name,
                    self.name,
                    self.company_id,
                    {
                        "group_id": self.procurement_group_id,
                        "move_dest_ids": move,
                        "warehouse_id": warehouse,
                        "route_ids": rule.route_id,
                        "date_planned": fields.Datetime.now(),
                    },
                )
            )
        if not procurements:
            return self.env["stock.picking"]
        self.env["procurement.group"].run(procurements)
        pickings = self.parts_picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        pickings.action_assign()
        self.message_post(
            body=self.env._(
                "Parts requested: transfer %(picking)s.",
                picking=", ".join(pickings.mapped("name")),
            )
        )
        return pickings

    def _sc_check_parts_arrived(self):
        """Return repairs waiting for parts to work once all parts are reserved."""
        for repair in self.filtered(lambda r: r.service_stage == "waiting_parts"):
            if repair._sc_parts_ready():
                repair._sc_set_stage("in_repair")
                repair.message_post(
                    body=self.env._("All parts are here: the repair can go on.")
                )

    def action_sc_set_ready(self):
        """Finish the repair: consume parts, put the device on the ready shelf."""
        self._sc_check_group(
            "repair_service_center.group_sc_engineer", self.env._("finish a repair")
        )
        for repair in self:
            if repair.service_stage != "in_repair":
                repair._sc_check_transition("ready")
            if not repair._sc_parts_ready():
                raise UserError(
                    self.env._(
                        "Repair %(ref)s cannot be ready: some parts are not "
                        "issued to it yet.",
                        ref=repair.name,
                    )
                )
            location = repair.device_location_id
            if location:
                repair.product_location_src_id = location
            repair.product_location_dest_id = repair.branch_id.sc_ready_location_id
        # Odoo's repair moves the device to the ready shelf: its own method,
        # called by the machine with the device-move marker.
        self._sc_machine()._sc_device_context().action_repair_end()
        self._sc_set_stage("ready")
        self._sc_ensure_sale_order()
        return True

    def _sc_ensure_sale_order(self):
        """Create the quotation of the repair with its catalog works."""
        for repair in self.filtered(lambda r: not r.sale_order_id and r.partner_id):
            # sudo: the quotation is the repair's own billing document; the
            # engineer who finishes the repair does not hold sales rights.
            repair = repair.sudo()
            repair.action_create_sale_order()
            lines = [
                {
                    "order_id": repair.sale_order_id.id,
                    "product_id": work.product_id.id,
                    "name": work.name,
                    "product_uom_qty": 1.0,
                    "price_unit": work.list_price,
                }
                for work in repair.service_work_ids
                if work.product_id
            ]
            if lines:
                repair.env["sale.order.line"].create(lines)

    def action_sc_deliver(self):
        """Hand the device back to its owner."""
        self._sc_check_group(
            "repair_service_center.group_sc_receptionist",
            self.env._("hand a device over"),
        )
        customer_location = self.env.ref("stock.stock_location_customers")
        self._sc_check_transition("delivered")
        for repair in self:
            if repair.device_location_id:
                repair._sc_move_device(repair.device_location_id, customer_location)
        self._sc_set_stage("delivered")
        return True

    def action_sc_cancel(self):
        """Cancel the repair; a device in the house waits on "To Return"."""
        self._sc_check_group(
            "repair_service_center.group_sc_receptionist", self.env._("cancel a repair")
        )
        self._sc_check_transition("cancelled")
        for repair in self:
            source = repair.device_location_id
            shelf = repair.branch_id.sc_to_return_location_id
            if source and shelf:
                repair._sc_move_device(source, shelf)
        self.filtered(
            lambda r: r.state != "cancel"
        )._sc_machine().action_repair_cancel()
        self._sc_set_stage("cancelled")
        return True

    def action_sc_return_device(self):
        """Hand the device of a cancelled repair back to its owner."""
        self._sc_check_group(
            "repair_service_center.group_sc_receptionist",
            self.env._("hand a device over"),
        )
        customer_location = self.env.ref("stock.stock_location_customers")
        for repair in self:
            if repair.service_stage != "cancelled" or not repair.device_to_return:
                raise UserError(
                    self.env._(
                        "Repair %(ref)s has no device waiting to be returned: "
                        "only the device of a cancelled repair that is still in "
                        "the house is handed back this way.",
                        ref=repair.name,
                    )
                )
            repair._sc_move_device(repair.device_location_id, customer_location)
            repair._sc_machine().write(
                {
                    "returned_date": fields.Datetime.now(),
                    "returned_user_id": self.env.uid,
                }
            )
            repair.message_post(
                body=self.env._(
                    "Device %(serial)s returned to %(client)s without repair.",
                    serial=repair.lot_id.name,
                    client=repair.partner_id.name,
                )
            )
        return True

    # ------------------------------------------------------------------
    # Engineers' workload and deadlines
    # ------------------------------------------------------------------
    def _sc_engineer_queue_hours(self, engineers):
        """Estimated hours of the open repairs of each engineer (one query)."""
        # sudo: an engineer's queue spans every branch they work in, including
        # branches the manager planning the deadline may not read.
        groups = (
            self.env["repair.order"]
            .sudo()
            ._read_group(
                [
                    ("engineer_id", "in", engineers.ids),
                    ("service_stage", "in", OPEN_STAGES),
                    ("id", "not in", self.ids),
                ],
                ["engineer_id"],
                ["estimated_hours:sum"],
            )
        )
        return {engineer: hours for engineer, hours in groups}

    @api.model
    def _sc_plan_deadline(self, engineer, hours, queue_hours, calendar, start=None):
        """End of the working day on which ``engineer`` finishes.

        The engineer works ``sc_daily_capacity`` hours on each working day of
        ``calendar`` from ``start`` on (public holidays and leaves of the
        calendar excluded); their queue comes first.
        """
        capacity = engineer.sc_daily_capacity
        if float_compare(capacity, 0.0, precision_digits=2) <= 0:
            raise UserError(
                self.env._(
                    "Engineer %(name)s has no daily capacity: set it in the "
                    "engineer's settings before assigning repairs.",
                    name=engineer.name,
                )
            )
        start = start or fields.Datetime.now()
        days_needed = max(math.ceil(round((queue_hours + hours) / capacity, 6)), 1)
        if not calendar:
            day = start.date() + timedelta(days=days_needed - 1)
            local = datetime.combine(day, time(18))
            return self._sc_local_to_utc(local, calendar)
        # plan_days ends at the first work period of the last day; the
        # deadline is the end of that day's last period.
        last_day = calendar.plan_days(days_needed, start, compute_leaves=True)
        if not last_day:
            raise UserError(
                self.env._(
                    "The working hours %(calendar)s have no working day ahead: "
                    "check the branch's calendar.",
                    calendar=calendar.name,
                )
            )
        tz = pytz.timezone(calendar.tz or "UTC")
        local_day = pytz.utc.localize(last_day).astimezone(tz).date()
        day_start = tz.localize(datetime.combine(local_day, time()))
        periods = calendar._work_intervals_batch(
            day_start, day_start + timedelta(days=1)
        )[False]
        day_end = max((stop for _start, stop, _meta in periods), default=None)
        if day_end is None:
            return last_day
        return day_end.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _sc_local_to_utc(self, local_dt, calendar):
        tz = pytz.timezone((calendar and calendar.tz) or self.env.user.tz or "UTC")
        return tz.localize(local_dt).astimezone(pytz.utc).replace(tzinfo=None)

    def _sc_proposed_deadline(self):
        self.ensure_one()
        if not self.engineer_id:
            return False
        queue = self._sc_engineer_queue_hours(self.engineer_id)
        calendar = self.branch_id.sc_calendar_id or self.company_id.resource_calendar_id
        return self._sc_plan_deadline(
            self.engineer_id,
            self.estimated_hours,
            queue.get(self.engineer_id, 0.0),
            calendar,
        )

    def _sc_apply_proposed_deadline(self):
        """First deadline of a repair, planned from its engineer's workload."""
        for repair in self:
            repair._sc_write_deadline(
                repair._sc_proposed_deadline(),
                self.env._(
                    "Proposed from the workload of %(engineer)s.",
                    engineer=repair.engineer_id.name,
                ),
            )

    def _sc_write_deadline(self, deadline, reason):
        """Write the deadline and its audit row (the machine's own write)."""
        deadline = fields.Datetime.to_datetime(deadline) or False
        logs = [
            {
                "repair_id": repair.id,
                "user_id": self.env.uid,
                "old_deadline": repair.date_deadline,
                "new_deadline": deadline,
                "reason": reason,
            }
            for repair in self
            if repair.date_deadline != deadline
        ]
        if not logs:
            return
        # sudo: the log is an audit trail that users cannot write; rows come
        # from here only.
        self.env["repair.deadline.log"].sudo().create(logs)
        self._sc_machine().write(
            {
                "date_deadline": deadline,
                "schedule_date": deadline or fields.Datetime.now(),
            }
        )

    def _sc_check_deadline_not_past(self, deadline):
        if deadline and deadline < fields.Datetime.now():
            _logger.info("Refused past deadline %s on %s", deadline, self.ids)
            raise UserError(
                self.env._(
                    "The deadline %(deadline)s is in the past.",
                    deadline=fields.Datetime.to_string(deadline),
                )
            )

    def _sc_set_first_deadline(self, deadline):
        """A deadline typed on a repair that has none yet: a manager's act."""
        self._sc_check_group(
            "repair_service_center.group_sc_manager", self.env._("set a deadline")
        )
        deadline = fields.Datetime.to_datetime(deadline)
        self._sc_check_deadline_not_past(deadline)
        self._sc_write_deadline(deadline, self.env._("Deadline set."))

    def action_sc_set_deadline(self, deadline, reason):
        """Set or change (or clear, with ``deadline`` False) the deadline.

        A manager's act with a reason, logged in the deadline log; used by
        the “Change Deadline” wizard and callable by integrations.
        """
        self._sc_check_group(
            "repair_service_center.group_sc_manager", self.env._("change a deadline")
        )
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(self.env._("Give the reason for the new deadline."))
        deadline = fields.Datetime.to_datetime(deadline) if deadline else False
        self._sc_check_deadline_not_past(deadline)
        closed = self.filtered(lambda r: r.service_stage in ("delivered", "cancelled"))
        if closed:
            raise UserError(
                self.env._(
                    "Repair %(ref)s is closed: its deadline no longer changes.",
                    ref=closed[0].name,
                )
            )
        self._sc_write_deadline(deadline, reason)
        return True

    def action_sc_correct_serial(self, new_serial, reason):
        """Fix a typo in the serial of a received device (a manager's act)."""
        self.ensure_one()
        self._sc_check_group(
            "repair_service_center.group_sc_manager",
            self.env._("correct a serial number"),
        )
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(self.env._("Give the reason for the correction."))
        new_serial = (new_serial or "").strip() if isinstance(new_serial, str) else ""
        self._sc_check_serial(new_serial)
        if self.service_stage == "new":
            raise UserError(
                self.env._(
                    "Repair %(ref)s is not received yet: edit its serial number "
                    "on the form.",
                    ref=self.name,
                )
            )
        old_serial = self.lot_id.name
        if new_serial == old_serial:
            raise UserError(
                self.env._(
                    "The serial number is already %(serial)s.", serial=old_serial
                )
            )
        # sudo: serial records and repairs of every branch must be checked for
        # a clash; only their references are shown.
        clash = (
            self.env["stock.lot"]
            .sudo()
            .search_count(
                [
                    ("product_id", "=", self.product_id.id),
                    ("name", "=", new_serial),
                    ("company_id", "in", [self.company_id.id, False]),
                ]
            )
        )
        # sudo: other branches' repairs sharing the serial must be seen too.
        sharing = self.sudo().search(
            [("lot_id", "=", self.lot_id.id), ("id", "!=", self.id)], limit=1
        )
        if clash or sharing:
            raise UserError(
                self.env._(
                    "%(serial)s cannot be corrected into %(new)s: the device is "
                    "known from other repairs or the new serial already exists. "
                    "This is not a typo to correct here.",
                    serial=old_serial,
                    new=new_serial,
                )
            )
        self.lot_id.name = new_serial
        self._sc_machine().write({"serial_number": new_serial})
        self.message_post(
            body=self.env._(
                "Serial number corrected from %(old)s to %(new)s by %(user)s: "
                "%(reason)s",
                old=old_serial,
                new=new_serial,
                user=self.env.user.name,
                reason=reason,
            )
        )
        return True

    def action_sc_open_serial_correction(self):
        """The form of ``action_sc_correct_serial`` (the button of managers)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct Serial Number"),
            "res_model": "repair.serial.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_repair_id": self.id},
        }

    def action_sc_change_deadline(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Deadline"),
            "res_model": "repair.deadline.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_repair_id": self.id},
        }

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def action_sc_device_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_service_center.repair_order_sc_action"
        )
        action.update(
            {
                "name": self.env._("Device History"),
                "domain": [("lot_id", "=", self.lot_id.id), ("id", "!=", self.id)],
                "context": {"create": False},
            }
        )
        return action

    def action_sc_view_parts_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.parts_picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    def _sc_branch_address(self):
        """The branch's address on one line, for receipts."""
        self.ensure_one()
        lines = self.branch_id.partner_id._display_address(without_company=True)
        return ", ".join(
            line.strip(" ,") for line in lines.split("\n") if line.strip(" ,")
        )

    def _sc_barcode_svg(self, **options):
        """The order number as an inline SVG barcode for receipts and labels."""
        self.ensure_one()
        return code128_svg(self.name, **options)

    def action_sc_print_receipt(self):
        return self.env.ref(
            "repair_service_center.action_report_repair_receipt"
        ).report_action(self)

    def action_sc_print_label(self):
        return self.env.ref(
            "repair_service_center.action_report_repair_label"
        ).report_action(self)

    @api.constrains("engineer_id", "branch_id")
    def _check_engineer_branch(self):
        for repair in self.filtered("engineer_id"):
            if (
                repair.branch_id
                and repair.branch_id not in repair.engineer_id.sc_branch_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(engineer)s does not work in branch %(branch)s.",
                        engineer=repair.engineer_id.name,
                        branch=repair.branch_id.name,
                    )
                )

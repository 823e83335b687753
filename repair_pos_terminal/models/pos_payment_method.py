import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from ..tools.terminal_bridge import TerminalBridge, TerminalBridgeError
from .repair_order import RPT_WRITE_KEY, RPT_WRITE_TOKEN

_logger = logging.getLogger(__name__)

PROXY_OPERATIONS = ("prepare", "sale", "status", "cancel")


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    def _get_payment_terminal_selection(self):
        return super()._get_payment_terminal_selection() + [
            ("repair_bridge", "Card terminal (HTTP bridge)")
        ]

    rpt_terminal_url = fields.Char(
        string="Terminal Bridge URL",
        help="Base URL of the HTTP bridge on the till's computer, e.g. "
        "http://127.0.0.1:8899",
        copy=False,
        groups="base.group_erp_manager",
    )
    rpt_terminal_secret = fields.Char(
        string="Terminal Bridge Secret",
        help="Sent as a bearer token to the bridge.",
        copy=False,
        groups="base.group_erp_manager",
    )
    rpt_terminal_identifier = fields.Char(
        string="Terminal ID",
        help="The terminal's own identifier (TID) printed on its slips.",
        copy=False,
        groups="base.group_erp_manager",
    )
    rpt_timeout = fields.Integer(
        string="Terminal Timeout (s)",
        default=60,
        help="How long the server waits for the terminal's answer to a sale "
        "(the client needs time to present the card).",
    )
    rpt_is_prepayment = fields.Boolean(
        string="Repair Prepayments",
        readonly=True,
        help="Technical: the customer-account method by which a till order "
        "counts the repair's prepayment (posted at intake).",
    )
    rpt_transaction_ids = fields.One2many(
        "repair.pos.transaction",
        "payment_method_id",
        string="Terminal Transactions",
        readonly=True,
    )
    rpt_settlement_ids = fields.One2many(
        "repair.pos.settlement",
        "payment_method_id",
        string="Terminal Settlements",
        readonly=True,
    )

    @api.constrains("use_payment_terminal", "rpt_timeout")
    def _check_rpt_timeout(self):
        for method in self.filtered(
            lambda m: m.use_payment_terminal == "repair_bridge"
        ):
            if not 1 <= method.rpt_timeout <= 300:
                raise ValidationError(
                    self.env._("The terminal timeout must be 1 to 300 seconds.")
                )

    def _rpt_refuse_prepayment_flag(self, vals):
        # The flag exempts a method from the till's own check of its payment
        # methods: set by _rpt_prepayment_method only.
        if (
            "rpt_is_prepayment" in vals
            and self.env.context.get(RPT_WRITE_KEY) is not RPT_WRITE_TOKEN
        ):
            _logger.info(
                "Refused rpt_is_prepayment on payment methods %s by uid %s",
                self.ids,
                self.env.uid,
            )
            raise UserError(
                self.env._(
                    "The repair prepayment method is made by the service center itself."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._rpt_refuse_prepayment_flag(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._rpt_refuse_prepayment_flag(vals)
        return super().write(vals)

    def _rpt_bridge(self):
        self.ensure_one()
        # sudo: the bridge URL and secret are admin-only fields; the server
        # uses them on behalf of the cashier, they never reach the till.
        method = self.sudo()
        if (
            method.use_payment_terminal != "repair_bridge"
            or not method.rpt_terminal_url
        ):
            raise UserError(
                self.env._(
                    "%(method)s is not connected to a card terminal.",
                    method=self.name,
                )
            )
        try:
            return TerminalBridge(
                method.rpt_terminal_url,
                secret=method.rpt_terminal_secret,
                timeout=method.rpt_timeout or 60,
            )
        except TerminalBridgeError as error:
            raise UserError(str(error)) from error

    # ------------------------------------------------------------------
    # Proxy called by the till
    # ------------------------------------------------------------------
    def _rpt_check_user(self, session):
        """The caller must be a POS user of the till's branch, session open."""
        self.ensure_one()
        user = self.env.user
        if not user.has_group("point_of_sale.group_pos_user"):
            _logger.warning("Terminal proxy refused to %s: no POS rights", user.login)
            raise AccessError(
                self.env._("Only a Point of Sale user can take card payments.")
            )
        session = session.exists()
        if (
            not session
            or session.state != "opened"
            or self not in session.config_id.payment_method_ids
        ):
            raise UserError(
                self.env._(
                    "The till's session is not open or does not accept %(method)s.",
                    method=self.name,
                )
            )
        branch = session.config_id.picking_type_id.warehouse_id
        if not user.has_group("repair_service_center.group_sc_admin") and (
            branch not in user.sc_branch_ids
        ):
            _logger.warning(
                "Terminal proxy refused to %s: till of branch %s",
                user.login,
                branch.name,
            )
            raise AccessError(
                self.env._(
                    "You do not work in branch %(branch)s: you cannot take "
                    "payments at its till.",
                    branch=branch.name or "-",
                )
            )
        return branch

    def _rpt_check_repair(self, repair, branch):
        repair.check_access("read")
        if repair.branch_id != branch:
            raise UserError(
                self.env._(
                    "Repair %(ref)s belongs to branch %(branch)s, not to this till's.",
                    ref=repair.name,
                    branch=repair.branch_id.name,
                )
            )
        if repair.service_stage != "ready":
            raise UserError(
                self.env._(
                    "Repair %(ref)s is not ready (it is “%(stage)s”).",
                    ref=repair.name,
                    stage=repair._sc_stage_label(repair.service_stage),
                )
            )
        if repair.rpt_is_paid or (
            repair.sale_order_id.amount_total > 0 and repair._rpt_amount_to_pay() <= 0
        ):
            raise UserError(
                self.env._("Repair %(ref)s is already paid.", ref=repair.name)
            )
        if repair.rpt_open_transaction_ids:
            raise UserError(
                self.env._(
                    "A card payment of repair %(ref)s is still waiting for the "
                    "terminal.",
                    ref=repair.name,
                )
            )
        sale_order = repair.sale_order_id
        if (
            not sale_order
            or float_compare(
                sale_order.amount_total,
                0.0,
                precision_rounding=sale_order.currency_id.rounding,
            )
            <= 0
        ):
            raise UserError(
                self.env._("Repair %(ref)s has nothing to pay.", ref=repair.name)
            )

    def rpt_terminal_request(self, operation, data):
        """Proxy of the till to its card terminal.

        ``operation`` is ``prepare`` (``data``: ``session_id``, ``repair_id``
        or the ``sale_order_id`` the till settles, optional ``order_uuid``:
        records the transaction before the terminal is asked, so a crash
        leaves a row to recover), ``sale`` (the same data, or the
        ``ecr_txn_id`` of a prepared transaction), ``status`` or ``cancel``
        (``session_id``, ``ecr_txn_id``). Only these keys are
        read; the answer is the transaction's state and the terminal's data.
        """
        self.ensure_one()
        if operation not in PROXY_OPERATIONS or not isinstance(data, dict):
            raise UserError(self.env._("Unknown terminal operation."))
        Transaction = self.env["repair.pos.transaction"]
        session = self.env["pos.session"].browse(int(data.get("session_id") or 0))
        branch = self._rpt_check_user(session)
        ecr_txn_id = Transaction._rpt_check_ecr_txn_id(data.get("ecr_txn_id"))
        existing = ecr_txn_id and Transaction.search(
            [("name", "=", ecr_txn_id), ("session_id", "=", session.id)]
        )
        if operation in ("prepare", "sale") and not existing:
            repair = self._rpt_repair_from(data)
            if not repair:
                raise UserError(self.env._("This repair does not exist."))
            self._rpt_check_repair(repair, branch)
            txn = self._rpt_create_transaction(session, repair, ecr_txn_id, data)
            if operation == "prepare":
                return txn._rpt_result()
            return txn._rpt_send()._rpt_result()
        if operation == "prepare":
            return existing._rpt_result()
        if operation == "sale":
            if existing.state == "draft":
                # Prepared, or sent without an answer that survived: the
                # terminal answers a replayed ecr_txn_id with its first answer.
                return existing._rpt_send()._rpt_result()
            return existing._rpt_poll()._rpt_result()
        txn = Transaction.search(
            [("name", "=", ecr_txn_id or ""), ("session_id", "=", session.id)]
        )
        if not txn:
            raise UserError(self.env._("This terminal transaction does not exist."))
        if operation == "status":
            return txn._rpt_poll()._rpt_result()
        return txn._rpt_cancel()._rpt_result()

    def _rpt_repair_from(self, data):
        """The repair paid: given, or found from the sale order the till settles."""
        Repair = self.env["repair.order"]
        if data.get("repair_id"):
            return Repair.browse(int(data["repair_id"])).exists()
        if data.get("sale_order_id"):
            return Repair.search(
                [("sale_order_id", "=", int(data["sale_order_id"]))], limit=1
            )
        return Repair

    def _rpt_create_transaction(
        self, session, repair, ecr_txn_id, data, kind="sale", amount=None
    ):
        Transaction = self.env["repair.pos.transaction"]
        order_uuid = data.get("order_uuid")
        if order_uuid and not isinstance(order_uuid, str):
            order_uuid = False
        if amount is None:
            # The price less the prepayments (and anything else that paid it).
            amount = repair._rpt_amount_to_pay()
        # sudo: see repair.pos.transaction._rpt_write (audit trail).
        txn = Transaction.sudo().create(
            {
                "name": ecr_txn_id or Transaction._rpt_new_ecr_txn_id(),
                "kind": kind,
                "payment_method_id": self.id,
                "session_id": session.id,
                "branch_id": repair.branch_id.id,
                "repair_id": repair.id,
                "company_id": repair.company_id.id,
                "currency_id": repair.currency_id.id,
                "amount": amount,
                "user_id": self.env.uid,
                "order_uuid": (order_uuid or "")[:64] or False,
            }
        )
        return txn.with_env(self.env)

    # ------------------------------------------------------------------
    # Daily settlement
    # ------------------------------------------------------------------
    def action_rpt_settlement(self):
        """Close the terminal's batch and match it with what was posted."""
        self.ensure_one()
        if not self.env.user.has_group("point_of_sale.group_pos_manager"):
            raise AccessError(
                self.env._("Only a Point of Sale administrator can settle a terminal.")
            )
        try:
            answer = self._rpt_bridge().settlement()
        except TerminalBridgeError as error:
            raise UserError(
                self.env._("The terminal could not settle: %(error)s", error=str(error))
            ) from error
        settlement = self.env["repair.pos.settlement"]._rpt_create_from(self, answer)
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.pos.settlement",
            "res_id": settlement.id,
            "view_mode": "form",
        }

    def _rpt_branch_session(self, branch):
        """An open session of a till of ``branch`` using this method, if any."""
        # sudo: the receptionist taking a prepayment is not a POS user.
        return (
            self.env["pos.session"]
            .sudo()
            .search(
                [
                    ("state", "=", "opened"),
                    ("config_id.picking_type_id.warehouse_id", "=", branch.id),
                    ("config_id.payment_method_ids", "in", self.ids),
                ],
                limit=1,
            )
        )

    @api.model
    def _rpt_prepayment_method(self, company):
        """The company's customer-account method counting repair prepayments.

        Not offered at any till: a till order uses it for the prepaid part of
        a repair, so that the invoice is reconciled with the prepayment.
        """
        # sudo: created on first use by the till flow, whoever posts.
        Method = self.sudo().with_context(active_test=False)
        method = Method.search(
            [("rpt_is_prepayment", "=", True), ("company_id", "=", company.id)],
            limit=1,
        )
        if not method:
            method = (
                Method.with_company(company)
                .with_context(**{RPT_WRITE_KEY: RPT_WRITE_TOKEN})
                .create(
                    {
                        "name": self.env._("Repair prepayment"),
                        "journal_id": False,
                        "split_transactions": True,
                        "rpt_is_prepayment": True,
                        "company_id": company.id,
                        # Archived: offered at no till (loaded by the POS anyway).
                        "active": False,
                    }
                )
            )
        return method

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "rpt_timeout",
            "rpt_is_prepayment",
        ]

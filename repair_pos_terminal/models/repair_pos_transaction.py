import logging
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..tools.terminal_bridge import (
    TerminalBridgeError,
    TerminalBridgeTimeout,
    valid_ecr_txn_id,
)

_logger = logging.getLogger(__name__)

# Outcome not known yet: the recovery job asks the terminal about these.
OPEN_STATES = ("draft", "pending", "timeout")


class RepairPosTransaction(models.Model):
    """One card-terminal transaction of a repair paid at the till.

    The row exists before the terminal is asked, so a crash between the
    terminal's approval and the posting leaves a trace the recovery job
    resolves. ``name`` is the ``ecr_txn_id`` sent to the terminal: the
    terminal and this table are both idempotent on it.
    """

    _name = "repair.pos.transaction"
    _description = "Card Terminal Transaction"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="ECR Transaction", required=True, readonly=True, index=True, copy=False
    )
    kind = fields.Selection(
        [("sale", "Sale"), ("refund", "Refund"), ("prepayment", "Prepayment")],
        required=True,
        default="sale",
        readonly=True,
    )
    state = fields.Selection(
        [
            ("draft", "Sent, No Answer Yet"),
            ("pending", "Waiting for the Card"),
            ("timeout", "Timed Out"),
            ("posted", "Approved and Posted"),
            ("declined", "Declined"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
            ("refunded", "Refunded"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    payment_method_id = fields.Many2one(
        "pos.payment.method", required=True, readonly=True, index=True
    )
    session_id = fields.Many2one("pos.session", readonly=True, index=True)
    config_id = fields.Many2one(related="session_id.config_id")
    branch_id = fields.Many2one(
        "stock.warehouse", readonly=True, index=True, check_company=True
    )
    repair_id = fields.Many2one(
        "repair.order", readonly=True, index=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(readonly=True, help="Negative for a refund.")
    user_id = fields.Many2one("res.users", string="Cashier", readonly=True)
    order_uuid = fields.Char(
        string="Till Order UUID",
        readonly=True,
        help="Technical: uuid of the till's order, if any.",
    )
    refund_of_id = fields.Many2one(
        "repair.pos.transaction", string="Refunded Payment", readonly=True, index=True
    )
    # What the terminal said (allow-listed; the card number only masked).
    response_code = fields.Char(readonly=True)
    rrn = fields.Char(string="RRN", readonly=True, index=True)
    auth_code = fields.Char(string="Authorization Code", readonly=True)
    masked_pan = fields.Char(string="Card", readonly=True)
    card_brand = fields.Char(readonly=True)
    terminal_id = fields.Char(readonly=True)
    slip = fields.Text(readonly=True)
    message = fields.Char(readonly=True, help="Last problem met with the terminal.")
    date_done = fields.Datetime(string="Posted On", readonly=True)
    # What was posted.
    pos_order_id = fields.Many2one("pos.order", readonly=True, index=True)
    invoice_id = fields.Many2one(related="pos_order_id.account_move")
    payment_move_id = fields.Many2one(
        "account.move", string="Payment Entry", readonly=True
    )
    prepayment_id = fields.Many2one(
        "account.payment", readonly=True, index="btree_not_null"
    )
    settlement_id = fields.Many2one("repair.pos.settlement", readonly=True, index=True)

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A terminal transaction is recorded once."),
        (
            "pos_order_unique",
            "UNIQUE(pos_order_id)",
            "A till order is posted for one terminal transaction only.",
        ),
        (
            "rrn_unique",
            "UNIQUE(payment_method_id, kind, rrn)",
            "The terminal's approval (RRN) is posted once.",
        ),
    ]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _rpt_new_ecr_txn_id(self):
        return uuid.uuid4().hex

    def _rpt_amount_minor(self, amount=None):
        self.ensure_one()
        amount = self.amount if amount is None else amount
        digits = self.currency_id.decimal_places
        return int(float_round(abs(amount) * 10**digits, precision_digits=0))

    def _rpt_currency_code(self):
        return str(self.currency_id.iso_numeric or 643).zfill(3)

    def _rpt_lock(self):
        """Serialise concurrent answers about the same transactions.

        The till's poll, a repeated callback and the recovery job may apply
        the same approval at once: the row lock makes the second one see the
        first one's result (and then do nothing).
        """
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM repair_pos_transaction WHERE id IN %s FOR UPDATE",
                [tuple(self.ids)],
            )
            self.invalidate_recordset()

    def _rpt_move_line_vals(self):
        """The terminal's data written on the journal items of the payment."""
        self.ensure_one()
        return {
            "rpt_rrn": self.rrn,
            "rpt_auth_code": self.auth_code,
            "rpt_masked_pan": self.masked_pan,
            "rpt_terminal_id": self.terminal_id,
        }

    def _rpt_result(self):
        self.ensure_one()
        return {
            "ecr_txn_id": self.name,
            "state": self.state,
            "amount": self.amount,
            "response_code": self.response_code or "",
            "rrn": self.rrn or "",
            "auth_code": self.auth_code or "",
            "masked_pan": self.masked_pan or "",
            "card_brand": self.card_brand or "",
            "terminal_id": self.terminal_id or "",
            "message": self.message or "",
            "pos_order_id": self.pos_order_id.id,
            "invoice_name": self.invoice_id.name or "",
        }

    # ------------------------------------------------------------------
    # Talking to the terminal
    # ------------------------------------------------------------------
    def _rpt_send(self):
        """Ask the terminal to charge the card and act on its answer."""
        self.ensure_one()
        bridge = self.payment_method_id._rpt_bridge()
        try:
            answer = bridge.sale(
                self._rpt_amount_minor(),
                self.name,
                order_ref=self.repair_id.name or "",
                currency=self._rpt_currency_code(),
            )
        except TerminalBridgeTimeout:
            self._rpt_write({"state": "timeout", "message": self._rpt_msg_timeout()})
            return self
        except TerminalBridgeError as error:
            self._rpt_write({"state": "timeout", "message": str(error)[:200]})
            return self
        return self._rpt_apply(answer)

    def _rpt_poll(self):
        """Ask the terminal what became of open transactions."""
        for txn in self.filtered(lambda t: t.state in OPEN_STATES):
            bridge = txn.payment_method_id._rpt_bridge()
            try:
                answer = bridge.status(txn.name)
            except TerminalBridgeError as error:
                txn._rpt_write({"message": str(error)[:200]})
                continue
            txn._rpt_apply(answer)
        return self

    def _rpt_cancel(self):
        self.ensure_one()
        if self.state not in OPEN_STATES:
            return self
        bridge = self.payment_method_id._rpt_bridge()
        try:
            answer = bridge.cancel(self.name)
        except TerminalBridgeError as error:
            self._rpt_write({"message": str(error)[:200]})
            return self
        return self._rpt_apply(answer)

    def _rpt_msg_timeout(self):
        return self.env._(
            "The terminal did not answer in time; its answer will be asked again."
        )

    def _rpt_write(self, vals):
        # sudo: transactions are an audit trail written by the terminal flow
        # only; users (cashiers, accountants) read them.
        return self.sudo().write(vals)

    def _rpt_apply(self, answer):
        """Record a terminal answer; post an approval exactly once."""
        self.ensure_one()
        self._rpt_lock()
        if self.state not in OPEN_STATES:
            # Already settled (the same approval reported twice): nothing to do.
            _logger.info(
                "Terminal transaction %s already %s: answer ignored",
                self.name,
                self.state,
            )
            return self
        status = answer["status"]
        vals = {
            "response_code": answer.get("response_code") or False,
            "terminal_id": answer.get("terminal_id") or self.terminal_id,
        }
        if status == "approved":
            if answer.get("amount_minor") not in (None, self._rpt_amount_minor()):
                vals.update(
                    state="failed",
                    message=self.env._(
                        "The terminal approved another amount than asked; "
                        "refund it on the terminal."
                    ),
                )
                _logger.error("Terminal transaction %s: amount mismatch", self.name)
                self._rpt_write(vals)
                return self
            vals.update(
                rrn=answer["rrn"],
                auth_code=answer.get("auth_code") or False,
                masked_pan=answer.get("masked_pan") or False,
                card_brand=answer.get("brand") or False,
                slip="\n".join(answer.get("slip_lines") or []),
                message=False,
            )
            self._rpt_write(vals)
            self._rpt_post()
        elif status == "pending":
            vals["state"] = "pending"
            self._rpt_write(vals)
        elif status == "not_found":
            vals.update(
                state="failed",
                message=self.env._("The terminal has no record of this payment."),
            )
            self._rpt_write(vals)
        else:
            vals.update(
                state="cancelled" if status == "cancelled" else "declined",
                message=self.env._(
                    "The terminal declined the payment (code %(code)s).",
                    code=answer.get("response_code") or "?",
                ),
            )
            self._rpt_write(vals)
        _logger.info("Terminal transaction %s: %s", self.name, self.state)
        return self

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def _rpt_post(self):
        self.ensure_one()
        if self.kind == "refund":
            return self._rpt_post_refund()
        if self.kind == "prepayment":
            return self._rpt_post_prepayment()
        order = self._rpt_create_pos_order()
        payment = order.payment_ids[:1]
        self._rpt_write(
            {
                "state": "posted",
                "pos_order_id": order.id,
                "payment_move_id": payment.account_move_id.id,
                "date_done": fields.Datetime.now(),
            }
        )
        self._rpt_note_on_repair(
            self.env._(
                "Paid %(amount)s by card %(card)s at the till (RRN %(rrn)s, "
                "invoice %(invoice)s).",
                amount=self.currency_id.format(self.amount),
                card=self.masked_pan or "",
                rrn=self.rrn,
                invoice=order.account_move.name,
            )
        )
        return self

    def _rpt_post_prepayment(self):
        payment = self.repair_id._rpt_post_prepayment(
            self.amount, self.payment_method_id.journal_id, transaction=self
        )
        self._rpt_write(
            {
                "state": "posted",
                "prepayment_id": payment.id,
                "payment_move_id": payment.move_id.id,
                "date_done": fields.Datetime.now(),
            }
        )
        return self

    def _rpt_note_on_repair(self, body):
        # sudo: the cashier reads repairs but may not write on them; the note
        # is the terminal flow's own record, authored by the cashier.
        self.repair_id.sudo().message_post(
            body=body, author_id=self.env.user.partner_id.id
        )

    def _rpt_payment_vals(self, amount):
        return {
            "amount": amount,
            "payment_method_id": self.payment_method_id.id,
            "name": fields.Datetime.to_string(fields.Datetime.now()),
            "transaction_id": self.rrn,
            "payment_method_authcode": self.auth_code,
            "card_no": (self.masked_pan or "")[-4:],
            "card_brand": self.card_brand,
            "card_type": "card",
            "payment_ref_no": self.terminal_id,
            "payment_status": "done",
            "ticket": self.slip,
            "rpt_transaction_id": self.id,
        }

    def _rpt_order_vals(self):
        """The till order settling the repair's sale order, as the POS sends it."""
        self.ensure_one()
        sale_order = self.repair_id.sale_order_id
        session = self.session_id
        if session.state != "opened":
            session = session.config_id.current_session_id
        lines = []
        for line in sale_order.order_line.filtered(lambda x: not x.display_type):
            lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "full_product_name": line.name,
                        "qty": line.product_uom_qty,
                        "price_unit": line.price_unit,
                        "discount": line.discount,
                        "tax_ids": [(6, 0, line.tax_id.ids)],
                        "price_subtotal": line.price_subtotal,
                        "price_subtotal_incl": line.price_total,
                        "sale_order_origin_id": sale_order.id,
                        "sale_order_line_id": line.id,
                        "uuid": str(uuid.uuid4()),
                    },
                )
            )
        order_uuid = self.order_uuid or str(uuid.uuid4())
        payments = [(0, 0, self._rpt_payment_vals(self.amount))]
        prepaid = self.currency_id.round(sale_order.amount_total - self.amount)
        if self.currency_id.compare_amounts(prepaid, 0.0) > 0:
            # The prepaid part: counted by the customer-account method, the
            # invoice is then reconciled with the prepayment itself.
            method = self.env["pos.payment.method"]._rpt_prepayment_method(
                self.company_id
            )
            payments.append(
                (
                    0,
                    0,
                    {
                        "amount": prepaid,
                        "payment_method_id": method.id,
                        "name": fields.Datetime.to_string(fields.Datetime.now()),
                        "payment_status": "done",
                    },
                )
            )
        # sudo: is the till's order still a draft? (the cashier's own order)
        if self.order_uuid and self.env["pos.order"].sudo().search_count(
            [("uuid", "=", order_uuid), ("state", "=", "draft")], limit=1
        ):
            # The till saved its draft already: this order replaces its
            # lines and payments (the approval is the truth).
            lines = [(5, 0, 0), *lines]
            payments = [(5, 0, 0), *payments]
        return {
            "uuid": order_uuid,
            "name": self.env._("Repair %(ref)s", ref=self.repair_id.name),
            "session_id": session.id,
            "user_id": self.user_id.id or self.env.uid,
            "partner_id": sale_order.partner_id.id,
            "pricelist_id": session.config_id.pricelist_id.id,
            "fiscal_position_id": sale_order.fiscal_position_id.id,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "sequence_number": 0,
            "lines": lines,
            "payment_ids": payments,
            "amount_paid": sale_order.amount_total,
            "amount_return": 0.0,
            "amount_tax": sale_order.amount_tax,
            "amount_total": sale_order.amount_total,
            "to_invoice": True,
            "last_order_preparation_change": "{}",
        }

    def _rpt_create_pos_order(self):
        """Post through Odoo's invoiced-order path, PDF off the critical path.

        ``sync_from_ui`` with ``to_invoice`` posts the invoice and one payment
        entry per payment, reconciled with it (``_generate_pos_order_invoice``
        → ``_apply_invoice_payments``); ``pos_sale`` confirms and settles the
        repair's sale order. The session closing later only clears the
        receivables, so nothing is posted twice.
        """
        vals = self._rpt_order_vals()
        # sudo: the approval must be posted whoever reports it (the till's
        # cashier, the recovery job); the POS flow itself posts invoices as
        # superuser. Access was checked before the terminal was asked.
        PosOrder = (
            self.env["pos.order"]
            .sudo()
            .with_company(self.company_id)
            .with_context(generate_pdf=False)
        )
        data = PosOrder.sync_from_ui([vals])
        order = PosOrder.browse([row["id"] for row in data["pos.order"]])
        if not order or not order.account_move:
            raise UserError(
                self.env._(
                    "The payment %(ref)s was approved but could not be posted.",
                    ref=self.name,
                )
            )
        self.repair_id._rpt_reconcile_prepayments(order.account_move)
        return order

    def _rpt_post_refund(self):
        original = self.refund_of_id
        # sudo: same reason as the sale's posting; the refund right was
        # checked by the caller (POS manager).
        order = original.pos_order_id.sudo().with_context(generate_pdf=False)
        refund = order._refund()
        refund.add_payment(
            dict(self._rpt_payment_vals(self.amount), pos_order_id=refund.id)
        )
        for prepaid in order.payment_ids.filtered(
            "payment_method_id.rpt_is_prepayment"
        ):
            # The prepaid part is not paid back: it is given back to the
            # prepayment (below), for the repair's next payment.
            refund.add_payment(
                {
                    "pos_order_id": refund.id,
                    "amount": -prepaid.amount,
                    "payment_method_id": prepaid.payment_method_id.id,
                    "name": fields.Datetime.to_string(fields.Datetime.now()),
                    "payment_status": "done",
                }
            )
        refund.to_invoice = True
        refund.action_pos_order_paid()
        refund._create_order_picking()
        refund._generate_pos_order_invoice()
        self._rpt_release_prepayments(order.account_move, refund.account_move)
        self._rpt_write(
            {
                "state": "posted",
                "pos_order_id": refund.id,
                "payment_move_id": refund.payment_ids[:1].account_move_id.id,
                "date_done": fields.Datetime.now(),
            }
        )
        original._rpt_write({"state": "refunded"})
        self._rpt_note_on_repair(
            self.env._(
                "Card payment %(rrn)s refunded: %(amount)s (credit note %(move)s).",
                rrn=original.rrn,
                amount=self.currency_id.format(-self.amount),
                move=refund.account_move.name,
            )
        )
        return self

    def _rpt_release_prepayments(self, invoice, credit_note):
        """Give the prepayments used on ``invoice`` back to the repair.

        The credit note settles the invoice's prepaid part instead, so the
        prepayment is open again (counted at the repair's next payment) and
        both documents end with nothing due.
        """
        # sudo: accounting lines of the repair's prepayments (no accounting rights).
        prepayment_lines = self.repair_id.sudo().rpt_prepayment_ids.move_id.line_ids
        invoice_lines = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        partials = (invoice_lines.matched_credit_ids).filtered(
            lambda p: p.credit_move_id in prepayment_lines
        )
        if not partials:
            return
        # sudo: posted by the refund flow (see _rpt_post_refund).
        partials.sudo().unlink()
        credit_lines = credit_note.line_ids.filtered(
            lambda line: (
                line.account_id in invoice_lines.account_id and not line.reconciled
            )
        )
        (
            invoice_lines.filtered(lambda line: not line.reconciled) | credit_lines
            # sudo: the refund's reconciliation, posted by this flow.
        ).sudo().reconcile()

    # ------------------------------------------------------------------
    # Refund
    # ------------------------------------------------------------------
    def action_rpt_refund(self):
        """Refund a posted card payment on the terminal and reverse it."""
        self.ensure_one()
        if not self.env.user.has_group("point_of_sale.group_pos_manager"):
            raise UserError(
                self.env._("Only a Point of Sale administrator can refund a payment.")
            )
        if self.kind != "sale" or self.state != "posted":
            raise UserError(
                self.env._(
                    "Only an approved and posted card payment can be refunded "
                    "(%(ref)s is “%(state)s”).",
                    ref=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )
        if not self.config_id.current_session_id:
            raise UserError(
                self.env._(
                    "Open a session of %(till)s to refund a payment.",
                    till=self.config_id.display_name,
                )
            )
        # sudo: see _rpt_write (audit trail written by the flow only).
        refund = (
            self.sudo()
            .create(
                {
                    "name": f"{self.name}-R",
                    "kind": "refund",
                    "payment_method_id": self.payment_method_id.id,
                    "session_id": self.config_id.current_session_id.id,
                    "branch_id": self.branch_id.id,
                    "repair_id": self.repair_id.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "amount": -self.amount,
                    "user_id": self.env.uid,
                    "refund_of_id": self.id,
                }
            )
            .with_env(self.env)
        )
        bridge = self.payment_method_id._rpt_bridge()
        try:
            answer = bridge.refund(
                refund._rpt_amount_minor(),
                self.rrn,
                refund.name,
                currency=refund._rpt_currency_code(),
            )
        except TerminalBridgeError as error:
            raise UserError(
                self.env._(
                    "The terminal could not refund the payment: %(error)s",
                    error=str(error),
                )
            ) from error
        refund._rpt_apply(answer)
        if refund.state != "posted":
            raise UserError(
                self.env._(
                    "The terminal refused the refund (code %(code)s).",
                    code=refund.response_code or "?",
                )
            )
        return refund

    # ------------------------------------------------------------------
    # Recovery
    # ------------------------------------------------------------------
    @api.model
    def _cron_rpt_recover(self, min_age_seconds=None, limit=200):
        """Ask the terminals about transactions whose outcome is unknown.

        Run by a scheduled action: covers a browser or server that stopped
        between the terminal's approval and the posting. Approved ones are
        posted once (the row lock and the state check in ``_rpt_apply``).
        """
        if min_age_seconds is None:
            min_age_seconds = int(
                self.env["ir.config_parameter"]
                # sudo: a technical setting of the recovery job.
                .sudo()
                .get_param("repair_pos_terminal.recovery_min_age", 120)
            )
        cutoff = fields.Datetime.now() - timedelta(seconds=min_age_seconds)
        transactions = self.search(
            [("state", "in", OPEN_STATES), ("write_date", "<=", cutoff)],
            limit=limit,
            order="id",
        )
        for txn in transactions:
            try:
                with self.env.cr.savepoint():
                    txn._rpt_poll()
            except UserError as error:
                _logger.error(
                    "Recovery of terminal transaction %s: %s", txn.name, error
                )
        return transactions

    @api.model
    def _rpt_check_ecr_txn_id(self, value):
        if value and not valid_ecr_txn_id(value):
            raise UserError(self.env._("Invalid terminal transaction reference."))
        return value

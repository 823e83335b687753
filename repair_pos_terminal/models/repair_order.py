import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round

_logger = logging.getLogger(__name__)

# Fields written only by this addon's methods (handover check, waiver): the
# methods put this key in the context with the private sentinel below as
# value; the check compares with ``is``, so no RPC caller can forge it.
RPT_WRITE_KEY = "rpt_write"
RPT_WRITE_TOKEN = object()
RPT_PROTECTED_FIELDS = (
    "rpt_handover_condition",
    "rpt_handover_accessories",
    "rpt_handover_result",
    "rpt_handover_remark",
    "rpt_handover_user_id",
    "rpt_handover_date",
    "rpt_payment_waived",
    "rpt_waiver_reason",
    "rpt_waiver_user_id",
    "rpt_waiver_date",
)
# Stages in which a prepayment may be taken (the repair was received and is
# not finished yet: at the end the till charges the remainder).
PREPAYMENT_STAGES = ("received", "diagnosis", "waiting_parts", "in_repair")


class RepairOrder(models.Model):
    _inherit = "repair.order"

    rpt_transaction_ids = fields.One2many(
        "repair.pos.transaction",
        "repair_id",
        string="Card Payments",
        readonly=True,
    )
    rpt_open_transaction_ids = fields.One2many(
        "repair.pos.transaction",
        "repair_id",
        string="Card Payments Awaiting the Terminal",
        domain=[("state", "in", ("draft", "pending", "timeout"))],
        readonly=True,
    )
    rpt_prepayment_ids = fields.One2many(
        "account.payment",
        "rpt_repair_id",
        string="Prepayments",
        readonly=True,
    )
    rpt_prepaid_amount = fields.Monetary(
        string="Prepaid",
        currency_field="currency_id",
        compute="_compute_rpt_paid",
        store=True,
        help="Customer payments taken for the repair before it is ready "
        "(posted at once; the till charges the remainder).",
    )
    rpt_amount_due = fields.Monetary(
        string="Still to Pay",
        currency_field="currency_id",
        compute="_compute_rpt_amount_due",
    )
    rpt_paid_amount = fields.Monetary(
        string="Paid Amount",
        currency_field="currency_id",
        compute="_compute_rpt_paid",
        store=True,
    )
    rpt_is_paid = fields.Boolean(
        string="Paid",
        compute="_compute_rpt_paid",
        store=True,
        index=True,
        help="Paid: the prepayments and the approved, posted and not refunded "
        "terminal payments cover the repair's price.",
    )
    # A manager's explicit waiver lets an unpaid repair be handed over.
    rpt_payment_waived = fields.Boolean(
        string="Payment Waived", readonly=True, copy=False, tracking=True
    )
    rpt_waiver_reason = fields.Char(
        string="Waiver Reason", readonly=True, copy=False, tracking=True
    )
    rpt_waiver_user_id = fields.Many2one(
        "res.users", string="Waived By", readonly=True, copy=False
    )
    rpt_waiver_date = fields.Datetime(string="Waived On", readonly=True, copy=False)
    # Handover check: what the client gets back, beside what was received.
    rpt_handover_condition = fields.Text(
        string="Condition at Handover", readonly=True, copy=False
    )
    rpt_handover_accessories = fields.Char(
        string="Accessories Handed Back", readonly=True, copy=False
    )
    rpt_handover_result = fields.Selection(
        [("accepted", "Accepted by the Client"), ("remark", "Accepted with a Remark")],
        string="Handover Check",
        readonly=True,
        copy=False,
        tracking=True,
    )
    rpt_handover_remark = fields.Text(
        string="Client's Remark", readonly=True, copy=False
    )
    rpt_handover_user_id = fields.Many2one(
        "res.users", string="Checked By", readonly=True, copy=False
    )
    rpt_handover_date = fields.Datetime(string="Checked On", readonly=True, copy=False)

    @api.depends(
        "rpt_transaction_ids.state",
        "rpt_transaction_ids.amount",
        "rpt_transaction_ids.kind",
        "rpt_prepayment_ids.state",
        "rpt_prepayment_ids.amount",
        "sale_order_id.amount_total",
    )
    def _compute_rpt_paid(self):
        for repair in self:
            prepaid = sum(
                repair.rpt_prepayment_ids.filtered(
                    lambda p: p.state in ("in_process", "paid")
                ).mapped("amount")
            )
            paid = prepaid + sum(
                repair.rpt_transaction_ids.filtered(
                    lambda t: t.kind == "sale" and t.state == "posted"
                ).mapped("amount")
            )
            repair.rpt_prepaid_amount = prepaid
            repair.rpt_paid_amount = paid
            total = repair.sale_order_id.amount_total
            repair.rpt_is_paid = bool(
                total and paid and repair.currency_id.compare_amounts(paid, total) >= 0
            )

    @api.depends("rpt_paid_amount", "sale_order_id.amount_total")
    def _compute_rpt_amount_due(self):
        for repair in self:
            due, covered = repair._rpt_payment_position()
            repair.rpt_amount_due = max(due - covered, 0.0)

    def _rpt_payment_position(self):
        """What the repair costs and what covers it, in its currency.

        Covered: what its sale order's posted invoices were paid with (net of
        credit notes), plus the prepayments not yet reconciled with an
        invoice. Whatever paid the invoice (the till, a prepayment, a payment
        registered in Invoicing) counts.
        """
        self.ensure_one()
        # sudo: the receptionist and the cashier read what the repair costs and
        # what paid it; they hold no sales or accounting rights.
        repair = self.sudo()
        sale_order = repair.sale_order_id
        due = sale_order.amount_total if sale_order else 0.0
        covered = 0.0
        # The sale order's own invoices and those of the till orders that
        # settled it (pos_sale links the lines, not the invoices).
        till_lines = sale_order.pos_order_line_ids
        till_lines |= till_lines.refund_orderline_ids
        invoices = sale_order.invoice_ids | till_lines.order_id.account_move
        for move in invoices.filtered(lambda m: m.state == "posted"):
            settled = move.amount_total - move.amount_residual
            covered += -settled if move.move_type == "out_refund" else settled
        covered += repair._rpt_open_prepaid()
        return due, covered

    def _rpt_open_prepaid(self):
        """Prepaid and not yet used on an invoice."""
        return -sum(self._rpt_open_prepayment_lines().mapped("amount_residual"))

    def _rpt_open_prepayment_lines(self):
        # sudo: see _rpt_payment_position.
        payments = self.sudo().rpt_prepayment_ids.filtered(
            lambda p: p.state in ("in_process", "paid")
        )
        return payments.move_id.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and line.parent_state == "posted"
                and not line.reconciled
            )
        )

    def _rpt_amount_to_pay(self):
        """What the till still charges: the price less what covers it."""
        self.ensure_one()
        due, covered = self._rpt_payment_position()
        return self.currency_id.round(max(due - covered, 0.0))

    def _rpt_handover_paid(self):
        self.ensure_one()
        if self.rpt_payment_waived or self.rpt_is_paid:
            return True
        due, covered = self._rpt_payment_position()
        currency = self.currency_id
        return currency.compare_amounts(due, 0.0) <= 0 or (
            currency.compare_amounts(covered, due) >= 0
        )

    # ------------------------------------------------------------------
    # Protected fields
    # ------------------------------------------------------------------
    def _rpt_writer(self):
        return self.with_context(**{RPT_WRITE_KEY: RPT_WRITE_TOKEN})

    def _rpt_refuse_protected(self, vals):
        if self.env.context.get(RPT_WRITE_KEY) is RPT_WRITE_TOKEN:
            return
        self._sc_refuse_written(
            vals,
            RPT_PROTECTED_FIELDS,
            self.env._(
                "%(fields)s are recorded by the handover check and the "
                "manager's payment waiver only."
            ),
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._rpt_refuse_protected(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._rpt_refuse_protected(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Handover requires paid (this addon's rule)
    # ------------------------------------------------------------------
    def _sc_check_transition(self, new_stage):
        res = super()._sc_check_transition(new_stage)
        if new_stage == "delivered":
            self.filtered(
                lambda r: r.service_stage != "delivered"
            )._rpt_check_paid_for_handover()
        return res

    def _sc_move_device(self, source, destination, extra_move_vals=None):
        if destination.usage == "customer" and self.service_stage != "cancelled":
            self._rpt_check_paid_for_handover()
        return super()._sc_move_device(
            source, destination, extra_move_vals=extra_move_vals
        )

    def _rpt_check_paid_for_handover(self):
        for repair in self:
            if repair._rpt_handover_paid():
                continue
            due = repair._rpt_amount_to_pay()
            _logger.info(
                "Refused handover of unpaid repair %s (%s due) by uid %s",
                repair.name,
                due,
                self.env.uid,
            )
            raise UserError(
                self.env._(
                    "Repair %(ref)s is not paid: %(due)s is still due. Take the "
                    "payment at the till before handing the device over (or a "
                    "manager waives it, giving the reason).",
                    ref=repair.name,
                    due=repair.currency_id.format(due),
                )
            )

    def action_rpt_waive_payment(self, reason):
        """A manager lets unpaid repairs be handed over, giving the reason."""
        self._sc_check_group(
            "repair_service_center.group_sc_manager",
            self.env._("waive a repair's payment"),
        )
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(self.env._("Give the reason for waiving the payment."))
        if len(reason) > 500:
            raise UserError(
                self.env._("The reason is too long: at most 500 characters.")
            )
        self.check_access("write")
        for repair in self:
            if repair.service_stage in ("delivered", "cancelled"):
                raise UserError(
                    self.env._(
                        "Repair %(ref)s is closed: there is no payment to waive.",
                        ref=repair.name,
                    )
                )
        self._rpt_writer().write(
            {
                "rpt_payment_waived": True,
                "rpt_waiver_reason": reason,
                "rpt_waiver_user_id": self.env.uid,
                "rpt_waiver_date": fields.Datetime.now(),
            }
        )
        for repair in self:
            _logger.info(
                "Payment of repair %s waived by uid %s: %s",
                repair.name,
                self.env.uid,
                reason,
            )
            repair.message_post(
                body=self.env._(
                    "Payment waived by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        return True

    # ------------------------------------------------------------------
    # Prepayment at intake
    # ------------------------------------------------------------------
    def _rpt_prepayment_methods(self):
        """Cash and card-terminal methods of the tills of the repair's branch."""
        self.ensure_one()
        # sudo: the receptionist is not a POS user; the tills of the branch
        # are only looked at to offer their cash and terminal.
        configs = (
            self.env["pos.config"]
            .sudo()
            .search(
                [
                    ("picking_type_id.warehouse_id", "=", self.branch_id.id),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )
        return configs.payment_method_ids.filtered(
            lambda m: m.is_cash_count or m.use_payment_terminal == "repair_bridge"
        ).with_env(self.env)

    def rpt_take_prepayment(self, amount, payment_method_id):
        """Take a prepayment (cash, or a card on the branch's terminal).

        Posted at once as a customer payment linked to the repair; the till
        charges only the remainder and reconciles the final invoice with it.
        Returns the state of the payment (for a card, the terminal's answer).
        """
        self.ensure_one()
        self._sc_check_group(
            "repair_service_center.group_sc_receptionist",
            self.env._("take a prepayment"),
        )
        self.check_access("write")
        if self.service_stage not in PREPAYMENT_STAGES:
            raise UserError(
                self.env._(
                    "A prepayment is taken for a received repair that is not "
                    "ready yet (%(ref)s is “%(stage)s”).",
                    ref=self.name,
                    stage=self._sc_stage_label(self.service_stage),
                )
            )
        if (
            not isinstance(amount, (int, float))
            or isinstance(amount, bool)
            or self.currency_id.compare_amounts(amount, 0.0) <= 0
        ):
            raise UserError(self.env._("The prepayment must be a positive amount."))
        amount = float_round(amount, precision_rounding=self.currency_id.rounding)
        limit = self.quoted_price - self.rpt_prepaid_amount
        if self.quoted_price and self.currency_id.compare_amounts(amount, limit) > 0:
            raise UserError(
                self.env._(
                    "The prepayment cannot exceed the quoted price: at most "
                    "%(limit)s more for repair %(ref)s.",
                    limit=self.currency_id.format(max(limit, 0.0)),
                    ref=self.name,
                )
            )
        if self.rpt_open_transaction_ids:
            raise UserError(
                self.env._(
                    "A card payment of repair %(ref)s is still waiting for the "
                    "terminal.",
                    ref=self.name,
                )
            )
        try:
            method = (
                self.env["pos.payment.method"]
                .browse(int(payment_method_id or 0))
                .exists()
            )
        except (TypeError, ValueError):
            method = self.env["pos.payment.method"]
        if not method or method not in self._rpt_prepayment_methods():
            _logger.info(
                "Refused prepayment of %s with method %s by uid %s",
                self.name,
                payment_method_id,
                self.env.uid,
            )
            raise UserError(
                self.env._(
                    "Take the prepayment in cash or on the card terminal of a "
                    "till of branch %(branch)s.",
                    branch=self.branch_id.name,
                )
            )
        # The till counts the prepayment with this method: made before any
        # till loads its payment methods.
        self.env["pos.payment.method"]._rpt_prepayment_method(self.company_id)
        if method.use_payment_terminal == "repair_bridge":
            txn = method._rpt_create_transaction(
                method._rpt_branch_session(self.branch_id),
                self,
                False,
                {},
                kind="prepayment",
                amount=amount,
            )
            return txn._rpt_send()._rpt_result()
        payment = self._rpt_post_prepayment(amount, method.journal_id)
        return {
            "state": "posted",
            "amount": amount,
            "payment_id": payment.id,
            "message": "",
        }

    def _rpt_post_prepayment(self, amount, journal, transaction=None):
        """Post the customer payment of a prepayment and link it to the repair."""
        self.ensure_one()
        memo = self.env._("Prepayment for repair %(ref)s", ref=self.name)
        if transaction:
            memo = self.env._(
                "%(memo)s, card %(card)s, RRN %(rrn)s",
                memo=memo,
                card=transaction.masked_pan or "",
                rrn=transaction.rrn or "",
            )
        # sudo: the receptionist holds no accounting rights; the prepayment is
        # posted by this flow, after the rights checks of the caller.
        payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(self.company_id)
            .with_context(**{RPT_WRITE_KEY: RPT_WRITE_TOKEN})
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "amount": amount,
                    "currency_id": self.currency_id.id,
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "memo": memo,
                    "rpt_repair_id": self.id,
                }
            )
        )
        payment = payment.with_context(**{RPT_WRITE_KEY: None})
        payment.action_post()
        if transaction:
            payment.move_id.line_ids.write(transaction._rpt_move_line_vals())
        # sudo: the chatter line of a flow the caller's rights were checked for.
        self.sudo().message_post(
            body=self.env._(
                "Prepayment of %(amount)s taken (%(journal)s), entry %(move)s.",
                amount=self.currency_id.format(amount),
                journal=journal.name,
                move=payment.move_id.name,
            ),
            author_id=self.env.user.partner_id.id,
        )
        return payment

    def _rpt_reconcile_prepayments(self, invoice):
        """Settle ``invoice`` with the repair's open prepayments."""
        invoice_lines = invoice.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )
        prepayment_lines = self._rpt_open_prepayment_lines().filtered(
            lambda line: line.account_id in invoice_lines.account_id
        )
        if invoice_lines and prepayment_lines:
            # sudo: posted by the till flow (see _rpt_create_pos_order).
            (invoice_lines | prepayment_lines).sudo().reconcile()

    # ------------------------------------------------------------------
    # Till
    # ------------------------------------------------------------------
    @api.model
    def rpt_find_for_till(self, query, config_id):
        """Ready repairs for the till: by receipt barcode, number or phone.

        Returns what the till shows; refusals (not ready, paid, other branch)
        come back as a message so the cashier sees why.
        """
        query = (query or "").strip()
        if not query or len(query) > 64:
            raise UserError(
                self.env._("Scan the receipt or type a repair number or phone.")
            )
        config = self.env["pos.config"].browse(int(config_id or 0)).exists()
        if not config:
            raise UserError(self.env._("Unknown till."))
        branch = config.picking_type_id.warehouse_id
        repairs = self.search([("name", "=ilike", query)], limit=20)
        if not repairs:
            try:
                partners = self.env["res.partner"]._sc_find_by_phone(query)
            except UserError:
                partners = self.env["res.partner"]
            if partners:
                repairs = self.search(
                    [
                        ("partner_id", "child_of", partners.ids),
                        ("service_stage", "=", "ready"),
                    ],
                    limit=20,
                )
        if not repairs:
            raise UserError(self.env._("No repair found for “%(query)s”.", query=query))
        result = []
        for repair in repairs:
            refusal = repair._rpt_till_refusal(branch)
            result.append(
                {
                    "id": repair.id,
                    "name": repair.name,
                    "partner_id": repair.partner_id.id,
                    "partner_name": repair.partner_id.display_name,
                    "device": repair.product_id.display_name,
                    "serial": repair.serial_number or "",
                    "sale_order_id": repair.sale_order_id.id,
                    "amount_total": repair.sale_order_id.amount_total,
                    "prepaid": repair._rpt_open_prepaid(),
                    "amount_to_pay": repair._rpt_amount_to_pay(),
                    "device_condition": repair.device_condition or "",
                    "accessories": repair.accessories or "",
                    "handover_result": repair.rpt_handover_result or "",
                    "refusal": refusal or "",
                }
            )
        return result

    def _rpt_till_refusal(self, branch):
        self.ensure_one()
        if self.branch_id != branch:
            return self.env._(
                "Repair %(ref)s belongs to branch %(branch)s.",
                ref=self.name,
                branch=self.branch_id.name,
            )
        if self.service_stage != "ready":
            return self.env._(
                "Repair %(ref)s is not ready (it is “%(stage)s”).",
                ref=self.name,
                stage=self._sc_stage_label(self.service_stage),
            )
        if self.currency_id.compare_amounts(self.sale_order_id.amount_total, 0.0) <= 0:
            return self.env._("Repair %(ref)s has nothing to pay.", ref=self.name)
        if self.rpt_is_paid or self._rpt_amount_to_pay() <= 0:
            return self.env._("Repair %(ref)s is already paid.", ref=self.name)
        return False

    # ------------------------------------------------------------------
    # Handover check
    # ------------------------------------------------------------------
    def action_rpt_prepayment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Take a Prepayment"),
            "res_model": "repair.prepayment.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_repair_id": self.id},
        }

    def action_rpt_waiver(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive the Payment"),
            "res_model": "repair.payment.waiver.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_repair_id": self.id},
        }

    def action_rpt_handover_check(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Handover Check"),
            "res_model": "repair.handover.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_repair_id": self.id},
        }

    def rpt_record_handover(self, condition, accessories, result, remark=False):
        """Record the client's acceptance (or remark) of the returned device.

        Called by the handover wizard and by the till (receptionist or
        cashier of the repair's branch).
        """
        user = self.env.user
        if not (
            user.has_group("repair_service_center.group_sc_receptionist")
            or user.has_group("repair_service_center.group_sc_cashier")
        ):
            _logger.info("Refused handover check of %s by uid %s", self.ids, user.id)
            raise AccessError(
                self.env._(
                    "Only a receptionist or a cashier can record a handover check."
                )
            )
        self.check_access("read")
        for repair in self:
            if (
                not user.has_group("repair_service_center.group_sc_admin")
                and repair.branch_id not in user.sc_branch_ids
            ):
                raise AccessError(
                    self.env._(
                        "You do not work in branch %(branch)s.",
                        branch=repair.branch_id.name,
                    )
                )
            if repair.service_stage != "ready":
                raise UserError(
                    self.env._(
                        "Repair %(ref)s is not ready: there is nothing to hand over.",
                        ref=repair.name,
                    )
                )
        if result not in ("accepted", "remark"):
            raise UserError(self.env._("Record whether the client accepts the device."))
        texts = (condition, accessories, remark)
        if any(value and not isinstance(value, str) for value in texts) or any(
            len(value or "") > 2000 for value in texts
        ):
            raise UserError(
                self.env._("The handover check's texts are at most 2000 characters.")
            )
        if result == "remark" and not (remark or "").strip():
            raise UserError(self.env._("Write down the client's remark."))
        # sudo: a cashier records the check without write rights on repairs;
        # only these fields, through this method.
        self.sudo()._rpt_writer().write(
            {
                "rpt_handover_condition": condition or False,
                "rpt_handover_accessories": accessories or False,
                "rpt_handover_result": result,
                "rpt_handover_remark": remark if result == "remark" else False,
                "rpt_handover_user_id": self.env.uid,
                "rpt_handover_date": fields.Datetime.now(),
            }
        )
        for repair in self:
            # sudo: the chatter line of the handover check, rights checked above.
            repair.sudo().message_post(
                body=self.env._(
                    "Handover check: %(result)s. Handed back: %(accessories)s. "
                    "%(remark)s",
                    result=dict(
                        self._fields["rpt_handover_result"]._description_selection(
                            self.env
                        )
                    )[result],
                    accessories=accessories or "-",
                    remark=remark if result == "remark" else "",
                ),
                author_id=self.env.user.partner_id.id,
            )
        return True

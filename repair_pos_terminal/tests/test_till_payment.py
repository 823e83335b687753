import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TillCase

FULL_PAN = re.compile(r"\d{13,19}")
BRIDGE_LOGGER = "odoo.addons.repair_pos_terminal.tools.terminal_bridge"
PROXY_LOGGER = "odoo.addons.repair_pos_terminal.models.pos_payment_method"


@tagged("post_install", "-at_install")
class TestTillPayment(TillCase):
    """A ready repair paid at the till: posted at once, exactly once."""

    def _invoices(self, repair):
        return (
            self.env["pos.order"]
            .search([("lines.sale_order_origin_id", "=", repair.sale_order_id.id)])
            .account_move
        )

    def _assert_posted(self, txn, amount):
        self.assertEqual(txn.state, "posted")
        order = txn.pos_order_id
        self.assertEqual(order.state, "invoiced")
        invoice = order.account_move
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.currency_id.name, "RUB")
        self.assertEqual(invoice.company_currency_id.name, "RUB")
        self.assertEqual(invoice.amount_total, amount)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payment_move = txn.payment_move_id
        self.assertEqual(payment_move.state, "posted")
        self.assertEqual(payment_move, order.payment_ids.account_move_id)
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(receivable.reconciled)
        self.assertIn(
            receivable.matched_credit_ids.credit_move_id.move_id, payment_move
        )
        # Card data on every journal item of the payment entry, masked.
        for line in payment_move.line_ids:
            self.assertEqual(line.rpt_rrn, txn.rrn)
            self.assertEqual(line.rpt_auth_code, txn.auth_code)
            self.assertEqual(line.rpt_terminal_id, "00012345")
            self.assertRegex(line.rpt_masked_pan, r"^220220\*{6}\d{4}$")
            self.assertIn(txn.rrn, line.name)
            self.assertFalse(FULL_PAN.search(line.name))
        debit = payment_move.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(debit.debit, amount)
        self.assertEqual(
            debit.account_id, self.env.company.account_default_pos_receivable_account_id
        )
        return order

    def test_approval_posts_invoice_and_payment(self):
        repair = self._ready_repair(2500.0, "SN-PAY-1")
        result = self._pay(repair)
        self.assertEqual(result["state"], "posted", result)
        txn = self._txn(result)
        order = self._assert_posted(txn, 2500.0)
        self.assertEqual(txn.amount, 2500.0)
        self.assertTrue(repair.rpt_is_paid)
        self.assertEqual(repair.rpt_paid_amount, 2500.0)
        # pos_sale settled the repair's sale order.
        self.assertEqual(order.lines.sale_order_origin_id, repair.sale_order_id)
        self.assertEqual(repair.sale_order_id.state, "sale")
        self.assertEqual(self._invoices(repair), order.account_move)
        self.assertEqual(repair.sale_order_id.order_line.mapped("qty_invoiced"), [1.0])
        self.assertFalse(FULL_PAN.search(txn.slip or ""))
        # Paid: a second payment is refused.
        with self.assertRaisesRegex(UserError, "already paid"):
            self._pay(repair)
        # Handing over completes the repair.
        repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")
        # Closing the session posts nothing twice and balances.
        moves_before = self.env["account.move"].search([])
        self.pos_session.close_session_from_ui()
        self.assertEqual(self.pos_session.state, "closed")
        closing = self.pos_session.move_id
        self.assertEqual(closing.state, "posted")
        self.assertEqual(
            sum(closing.line_ids.mapped("debit")),
            sum(closing.line_ids.mapped("credit")),
        )
        income = closing.line_ids.filtered(
            lambda line: line.account_id.account_type == "income"
        )
        self.assertFalse(income, "the sale was posted on the invoice, not again")
        # New at closing: the closing entry and the card money's transfer to
        # the bank journal (Odoo's own); no invoice, no payment entry again.
        new_moves = self.env["account.move"].search([]) - moves_before
        self.assertEqual(new_moves, closing | self.pos_session.bank_payment_ids.move_id)
        self.assertEqual(self.pos_session.bank_payment_ids.amount, 2500.0)
        self.assertEqual(
            self.pos_session.bank_payment_ids.journal_id, self.card_journal
        )
        card_receivable = closing.line_ids.filtered(
            lambda line: (
                line.account_id == self.card_method.receivable_account_id
                or line.account_id
                == self.env.company.account_default_pos_receivable_account_id
            )
        )
        self.assertEqual(sum(card_receivable.mapped("balance")), 0.0)
        self.assertEqual(len(order.account_move), 1)
        self.assertEqual(order.payment_ids.account_move_id, txn.payment_move_id)

    def test_decline_posts_nothing(self):
        repair = self._ready_repair(2500.05, "SN-DECL")
        orders_before = self.env["pos.order"].search_count([])
        result = self._pay(repair)
        self.assertEqual(result["state"], "declined")
        self.assertEqual(result["response_code"], "05")
        self.assertEqual(self.env["pos.order"].search_count([]), orders_before)
        self.assertFalse(self._invoices(repair))
        self.assertFalse(repair.rpt_is_paid)
        # Declined: the cashier may try again (another card).
        self.assertEqual(self._pay(repair)["state"], "declined")

    def test_timeout_then_status(self):
        repair = self._ready_repair(2500.08, "SN-SLOW")
        with self.assertLogs(BRIDGE_LOGGER, "WARNING"):
            result = self._pay(repair)
        self.assertEqual(result["state"], "timeout")
        self.assertFalse(self._invoices(repair))
        self.assertFalse(repair.rpt_is_paid)
        # While the outcome is unknown, a second payment is refused.
        with self.assertRaisesRegex(UserError, "still waiting"):
            self._pay(repair)
        status = self.card_method.with_user(self.cashier).rpt_terminal_request(
            "status",
            {"session_id": self.pos_session.id, "ecr_txn_id": result["ecr_txn_id"]},
        )
        self.assertEqual(status["state"], "posted")
        self._assert_posted(self._txn(result), 2500.08)
        self.assertTrue(repair.rpt_is_paid)

    def test_late_approval_and_cancel(self):
        repair = self._ready_repair(1200.09, "SN-LATE")
        result = self._pay(repair)
        self.assertEqual(result["state"], "pending")
        status = self.card_method.with_user(self.cashier).rpt_terminal_request(
            "status",
            {"session_id": self.pos_session.id, "ecr_txn_id": result["ecr_txn_id"]},
        )
        self.assertEqual(status["state"], "pending")
        status = self.card_method.with_user(self.cashier).rpt_terminal_request(
            "status",
            {"session_id": self.pos_session.id, "ecr_txn_id": result["ecr_txn_id"]},
        )
        self.assertEqual(status["state"], "posted")
        self._assert_posted(self._txn(result), 1200.09)
        # The cashier cancels a payment still waiting for the card.
        other = self._ready_repair(300.09, "SN-CANCEL")
        result = self._pay(other)
        cancelled = self.card_method.with_user(self.cashier).rpt_terminal_request(
            "cancel",
            {"session_id": self.pos_session.id, "ecr_txn_id": result["ecr_txn_id"]},
        )
        self.assertEqual(cancelled["state"], "cancelled")
        self.assertFalse(other.rpt_is_paid)
        self.assertFalse(self._invoices(other))

    def test_duplicate_approval_posts_once(self):
        repair = self._ready_repair(990.0, "SN-DUP")
        result = self._pay(repair, ecr_txn_id="till-a-dup-1")
        txn = self._txn(result)
        self.assertEqual(txn.state, "posted")
        answer = self._bridge().status("till-a-dup-1")
        txn._rpt_apply(answer)
        txn._rpt_apply(answer)
        # The till repeats its request (lost answer): same transaction.
        again = self._pay(repair, ecr_txn_id="till-a-dup-1")
        self.assertEqual(again["pos_order_id"], result["pos_order_id"])
        payments = self.env["pos.payment"].search([("rpt_transaction_id", "=", txn.id)])
        self.assertEqual(len(payments), 1)
        self.assertEqual(len(self._invoices(repair)), 1)
        # The till syncing its own order afterwards changes nothing.
        order = txn.pos_order_id
        data = self.env["pos.order"].sync_from_ui(
            [
                {
                    **txn._rpt_order_vals(),
                    "uuid": order.uuid,
                    "session_id": self.pos_session.id,
                }
            ]
        )
        self.assertEqual([row["id"] for row in data["pos.order"]], order.ids)
        self.assertEqual(
            self.env["pos.payment"].search_count([("rpt_transaction_id", "=", txn.id)]),
            1,
        )

    def test_crash_recovery(self):
        repair = self._ready_repair(1500.0, "SN-CRASH")
        prepared = self.card_method.with_user(self.cashier).rpt_terminal_request(
            "prepare", {"session_id": self.pos_session.id, "repair_id": repair.id}
        )
        self.assertEqual(prepared["state"], "draft")
        # The terminal approved, then the server stopped before recording it.
        self.assertTrue(self._bridge().sale(150000, prepared["ecr_txn_id"])["approved"])
        # A prepared payment that never reached the terminal.
        lost_repair = self._ready_repair(700.0, "SN-LOST")
        lost = self.card_method.with_user(self.cashier).rpt_terminal_request(
            "prepare", {"session_id": self.pos_session.id, "repair_id": lost_repair.id}
        )
        Transaction = self.env["repair.pos.transaction"]
        recovered = Transaction._cron_rpt_recover(min_age_seconds=0)
        self.assertIn(self._txn(prepared), recovered)
        self._assert_posted(self._txn(prepared), 1500.0)
        self.assertEqual(self._txn(lost).state, "failed")
        self.assertFalse(lost_repair.rpt_is_paid)
        # Running again posts nothing more.
        self.assertFalse(Transaction._cron_rpt_recover(min_age_seconds=0))
        self.assertEqual(len(self._invoices(repair)), 1)

    def test_refund_reverses(self):
        repair = self._ready_repair(2000.0, "SN-REFUND")
        txn = self._txn(self._pay(repair))
        with self.assertRaises(UserError):
            txn.with_user(self.cashier).action_rpt_refund()
        refund = txn.with_user(self.pos_manager).action_rpt_refund()
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount, -2000.0)
        self.assertEqual(txn.state, "refunded")
        self.assertFalse(repair.rpt_is_paid)
        credit_note = refund.pos_order_id.account_move
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_total, 2000.0)
        self.assertIn(credit_note.payment_state, ("paid", "in_payment", "reversed"))
        refund_receivable = credit_note.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(refund_receivable.reconciled)
        for line in refund.payment_move_id.line_ids:
            self.assertEqual(line.rpt_rrn, refund.rrn)
        # Refund twice: refused.
        with self.assertRaises(UserError):
            txn.with_user(self.pos_manager).action_rpt_refund()
        self.pos_session.close_session_from_ui()
        closing = self.pos_session.move_id
        self.assertEqual(
            sum(closing.line_ids.mapped("debit")),
            sum(closing.line_ids.mapped("credit")),
        )

    def test_settlement_matches_and_shows_difference(self):
        self._bridge().settlement()  # empty the stand-in's batch
        repair = self._ready_repair(1000.0, "SN-SET-1")
        self._pay(repair)
        action = self.card_method.with_user(self.pos_manager).action_rpt_settlement()
        settlement = self.env["repair.pos.settlement"].browse(action["res_id"])
        self.assertEqual(settlement.state, "matched")
        self.assertEqual(settlement.terminal_total, 1000.0)
        self.assertEqual(settlement.posted_total, 1000.0)
        # An approval the terminal made that was never posted.
        repair_2 = self._ready_repair(800.0, "SN-SET-2")
        self._pay(repair_2)
        self._bridge().sale(45000, "outside-odoo")
        action = self.card_method.with_user(self.pos_manager).action_rpt_settlement()
        settlement = self.env["repair.pos.settlement"].browse(action["res_id"])
        self.assertEqual(settlement.state, "mismatch")
        self.assertEqual(settlement.terminal_total, 1250.0)
        self.assertEqual(settlement.posted_total, 800.0)
        self.assertEqual(settlement.difference, 450.0)
        self.assertIn("450", settlement.details)
        with self.assertRaises(AccessError):
            self.card_method.with_user(self.cashier).action_rpt_settlement()

    def test_proxy_refusals(self):
        repair = self._ready_repair(500.0, "SN-REFUSE")
        # No POS rights.
        with (
            self.assertLogs(PROXY_LOGGER, "WARNING") as logs,
            self.assertRaises(AccessError),
        ):
            self._pay(repair, user=self.receptionist)
        self.assertIn("no POS rights", logs.output[0])
        # A cashier of another branch at this till.
        with (
            self.assertLogs(PROXY_LOGGER, "WARNING") as logs,
            self.assertRaises(AccessError),
        ):
            self._pay(repair, user=self.cashier_b)
        self.assertIn("till of branch", logs.output[0])
        # A repair that is not ready.
        received = self._received_repair(serial="SN-NOT-READY")
        with self.assertRaisesRegex(UserError, "not ready"):
            self._pay(received)
        # A repair of another branch.
        repair_b = self._received_repair(
            serial="SN-BRANCH-B",
            picking_type_id=self.branch_b.repair_type_id.id,
            user=self.receptionist_b,
        )
        with self.assertRaises(AccessError):
            self._pay(repair_b)
        # Unknown operation and forged references.
        with self.assertRaises(UserError):
            self.card_method.with_user(self.cashier).rpt_terminal_request("void", {})
        with self.assertRaises(UserError):
            self._pay(repair, ecr_txn_id="x'; DROP TABLE")
        self.assertFalse(
            self.env["repair.pos.transaction"].search([("repair_id", "=", repair.id)])
        )
        # Finding repairs at the till.
        found = (
            self.env["repair.order"]
            .with_user(self.cashier)
            .rpt_find_for_till(repair.name, self.config.id)
        )
        self.assertEqual(found[0]["id"], repair.id)
        self.assertFalse(found[0]["refusal"])
        found = (
            self.env["repair.order"]
            .with_user(self.cashier)
            .rpt_find_for_till(received.name, self.config.id)
        )
        self.assertIn("not ready", found[0]["refusal"])

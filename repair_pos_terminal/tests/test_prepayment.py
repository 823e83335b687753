import logging

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TillCase

REPAIR_LOGGER = "odoo.addons.repair_pos_terminal.models.repair_order"
BRIDGE_LOGGER = "odoo.addons.repair_pos_terminal.tools.terminal_bridge"
PAYMENT_LOGGER = "odoo.addons.repair_pos_terminal.models.account_payment"


@tagged("post_install", "-at_install")
class TestPrepayment(TillCase):
    """A prepayment at intake, posted at once, counted at the till."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cash_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.env.company.id), ("type", "=", "cash")], limit=1
        )
        cls.cash_method = cls.env["pos.payment.method"].create(
            {"name": "Cash A", "journal_id": cls.cash_journal.id}
        )
        # A second till of branch A, with cash (the tour's till stays card-only).
        cls.cash_config = cls.env["pos.config"].create(
            {
                "name": "Till A (cash)",
                "picking_type_id": cls.branch_a.pos_type_id.id,
                "payment_method_ids": [Command.set(cls.cash_method.ids)],
            }
        )
        cash_journal_b = cls.env["account.journal"].create(
            {"name": "Cash B", "type": "cash", "code": "CSHB"}
        )
        cls.cash_method_b = cls.env["pos.payment.method"].create(
            {"name": "Cash B", "journal_id": cash_journal_b.id}
        )
        cls.env["pos.config"].create(
            {
                "name": "Till B (cash)",
                "picking_type_id": cls.branch_b.pos_type_id.id,
                "payment_method_ids": [Command.set(cls.cash_method_b.ids)],
            }
        )

    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def test_cash_prepayment_then_remainder_at_the_till(self):
        repair = self._received_with_price(2500.0, "SN-PRE-CASH")
        result = repair.with_user(self.receptionist).rpt_take_prepayment(
            1500.0, self.cash_method.id
        )
        self.assertEqual(result["state"], "posted")
        prepayment = repair.rpt_prepayment_ids
        self.assertEqual(len(prepayment), 1)
        self.assertEqual(prepayment.id, result["payment_id"])
        # Posted at once: cash in, the client's receivable credited (₽).
        move = prepayment.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.currency_id.name, "RUB")
        debit = move.line_ids.filtered("debit")
        credit = move.line_ids.filtered("credit")
        self.assertEqual(debit.debit, 1500.0)
        self.assertEqual(credit.credit, 1500.0)
        self.assertEqual(credit.account_id, self.client.property_account_receivable_id)
        self.assertEqual(credit.partner_id, self.client)
        self.assertNotEqual(debit.account_id.account_type, "asset_receivable")
        self.assertEqual(repair.rpt_prepaid_amount, 1500.0)
        self.assertFalse(repair.rpt_is_paid)
        self.assertIn("Prepayment", repair.message_ids[0].body)

        self._make_ready(repair)
        self.assertEqual(repair.service_stage, "ready")
        self.assertEqual(repair.rpt_amount_due, 1000.0)
        found = (
            self.env["repair.order"]
            .with_user(self.cashier)
            .rpt_find_for_till(repair.name, self.config.id)
        )
        self.assertEqual(found[0]["amount_to_pay"], 1000.0)
        self.assertEqual(found[0]["prepaid"], 1500.0)
        # Unpaid: the device is not handed over.
        with self.assertRaisesRegex(UserError, "not paid"):
            repair.with_user(self.receptionist).action_sc_deliver()

        result = self._pay(repair)
        self.assertEqual(result["state"], "posted", result)
        txn = self._txn(result)
        # Only the remainder was charged on the card.
        self.assertEqual(txn.amount, 1000.0)
        self.assertEqual(
            self.terminal.state.transactions[txn.name]["amount_minor"], 100000
        )
        invoice = txn.pos_order_id.account_move
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 2500.0)
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # The invoice is reconciled with the card payment and the prepayment.
        matched = self._receivable(invoice).matched_credit_ids
        self.assertEqual(
            sorted(matched.mapped("amount")), [1000.0, 1500.0], matched.mapped("amount")
        )
        self.assertIn(self._receivable(move), matched.credit_move_id)
        self.assertTrue(self._receivable(move).reconciled)
        card_debit = txn.payment_move_id.line_ids.filtered("debit")
        self.assertEqual(card_debit.debit, 1000.0)
        self.assertEqual(txn.pos_order_id.amount_paid, 2500.0)
        self.assertTrue(repair.rpt_is_paid)
        self.assertEqual(repair.rpt_paid_amount, 2500.0)
        self.assertEqual(repair.rpt_amount_due, 0.0)
        # Paid: handed over.
        repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")
        # Closing: balanced, the prepaid part posts nothing (it is not money
        # of this session), the sale is not posted again.
        self.pos_session.close_session_from_ui()
        closing = self.pos_session.move_id
        self.assertEqual(
            sum(closing.line_ids.mapped("debit")),
            sum(closing.line_ids.mapped("credit")),
        )
        self.assertFalse(
            closing.line_ids.filtered(
                lambda line: line.account_id.account_type == "income"
            )
        )
        self.assertEqual(self.pos_session.bank_payment_ids.amount, 1000.0)

    def test_card_prepayment_and_refund_keeps_it(self):
        self._bridge().settlement()  # empty the stand-in's batch
        repair = self._received_with_price(2500.0, "SN-PRE-CARD")
        result = repair.with_user(self.receptionist).rpt_take_prepayment(
            1000.0, self.card_method.id
        )
        self.assertEqual(result["state"], "posted", result)
        pre_txn = self._txn(result)
        self.assertEqual(pre_txn.kind, "prepayment")
        prepayment = pre_txn.prepayment_id
        self.assertEqual(prepayment, repair.rpt_prepayment_ids)
        self.assertEqual(prepayment.journal_id, self.card_journal)
        for line in prepayment.move_id.line_ids:
            self.assertEqual(line.rpt_rrn, pre_txn.rrn)
            self.assertEqual(line.rpt_terminal_id, "00012345")
            self.assertRegex(line.rpt_masked_pan, r"^220220\*{6}\d{4}$")
        self._make_ready(repair)

        sale_txn = self._txn(self._pay(repair))
        self.assertEqual(sale_txn.amount, 1500.0)
        invoice = sale_txn.pos_order_id.account_move
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertTrue(repair.rpt_is_paid)

        # The final payment is refunded: the prepayment stays the client's.
        refund = sale_txn.with_user(self.pos_manager).action_rpt_refund()
        self.assertEqual(refund.amount, -1500.0)
        self.assertEqual(sale_txn.state, "refunded")
        credit_note = refund.pos_order_id.account_move
        self.assertEqual(credit_note.amount_total, 2500.0)
        self.assertEqual(credit_note.amount_residual, 0.0)
        self.assertEqual(invoice.amount_residual, 0.0)
        prepaid_line = self._receivable(prepayment.move_id)
        self.assertFalse(prepaid_line.reconciled)
        self.assertEqual(prepaid_line.amount_residual, -1000.0)
        self.assertFalse(repair.rpt_is_paid)
        self.assertEqual(repair.rpt_prepaid_amount, 1000.0)
        self.assertEqual(repair.rpt_paid_amount, 1000.0)
        self.assertEqual(repair.rpt_amount_due, 1500.0)
        with self.assertRaisesRegex(UserError, "not paid"):
            repair.with_user(self.receptionist).action_sc_deliver()

        # Paid again: the remainder only, the prepayment reconciled again.
        again = self._txn(self._pay(repair))
        self.assertEqual(again.amount, 1500.0)
        second_invoice = again.pos_order_id.account_move
        self.assertEqual(second_invoice.amount_residual, 0.0)
        self.assertTrue(prepaid_line.reconciled)
        self.assertTrue(repair.rpt_is_paid)
        repair.with_user(self.receptionist).action_sc_deliver()

        # The terminal's batch: the prepayment is one of its sales.
        action = self.card_method.with_user(self.pos_manager).action_rpt_settlement()
        settlement = self.env["repair.pos.settlement"].browse(action["res_id"])
        self.assertEqual(settlement.state, "matched", settlement.details)
        self.assertEqual(settlement.posted_total, 2500.0)
        self.assertIn(pre_txn, settlement.transaction_ids)

    def test_declined_card_prepayment_posts_nothing(self):
        repair = self._received_with_price(2500.0, "SN-PRE-DECL")
        result = repair.with_user(self.receptionist).rpt_take_prepayment(
            500.05, self.card_method.id
        )
        self.assertEqual(result["state"], "declined")
        self.assertFalse(repair.rpt_prepayment_ids)
        self.assertEqual(repair.rpt_prepaid_amount, 0.0)

    def test_prepayment_refusals(self):
        repair = self._received_with_price(2500.0, "SN-PRE-NO")
        as_reception = repair.with_user(self.receptionist)
        with self.assertRaises(AccessError):
            repair.with_user(self.engineer).rpt_take_prepayment(
                100.0, self.cash_method.id
            )
        with self.assertRaises(AccessError):
            repair.with_user(self.receptionist_b).rpt_take_prepayment(
                100.0, self.cash_method.id
            )
        for amount in (0, -100.0, "100", True, None):
            with self.assertRaisesRegex(UserError, "positive"):
                as_reception.rpt_take_prepayment(amount, self.cash_method.id)
        with self.assertRaisesRegex(UserError, "cannot exceed"):
            as_reception.rpt_take_prepayment(2500.01, self.cash_method.id)
        # Cash of another branch's till, a forged method id.
        for method_id in (self.cash_method_b.id, 999999, "x"):
            with (
                self.assertLogs(REPAIR_LOGGER, logging.INFO),
                self.assertRaisesRegex(UserError, "branch"),
            ):
                as_reception.rpt_take_prepayment(100.0, method_id)
        self.assertFalse(repair.rpt_prepayment_ids)
        as_reception.rpt_take_prepayment(2000.0, self.cash_method.id)
        with self.assertRaisesRegex(UserError, "cannot exceed"):
            as_reception.rpt_take_prepayment(500.01, self.cash_method.id)
        # Ready: paid at the till, not prepaid.
        self._make_ready(repair)
        with self.assertRaisesRegex(UserError, "not ready yet"):
            as_reception.rpt_take_prepayment(100.0, self.cash_method.id)
        # Its link to the repair is set by the flow only.
        self.assertEqual(repair.rpt_prepayment_ids.rpt_repair_id, repair)

    def test_wizard_takes_cash(self):
        repair = self._received_with_price(1200.0, "SN-PRE-WIZ")
        wizard = (
            self.env["repair.prepayment.wizard"]
            .with_user(self.receptionist)
            .with_context(default_repair_id=repair.id)
            .create({"amount": 200.0, "payment_method_id": self.cash_method.id})
        )
        self.assertIn(self.cash_method, wizard.allowed_method_ids)
        self.assertIn(self.card_method, wizard.allowed_method_ids)
        self.assertNotIn(self.cash_method_b, wizard.allowed_method_ids)
        action = wizard.action_confirm()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(repair.rpt_prepaid_amount, 200.0)

    def test_links_are_made_by_the_flow_only(self):
        """A payment linked by hand would make the repair look paid."""
        repair = self._ready_repair(800.0, "SN-PRE-FORGE")
        payment_vals = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.client.id,
            "amount": 800.0,
            "journal_id": self.cash_journal.id,
        }
        Payment = self.env["account.payment"]
        for context in ({}, {"rpt_write": True}):
            with (
                self.assertLogs(PAYMENT_LOGGER, logging.INFO),
                self.assertRaisesRegex(UserError, "Take Prepayment"),
            ):
                Payment.with_context(**context).create(
                    dict(payment_vals, rpt_repair_id=repair.id)
                )
        payment = Payment.create(payment_vals)
        with self.assertRaisesRegex(UserError, "Take Prepayment"):
            payment.write({"rpt_repair_id": repair.id})
        self.assertFalse(repair.rpt_prepayment_ids)
        with self.assertRaisesRegex(UserError, "not paid"):
            repair.with_user(self.receptionist).action_sc_deliver()
        # Nor is a till's method turned into the prepayment method.
        with self.assertRaisesRegex(UserError, "service center itself"):
            self.cash_method.write({"rpt_is_prepayment": True})
        with self.assertRaisesRegex(UserError, "service center itself"):
            self.env["pos.payment.method"].create(
                {"name": "Forged", "rpt_is_prepayment": True}
            )

    def test_card_prepayment_timeout_recovered(self):
        repair = self._received_with_price(2500.0, "SN-PRE-SLOW")
        with self.assertLogs(BRIDGE_LOGGER, "WARNING"):
            result = repair.with_user(self.receptionist).rpt_take_prepayment(
                700.08, self.card_method.id
            )
        self.assertEqual(result["state"], "timeout")
        self.assertFalse(repair.rpt_prepayment_ids)
        # While the terminal's answer is unknown, no second prepayment.
        with self.assertRaisesRegex(UserError, "still waiting"):
            repair.with_user(self.receptionist).rpt_take_prepayment(
                100.0, self.cash_method.id
            )
        # The recovery job asks the terminal and posts the approval once.
        Transaction = self.env["repair.pos.transaction"]
        recovered = Transaction._cron_rpt_recover(min_age_seconds=0)
        txn = self._txn(result)
        self.assertIn(txn, recovered)
        self.assertEqual(txn.state, "posted")
        self.assertEqual(repair.rpt_prepayment_ids, txn.prepayment_id)
        self.assertEqual(repair.rpt_prepaid_amount, 700.08)
        self.assertFalse(Transaction._cron_rpt_recover(min_age_seconds=0))
        self.assertEqual(len(repair.rpt_prepayment_ids), 1)

from odoo.tests import tagged

from .common import TillCase


@tagged("post_install", "-at_install")
class TestPaymentQueryCounts(TillCase):
    """The payment path's queries are pinned (numbers measured on Odoo 18)."""

    def _prepare(self, repair):
        return self.card_method.with_user(self.cashier).rpt_terminal_request(
            "prepare", {"session_id": self.pos_session.id, "repair_id": repair.id}
        )

    def test_approval_to_posted_and_reconciled(self):
        # Warm-up: the first payment fills Odoo's caches (sequences, views).
        self._pay(self._ready_repair(100.0, "SN-Q-WARM"))
        repair = self._ready_repair(2500.0, "SN-Q-1")
        self.env.invalidate_all()
        with self.assertQueryCount(PREPARE_QUERIES):
            prepared = self._prepare(repair)
        txn = self._txn(prepared).with_user(self.cashier)
        answer = self._bridge().sale(250000, prepared["ecr_txn_id"])
        self.assertEqual(answer["status"], "approved")
        self.env.invalidate_all()
        # The terminal's approval -> invoice and payment posted and reconciled.
        with self.assertQueryCount(APPROVAL_QUERIES):
            txn._rpt_apply(answer)
        self.assertEqual(txn.state, "posted")
        invoice = txn.pos_order_id.account_move
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # The till asks again (lost answer): nothing more is done.
        self.env.invalidate_all()
        with self.assertQueryCount(STATUS_QUERIES):
            result = self.card_method.with_user(self.cashier).rpt_terminal_request(
                "status",
                {"session_id": self.pos_session.id, "ecr_txn_id": txn.name},
            )
        self.assertEqual(result["state"], "posted")


# The proxy's ``prepare`` (rights, branch, repair checks, the row written).
PREPARE_QUERIES = 34
# Invoice + payment entry posted and reconciled through Odoo's invoiced-order
# path; Odoo's own ``sync_from_ui`` with ``to_invoice`` takes about 275 (see
# benchmarks/README.md).
APPROVAL_QUERIES = 259
# A repeated status call on a posted payment: checks only, no terminal call.
STATUS_QUERIES = 17

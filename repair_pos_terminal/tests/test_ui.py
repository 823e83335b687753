from odoo.tests import HttpCase, tagged

from .common import TillCase


@tagged("post_install", "-at_install")
class TestTillTour(TillCase, HttpCase):
    """The cashier pays a ready repair in the POS against the stand-in."""

    def test_pay_ready_repair_in_pos(self):
        repair = self._received_with_price(
            2500.0,
            "SN-TOUR",
            client_phone="+7 926 555-01-02",
            client_name="Tour Client",
        )
        # 1,000 ₽ prepaid by card at intake: the till charges the remainder.
        prepaid = repair.with_user(self.receptionist).rpt_take_prepayment(
            1000.0, self.card_method.id
        )
        self.assertEqual(prepaid["state"], "posted", prepaid)
        self._make_ready(repair)
        self.start_tour(
            f"/pos/ui?config_id={self.config.id}",
            "repair_pos_terminal_pay_ready_repair",
            login=self.cashier.login,
        )
        # The handover check was recorded from the till, as the cashier.
        self.assertEqual(repair.rpt_handover_result, "remark")
        self.assertEqual(repair.rpt_handover_accessories, "Charger, case")
        self.assertEqual(
            repair.rpt_handover_remark, "Small scratch on the camera glass"
        )
        self.assertEqual(repair.rpt_handover_condition, "Scratches on the back")
        self.assertEqual(repair.rpt_handover_user_id, self.cashier)
        txn = repair.rpt_transaction_ids.filtered(lambda t: t.kind == "sale")
        self.assertEqual(txn.state, "posted")
        self.assertEqual(txn.amount, 1500.0)
        self.assertTrue(repair.rpt_is_paid)
        order = txn.pos_order_id
        self.assertEqual(order.account_move.state, "posted")
        self.assertIn(order.account_move.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.account_move.amount_residual, 0.0)
        self.assertTrue(
            repair.rpt_prepayment_ids.move_id.line_ids.filtered("reconciled")
        )
        self.assertEqual(order.amount_total, 2500.0)
        # The till's own sync of the same order added nothing.
        self.assertEqual(
            self.env["pos.order"].search_count([("uuid", "=", order.uuid)]), 1
        )
        # The card's payment and the prepaid part.
        self.assertEqual(sorted(order.payment_ids.mapped("amount")), [1000.0, 1500.0])

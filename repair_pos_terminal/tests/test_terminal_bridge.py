from odoo.tests import BaseCase, tagged

from ..tools.terminal_bridge import (
    TerminalBridge,
    TerminalBridgeError,
    TerminalBridgeTimeout,
    mask_pan,
)
from .standins.terminal import StandinTerminal

BRIDGE_LOGGER = "odoo.addons.repair_pos_terminal.tools.terminal_bridge"


@tagged("post_install", "-at_install")
class TestTerminalBridge(BaseCase):
    """The bridge client against the stand-in terminal over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terminal = StandinTerminal(secret="s3cret", delay=1.5, late_polls=2)
        cls.terminal.start()
        cls.addClassCleanup(cls.terminal.stop)
        cls.bridge = TerminalBridge(cls.terminal.url, secret="s3cret", timeout=1)

    def test_approve_and_idempotent_replay(self):
        first = self.bridge.sale(250000, "txn-approve", order_ref="RO/1")
        self.assertTrue(first["approved"])
        self.assertEqual(first["response_code"], "00")
        self.assertRegex(first["rrn"], r"^\d{12}$")
        self.assertRegex(first["masked_pan"], r"^220220\*{6}\d{4}$")
        self.assertEqual(first["terminal_id"], "00012345")
        again = self.bridge.sale(250000, "txn-approve", order_ref="RO/1")
        self.assertEqual(again, first, "a replayed ecr_txn_id returns the first answer")
        self.assertEqual(self.bridge.status("txn-approve")["rrn"], first["rrn"])

    def test_decline(self):
        answer = self.bridge.sale(250005, "txn-decline")
        self.assertFalse(answer["approved"])
        self.assertEqual(answer["status"], "declined")
        self.assertEqual(answer["response_code"], "05")

    def test_timeout_then_status(self):
        with (
            self.assertLogs(BRIDGE_LOGGER, "WARNING") as logs,
            self.assertRaises(TerminalBridgeTimeout),
        ):
            self.bridge.sale(250008, "txn-slow")
        self.assertIn("sale timed out", logs.output[0])
        self.assertTrue(self.bridge.status("txn-slow")["approved"])

    def test_late_approval(self):
        self.assertEqual(self.bridge.sale(250009, "txn-late")["status"], "pending")
        self.assertEqual(self.bridge.status("txn-late")["status"], "pending")
        self.assertEqual(self.bridge.status("txn-late")["status"], "pending")
        self.assertTrue(self.bridge.status("txn-late")["approved"])

    def test_cancel_pending(self):
        self.bridge.sale(100009, "txn-cancel")
        self.assertEqual(self.bridge.cancel("txn-cancel")["status"], "cancelled")
        self.assertEqual(self.bridge.status("txn-cancel")["status"], "cancelled")

    def test_refund_void_settlement(self):
        self.bridge.settlement()  # start from an empty batch
        sale = self.bridge.sale(10000, "txn-s1")
        sale2 = self.bridge.sale(5000, "txn-s2")
        refund = self.bridge.refund(10000, sale["rrn"], "txn-s1-R")
        self.assertTrue(refund["approved"])
        self.assertTrue(self.bridge.void(sale2["rrn"], "txn-s2-V")["approved"])
        unknown = self.bridge.refund(100, "999999999999", "txn-x-R")
        self.assertFalse(unknown["approved"])
        batch = self.bridge.settlement()
        self.assertEqual(batch["count"], 4)
        self.assertEqual(batch["total_minor"], 0)
        self.assertEqual(self.bridge.settlement()["count"], 0)

    def test_unknown_status_and_secret(self):
        self.assertEqual(self.bridge.status("never-sent")["status"], "not_found")
        wrong = TerminalBridge(self.terminal.url, secret="wrong", timeout=1)
        with self.assertRaises(TerminalBridgeError):
            wrong.status("never-sent")

    def test_allow_listed_payload(self):
        self.bridge._call("sale", amount_minor=100, ecr_txn_id="txn-allow", pin="1234")
        operation, body = self.terminal.state.requests[-1]
        self.assertEqual(operation, "sale")
        self.assertNotIn("pin", body)

    def test_masking(self):
        self.assertEqual(mask_pan("2202201234567890"), "220220******7890")
        self.assertEqual(mask_pan("220220******7890"), "220220******7890")
        cleaned = TerminalBridge._clean(
            {
                "status": "approved",
                "rrn": "123456789012",
                "masked_pan": "2202201234567890",
                "slip_lines": ["CARD 2202201234567890"],
            }
        )
        self.assertEqual(cleaned["masked_pan"], "220220******7890")
        self.assertNotIn("2202201234567890", " ".join(cleaned["slip_lines"]))
        with self.assertRaises(TerminalBridgeError):
            TerminalBridge._clean({"status": "approved", "rrn": "12; DROP"})
        with self.assertRaises(TerminalBridgeError):
            TerminalBridge("file:///etc/passwd")

from odoo.tests import tagged

from .common import CallCenterCase


@tagged("post_install", "-at_install")
class TestCallerCard(CallCenterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.phone = "8 (495) 222-33-44"
        cls.lead_done = cls._new_lead(
            name="Battery", phone="+7 495 222 33 44", partner_id=cls.client.id
        )
        # A lead left with the landline only, no contact yet.
        cls.lead_open = cls._new_lead(name="Screen again", phone="84952223344")
        cls.repair = cls._received_repair(serial="SN-CARD-1", partner_id=cls.client.id)
        cls.other = cls._new_lead(name="Someone else", phone="+7 903 000 00 01")

    def test_card_by_other_format_and_other_number(self):
        Card = self.env["repair.caller.card"].with_user(self.operator)
        for typed in ("8 916 123 45 67", "4952223344", "+7 (495) 222-33-44 доб. 7"):
            with self.subTest(typed=typed):
                card = Card.get_caller_card(typed)
                self.assertEqual([p["id"] for p in card["partners"]], self.client.ids)
                lead_ids = {row["id"] for row in card["leads"]}
                self.assertEqual(lead_ids, {self.lead_done.id, self.lead_open.id})
                self.assertEqual([r["id"] for r in card["repairs"]], self.repair.ids)
                self.assertEqual(card["devices"][0]["serial"], "SN-CARD-1")
        row = next(r for r in card["leads"] if r["id"] == self.lead_open.id)
        self.assertEqual(row["sc_operator_id"][0], self.operator.id)
        self.assertEqual(row["sc_quoted_price"], 2500.0)
        self.assertEqual(row["sc_fault_description"], "Dropped it, the screen is black")

    def test_unknown_and_invalid(self):
        Card = self.env["repair.caller.card"].with_user(self.operator)
        card = Card.get_caller_card("8 900 111 22 33")
        self.assertEqual(card["number"], "+79001112233")
        self.assertFalse(card["partners"] or card["leads"] or card["repairs"])
        self.assertFalse(Card.get_caller_card("abc")["number"])

    def test_card_form(self):
        card = (
            self.env["repair.caller.card"]
            .with_user(self.receptionist)
            .create({"phone": "89161234567"})
        )
        self.assertEqual(card.partner_ids, self.client)
        self.assertEqual(card.lead_ids, self.lead_done | self.lead_open)
        self.assertEqual(card.repair_ids, self.repair)

    def test_operator_sees_repairs_of_allowed_branches(self):
        repair_b = self._new_repair(
            serial="SN-CARD-B",
            partner_id=self.client.id,
            user=self.receptionist_b,
            picking_type_id=self.branch_b.repair_type_id.id,
        )
        Card = self.env["repair.caller.card"]
        card = Card.with_user(self.operator).get_caller_card("89161234567")
        self.assertNotIn(repair_b.id, [r["id"] for r in card["repairs"]])
        # Operators who answer for every branch are allowed every branch.
        self.operator.sc_branch_ids = [(4, self.branch_b.id)]
        card = Card.with_user(self.operator).get_caller_card("89161234567")
        self.assertIn(repair_b.id, [r["id"] for r in card["repairs"]])

    def test_card_query_count(self):
        Card = self.env["repair.caller.card"].with_user(self.operator)
        Card.get_caller_card("89161234567")  # warm the caches
        self.env.invalidate_all()
        with self.assertQueryCount(16):
            card = Card.get_caller_card("8 916 123-45-67")
        self.assertEqual(len(card["leads"]), 2)

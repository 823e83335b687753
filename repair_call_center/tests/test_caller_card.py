import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.repair_service_center.tests.common import XmlRpcMixin

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

    def test_card_names_as_read_gives_them(self):
        """The card's names, read with its rows in one query, are the
        records' display names: a code, variant values, another language."""
        memory = self.env["product.attribute"].create(
            {
                "name": "Memory",
                "value_ids": [
                    Command.create({"name": "128 GB"}),
                    Command.create({"name": "256 GB"}),
                ],
            }
        )
        variant = (
            self.env["product.template"]
            .create(
                {
                    "name": "Variant Phone",
                    "is_storable": True,
                    "tracking": "serial",
                    "attribute_line_ids": [
                        Command.create(
                            {
                                "attribute_id": memory.id,
                                "value_ids": [Command.set(memory.value_ids.ids)],
                            }
                        )
                    ],
                }
            )
            .product_variant_ids[:1]
        )
        variant.default_code = "VP-1"
        self.device.default_code = "TPX"
        lead_variant = self._new_lead(
            name="Variant", phone="8 916 123 45 67", sc_device_id=variant.id
        )
        card = self.env["repair.caller.card"].with_user(self.operator)
        rows = {r["id"]: r for r in card.get_caller_card("89161234567")["leads"]}
        self.assertEqual(
            rows[lead_variant.id]["sc_device_id"], (variant.id, variant.display_name)
        )
        self.assertIn("128 GB", variant.display_name)
        self.assertEqual(
            rows[self.lead_done.id]["sc_device_id"],
            (self.device.id, "[TPX] Test Phone X"),
        )
        for lead in (self.lead_done, lead_variant):
            row = rows[lead.id]
            for fname in ("sc_operator_id", "sc_branch_id", "stage_id"):
                self.assertEqual(row[fname], (lead[fname].id, lead[fname].display_name))
        self.env["res.lang"]._activate_lang("ru_RU")
        stage = self.env["crm.stage"].browse(self.lead_done.stage_id.id)
        stage.with_context(lang="ru_RU").name = "Новая"
        rows = {
            r["id"]: r
            for r in card.with_context(lang="ru_RU").get_caller_card("89161234567")[
                "leads"
            ]
        }
        self.assertEqual(rows[self.lead_done.id]["stage_id"], (stage.id, "Новая"))

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

    def test_operator_sees_every_branch_on_the_card_only(self):
        repair_b = self._new_repair(
            serial="SN-CARD-B",
            partner_id=self.client.id,
            user=self.receptionist_b,
            picking_type_id=self.branch_b.repair_type_id.id,
        )
        Card = self.env["repair.caller.card"]
        card = Card.with_user(self.operator).get_caller_card("89161234567")
        rows = {r["id"]: r for r in card["repairs"]}
        self.assertEqual(set(rows), {self.repair.id, repair_b.id})
        self.assertFalse(rows[self.repair.id]["summary_only"])
        other = rows[repair_b.id]
        self.assertTrue(other["summary_only"])
        self.assertEqual(other["name"], repair_b.name)
        self.assertEqual(other["branch_id"], (self.branch_b.id, "Branch B"))
        self.assertIn("SN-CARD-B", [d["serial"] for d in card["devices"]])
        # The card's form: only the records the operator may open are
        # linked; the other branch's repair is a read-only summary.
        form = Card.with_user(self.operator).create({"phone": "89161234567"})
        self.assertEqual(form.repair_ids, self.repair)
        self.assertIn(repair_b.name, form.other_repairs_html)
        self.assertIn("Branch B", form.other_repairs_html)
        # The web client reads the card's form as the operator: every field
        # of the view, the other branch's repair shown only by name.
        self.lead_open.sc_repair_id = repair_b
        spec = {
            "number": {},
            "partner_ids": {
                "fields": {"name": {}, "phone": {}, "mobile": {}, "sc_repair_count": {}}
            },
            "lead_ids": {
                "fields": {
                    "create_date": {},
                    "sc_operator_id": {"fields": {"display_name": {}}},
                    "sc_device_id": {"fields": {"display_name": {}}},
                    "sc_branch_id": {"fields": {"display_name": {}}},
                    "stage_id": {"fields": {"display_name": {}}},
                    "sc_repair_id": {"fields": {"display_name": {}}},
                    "sc_quoted_price": {},
                }
            },
            "repair_ids": {
                "fields": {
                    "name": {},
                    "product_id": {"fields": {"display_name": {}}},
                    "lot_id": {"fields": {"display_name": {}}},
                    "branch_id": {"fields": {"display_name": {}}},
                    "service_stage": {},
                }
            },
            "other_repairs_html": {},
            "devices_html": {},
        }
        (values,) = form.web_read(spec)
        self.assertEqual([r["id"] for r in values["repair_ids"]], self.repair.ids)
        (row,) = [r for r in values["lead_ids"] if r["id"] == self.lead_open.id]
        self.assertEqual(row["sc_repair_id"]["display_name"], repair_b.name)
        self.assertIn("SN-CARD-B", values["devices_html"])
        # ... and the operator still cannot open that repair itself.
        with self.assertRaises(AccessError):
            repair_b.with_user(self.operator).read(["name"])
        self.assertFalse(
            self.env["repair.order"]
            .with_user(self.operator)
            .search([("id", "=", repair_b.id)])
        )
        # Reception keeps its own branches only, summary included.
        card = Card.with_user(self.receptionist).get_caller_card("89161234567")
        self.assertEqual([r["id"] for r in card["repairs"]], self.repair.ids)
        form = Card.with_user(self.receptionist).create({"phone": "89161234567"})
        self.assertFalse(form.other_repairs_html)

    def test_card_query_count(self):
        """The whole card (clients, leads, repairs, devices, the other
        branches' summary) is one query once the user's query is built."""
        Card = self.env["repair.caller.card"].with_user(self.operator)
        Card.get_caller_card("89161234567")  # warm the caches
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            card = Card.get_caller_card("8 916 123-45-67")
        self.assertEqual(len(card["leads"]), 2)
        self.assertEqual([r["id"] for r in card["repairs"]], self.repair.ids)
        # Another caller reuses the user's query with their own number.
        with self.assertQueryCount(1):
            card = Card.get_caller_card("+7 903 000 00 01")
        self.assertEqual([r["id"] for r in card["leads"]], self.other.ids)
        self.assertFalse(card["partners"] or card["repairs"])

    def test_card_follows_the_rules_as_they_change(self):
        """The card's query, built once per user, changes with the user's
        record rules: their branches, a new rule, a rule archived."""
        repair_b = self._new_repair(
            serial="SN-CARD-B2",
            partner_id=self.client.id,
            user=self.receptionist_b,
            picking_type_id=self.branch_b.repair_type_id.id,
        )
        Card = self.env["repair.caller.card"]

        def card_of(user):
            card = Card.with_user(user).get_caller_card("89161234567")
            return (
                {row["id"]: row["summary_only"] for row in card["repairs"]},
                {row["id"] for row in card["leads"]},
            )

        leads = {self.lead_done.id, self.lead_open.id}
        self.assertEqual(card_of(self.receptionist), ({self.repair.id: False}, leads))
        self.assertEqual(
            card_of(self.operator),
            ({self.repair.id: False, repair_b.id: True}, leads),
        )
        # Both now work in branch B too: its repair opens for them.
        (self.receptionist | self.operator).sc_branch_ids |= self.branch_b
        both = {self.repair.id: False, repair_b.id: False}
        self.assertEqual(card_of(self.receptionist), (both, leads))
        self.assertEqual(card_of(self.operator), (both, leads))
        # A new rule hides a lead from everyone; archived, it hides nothing.
        rule = self.env["ir.rule"].create(
            {
                "name": "Test: hide a lead",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "domain_force": repr([("id", "!=", self.lead_open.id)]),
            }
        )
        self.assertEqual(card_of(self.operator), (both, {self.lead_done.id}))
        rule.active = False
        self.assertEqual(card_of(self.operator), (both, leads))
        # Back to branch A only: branch B's repair is a summary again.
        self.operator.sc_branch_ids -= self.branch_b
        self.assertEqual(
            card_of(self.operator),
            ({self.repair.id: False, repair_b.id: True}, leads),
        )


@tagged("post_install", "-at_install")
class TestCallerCardXmlRpc(XmlRpcMixin, CallCenterCase, HttpCase):
    """The cross-branch card opens no other branch's repair through the API."""

    def test_operator_reads_the_summary_not_the_records(self):
        self.client.mobile = "+7 916 765-43-21"
        repair_b = self._new_repair(
            serial="SN-RPC-B",
            partner_id=self.client.id,
            user=self.receptionist_b,
            picking_type_id=self.branch_b.repair_type_id.id,
        )
        operator = self.operator

        def call(model, method, *args, **kwargs):
            return self._call(operator, model, method, *args, **kwargs)

        card = call("repair.caller.card", "get_caller_card", "8 916 765 43 21")
        (row,) = [r for r in card["repairs"] if r["id"] == repair_b.id]
        self.assertTrue(row["summary_only"])
        self.assertEqual(row["name"], repair_b.name)
        for method, args in (
            ("read", ([repair_b.id], ["name", "partner_id"])),
            ("write", ([repair_b.id], {"fault_description": "forged"})),
            ("unlink", ([repair_b.id],)),
            ("action_sc_transition", ([repair_b.id], "diagnosis")),
        ):
            with self.subTest(method=method), self.assertRaises(xmlrpc.client.Fault):
                call("repair.order", method, *args)
        self.assertFalse(
            call("repair.order", "search", [("id", "=", repair_b.id)]),
        )
        # Forged context grants nothing either.
        with self.assertRaises(xmlrpc.client.Fault):
            call(
                "repair.order",
                "read",
                [repair_b.id],
                ["name"],
                context={"active_test": False, "sudo": True, "su": True},
            )
        self.assertEqual(repair_b.fault_description, "Screen is cracked")

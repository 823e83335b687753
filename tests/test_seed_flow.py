"""The customer's flow end to end, across the suite's five addons.

One device, from the client's call to its handover, each step by the role
that does it in the service center and through each addon's public entry
points:

1. the call center: the PBX's signed webhook (``repair_call_center``) makes a
   lead of the call; the operator records the device, the fault, the quote
   and the promised date;
2. reception: the caller card finds the client and the lead by phone; the
   lead becomes the repair order; intake confirmed (SMS "received");
3. engineering: the device is carried by scanning it and then a place
   (``repair_warehouse_binding``); the manager's deadline from the engineers'
   workload; diagnosis; parts bought and issued by the warehouse keeper's
   scans; ready (SMS "ready" through the stand-in gateway, ``repair_sms``);
4. handover: the device's place is found by scanning it; the client pays on
   the stand-in card terminal at the till (``repair_pos_terminal``); the
   payment is posted and reconciled; the device is handed back.
"""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.repair_call_center.tests.common import CallCenterCase
from odoo.addons.repair_call_center.tools import pbx_standin
from odoo.addons.repair_pos_terminal.tests.common import TillCase
from odoo.addons.repair_sms.tests.common import StandinMixin
from odoo.addons.repair_warehouse_binding.tests.common import ScanCase

CALLER = "79161234567"  # as the PBX sends it
SERIAL = "IMEI-490154203237518"
SCREEN_BARCODE = "4600000000028"
BATTERY_BARCODE = "4600000000035"
NBSP = "\N{NO-BREAK SPACE}"


@tagged("post_install", "-at_install")
class TestSeedFlow(StandinMixin, ScanCase, CallCenterCase, TillCase, HttpCase):
    """The core's branches and roles (``ServiceCenterCase``), in a company in
    roubles with a till and the stand-in card terminal (``TillCase``), barcoded
    desks (``ScanCase``), the call-center team (``CallCenterCase``), the
    stand-in SMS gateway (``StandinMixin``) and a test HTTP server
    (``HttpCase``) for the PBX's webhook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The SMS leave through the stand-in gateway, the company's default.
        cls._start_standin()
        cls.gateway = cls._gateway("smsru", is_default=True)
        cls.env.ref("base.RUB").symbol = "₽"
        cls.client.lang = "en_US"
        cls.branch_a.partner_id.write(
            {"street": "Tverskaya 1", "city": "Moscow", "zip": "125009"}
        )
        # Extension 101 of the company's Mango line rings the operator.
        cls.pbx = cls.env["repair.pbx.connection"].create(
            {
                "name": "Mango",
                "provider": "mango",
                "api_key": "mango-key",
                "api_secret": "mango-salt",
                "team_id": cls.team.id,
                "extension_ids": [
                    Command.create({"extension": "101", "user_id": cls.operator.id})
                ],
            }
        )
        cls.part_screen.barcode = SCREEN_BARCODE
        cls.part_battery.barcode = BATTERY_BARCODE

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _incoming_call(self, caller):
        """The PBX posts one answered call's events, signed, to the webhook."""
        path = self.pbx.webhook_url.split(self.pbx.get_base_url(), 1)[1]
        events = pbx_standin.build_events(
            "mango",
            url=self.base_url() + path,
            key=self.pbx.api_key,
            salt=self.pbx.api_secret,
            caller=caller,
            line="74951112233",
            extension="101",
        )
        for url, form, headers in events:
            response = self.url_open(url, data=form, headers=headers, timeout=30)
            self.assertEqual(response.status_code, 200, response.text)
        return self.env["repair.call.log"].search([("connection_id", "=", self.pbx.id)])

    def _run_sms_queue(self):
        """What the SMS queue worker does: render what the stages owe, send."""
        self.env["repair.sms.notification"]._sc_render_pending()
        sms = self.env["sms.sms"].search([("sc_gateway_id", "=", self.gateway.id)])
        self.env["sms.sms"]._process_queue(ids=sms.ids or [0])

    def _sms_texts(self):
        return [message["text"] for message in self._sent()]

    # ------------------------------------------------------------------
    def test_device_goes_from_the_call_to_its_owner(self):
        # 1. Call center: the client calls; the PBX's webhook makes the lead.
        with freeze_time("2026-03-09 09:00:00"):
            call = self._incoming_call(CALLER)
            self.assertEqual(len(call), 1)
            self.assertEqual(call.state, "completed")
            self.assertEqual(call.user_id, self.operator)
            self.assertEqual(call.partner_id, self.client)
            self.assertEqual(call.duration, 58)
            lead = call.lead_id
            self.assertEqual(lead.phone, CALLER)
            # Read with the country of the line's company (Russia), whatever
            # the company the webhook's request ran in.
            self.assertEqual(lead.company_id, self.pbx.company_id)
            self.assertEqual(lead.sc_phone_e164, "+" + CALLER)
            self.assertFalse(lead.sc_phone_invalid)
            self.assertEqual(lead.partner_id, self.client)
            self.assertEqual(lead.sc_operator_id, self.operator)
            self.assertEqual(lead.team_id, self.team)
            # The operator, on the phone, records the device, the fault, the
            # works (the quote comes from the catalog) and a promised date.
            as_operator = lead.with_user(self.operator)
            as_operator.write(
                {
                    "sc_device_id": self.device.id,
                    "sc_serial_number": SERIAL,
                    "sc_fault_description": "Screen is cracked",
                    "sc_work_ids": [Command.set(self.work_screen.ids)],
                    "sc_branch_id": self.branch_a.id,
                    "sc_promised_date": "2026-03-13",
                }
            )
            self.assertEqual(lead.sc_quoted_price, 2500.0)
            self.assertIn("Test Phone X screen", str(as_operator.sc_parts_stock))

        # 2. Reception: the client brings the device; the receptionist types
        # the phone, the caller card shows the client and the operator's lead.
        with freeze_time("2026-03-10 07:00:00"):
            card = (
                self.env["repair.caller.card"]
                .with_user(self.receptionist)
                .get_caller_card("8 916 123 45 67")
            )
            self.assertEqual([p["id"] for p in card["partners"]], self.client.ids)
            (row,) = card["leads"]
            self.assertEqual(row["id"], lead.id)
            self.assertEqual(row["sc_operator_id"][0], self.operator.id)
            self.assertEqual(row["sc_device_id"][0], self.device.id)
            self.assertEqual(row["sc_quoted_price"], 2500.0)
            self.assertEqual(str(row["sc_promised_date"]), "2026-03-13")
            self.assertFalse(card["repairs"])
            # The lead becomes the repair order, prefilled; the device is
            # looked at with the client and received.
            action = lead.with_user(self.receptionist).action_sc_create_repair()
            repair = self.env["repair.order"].browse(action["res_id"])
            self.assertEqual(lead.sc_repair_id, repair)
            self.assertEqual(lead.probability, 100)
            as_reception = repair.with_user(self.receptionist)
            as_reception.write(
                {"device_condition": "Scratches on the back", "accessories": "Charger"}
            )
            as_reception.action_sc_confirm_intake()
            self.assertEqual(repair.service_stage, "received")
            self.assertEqual(repair.partner_id, self.client)
            self.assertEqual(repair.serial_number, SERIAL)
            self.assertEqual(repair.lot_id.name, SERIAL)
            self.assertEqual(repair.service_work_ids, self.work_screen)
            self.assertEqual(repair.quoted_price, 2500.0)
            self.assertEqual(str(repair.promised_date), "2026-03-13")
            self.assertEqual(
                repair.device_location_id, self.branch_a.sc_reception_location_id
            )
            self._run_sms_queue()
            # ... and carried to the manager's desk: the receipt, then the desk.
            scanned = self.scan(self.receptionist, repair.name)
            self.assertEqual(scanned["status"], "device")
            moved = self.scan(self.receptionist, "BRA-MANAGER", scanned["state"])
            self.assertEqual(moved["status"], "moved")
            repair.invalidate_recordset()
            self.assertEqual(
                repair.device_location_id, self.branch_a.sc_manager_desk_location_id
            )

        # 3. The manager assigns an engineer; the deadline follows the workload.
        with freeze_time("2026-03-10 08:00:00"):
            repair.with_user(self.manager).engineer_id = self.engineer
            self.assertEqual(repair.date_deadline, datetime(2026, 3, 10, 16, 0))
            # The engineer takes the device to the desk: its serial, the desk.
            moved = self.relocate(self.engineer, SERIAL, "BRA-DESK-1")
            self.assertEqual(moved["status"], "moved")
            repair.invalidate_recordset()
            self.assertEqual(repair.device_location_id, self.desk_a)
            # The engineer diagnoses and needs a screen and a battery: one
            # screen is on the shelf, the battery must be bought.
            engineer_repair = repair.with_user(self.engineer)
            engineer_repair.action_sc_start_diagnosis()
            engineer_repair.write(
                {
                    "diagnosis": "Display and battery are dead",
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": part.id,
                                "product_uom_qty": 1,
                                "repair_line_type": "add",
                            }
                        )
                        for part in (self.part_screen, self.part_battery)
                    ],
                }
            )
            engineer_repair.action_sc_request_parts()
            self.assertEqual(repair.service_stage, "waiting_parts")

            # The manager agrees a later date with the client, with a reason.
            self.env["repair.deadline.wizard"].with_user(self.manager).create(
                {
                    "repair_id": repair.id,
                    "new_deadline": datetime(2026, 3, 13, 16, 0),
                    "reason": "Battery comes from the vendor",
                }
            ).action_apply()
            self._run_sms_queue()

        # Purchasing and the warehouse bring the parts.
        with freeze_time("2026-03-12 08:00:00"):
            # The parts rule took what was on hand and bought the rest: the
            # request for quotation names the repair.
            purchase = self.env["purchase.order"].search([("origin", "=", repair.name)])
            self.assertEqual(purchase.partner_id, self.vendor)
            purchase.with_user(self.warehouse_keeper).button_confirm()
            self._validate_picking(purchase.picking_ids)
            # The warehouse keeper issues the parts by scanning the repair's
            # receipt, then each part.
            keeper = self.warehouse_keeper
            state = self.scan(keeper, repair.name)["state"]
            issued = self.scan(keeper, BATTERY_BARCODE, state)
            self.assertEqual(issued["status"], "bound")
            issued = self.scan(keeper, SCREEN_BARCODE, issued["state"])
            self.assertEqual(issued["status"], "bound")
            self.assertEqual(repair.parts_picking_ids.mapped("state"), ["done"])
            self.assertEqual(repair.service_stage, "in_repair")

        # Ready: parts consumed, device on the ready shelf, price known, the
        # client told by SMS.
        with freeze_time("2026-03-12 12:00:00"):
            engineer_repair.action_sc_set_ready()
            self.assertEqual(repair.service_stage, "ready")
            quant = self._device_quant(repair)
            self.assertEqual(quant.location_id, self.branch_a.sc_ready_location_id)
            self.assertEqual(quant.owner_id, self.client)
            order = repair.sale_order_id
            self.assertEqual(order.currency_id, self.rub)
            self.assertEqual(repair.amount_total, order.amount_total)
            # The works and both parts, with the company's 15 % sales tax.
            self.assertEqual(order.amount_total, 5520.0)
            self._run_sms_queue()
        texts = self._sms_texts()
        ready_text = (
            f"Your Test Phone X is ready (repair {repair.name}). "
            f"Price: 5,520.00{NBSP}₽. Pick it up at Tverskaya 1, Moscow, "
            "Mon–Fri 10:00–19:00."
        )
        self.assertEqual(texts.count(ready_text), 1)
        self.assertEqual(
            texts,
            [
                f"Your Test Phone X is accepted for repair, receipt {repair.name}. "
                f"Promised date: 03/13/2026. {self.env.company.name}",
                f"Repair {repair.name}: the new ready date is 03/13/2026. "
                f"{self.env.company.name}",
                ready_text,
            ],
        )
        self.assertEqual({m["number"] for m in self._sent()}, {CALLER})
        notes = repair.sc_sms_notification_ids
        self.assertEqual(
            sorted(notes.mapped("kind")), ["deadline", "ready", "received"]
        )
        self.assertEqual(set(notes.mapped("state")), {"pending"})

        # 4. Handover: the receptionist finds the device by scanning the
        # receipt; the client pays by card at the till; the device goes back.
        with freeze_time("2026-03-12 15:00:00"):
            found = self.scan(self.receptionist, repair.name)
            ready_shelf = self.branch_a.sc_ready_location_id
            self.assertEqual(found["repair"]["place"], ready_shelf.display_name)
            (waiting,) = self.Scan.with_user(self.receptionist).sc_ready_shelf()
            self.assertEqual(waiting["name"], repair.name)
            self.assertEqual(waiting["waiting_hours"], 3.0)
            # The cashier finds the repair by the client's phone and charges
            # the card on the terminal.
            (till_row,) = (
                self.env["repair.order"]
                .with_user(self.cashier)
                .rpt_find_for_till("8 916 123 45 67", self.config.id)
            )
            self.assertEqual(till_row["id"], repair.id)
            self.assertEqual(till_row["amount_to_pay"], 5520.0)
            self.assertFalse(till_row["refusal"])
            result = self._pay(repair)
            self.assertEqual(result["state"], "posted", result)
            txn = self._txn(result)
            self.assertEqual(txn.amount, 5520.0)
            self.assertEqual(txn.user_id, self.cashier)
            self.assertEqual(len(self.terminal.state.requests), 1)
            invoice = txn.pos_order_id.account_move
            self.assertEqual(txn.pos_order_id.state, "invoiced")
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.amount_total, 5520.0)
            self.assertEqual(invoice.partner_id, self.client)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            receivable = invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            self.assertTrue(receivable.reconciled)
            self.assertEqual(
                receivable.matched_credit_ids.credit_move_id.move_id,
                txn.payment_move_id,
            )
            self.assertEqual(txn.payment_move_id.state, "posted")
            self.assertTrue(repair.rpt_is_paid)
            self.assertEqual(repair.rpt_paid_amount, 5520.0)
            # The client checks the device; the receptionist hands it over.
            handover = (
                self.env["repair.handover.wizard"]
                .with_user(self.receptionist)
                .with_context(default_repair_id=repair.id)
                .create({})
            )
            handover.action_confirm()
            self.assertEqual(repair.rpt_handover_result, "accepted")
            repair.with_user(self.receptionist).action_sc_deliver()
        self.assertEqual(repair.service_stage, "delivered")
        self.assertFalse(self._device_quant(repair))
        self.assertEqual(
            repair.stage_history_ids.sorted("id").mapped("stage"),
            [
                "new",
                "received",
                "diagnosis",
                "waiting_parts",
                "in_repair",
                "ready",
                "delivered",
            ],
        )
        hours = repair.stage_time_hours()
        self.assertAlmostEqual(hours["waiting_parts"], 48.0)
        self.assertAlmostEqual(hours["ready"], 3.0)
        self.assertEqual(len(repair.deadline_log_ids), 2)
        # Nothing more left for the client: no SMS after the handover.
        self._run_sms_queue()
        self.assertEqual(len(self._sent()), 3)
        # The caller card now shows the repair next to the lead it came from.
        card = (
            self.env["repair.caller.card"]
            .with_user(self.operator)
            .get_caller_card(CALLER)
        )
        (repair_row,) = card["repairs"]
        self.assertEqual(repair_row["id"], repair.id)
        self.assertEqual(repair_row["service_stage"], "delivered")
        self.assertEqual(repair_row["sc_lead_id"], lead.id)

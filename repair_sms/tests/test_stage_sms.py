# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import format_amount

from odoo.addons.repair_service_center.tests.common import ServiceCenterCase

from .common import StandinMixin

# A Monday, 12:00 in Moscow (UTC+3): inside the branch's sending hours.
NOON = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestStageSms(StandinMixin, ServiceCenterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_standin()
        cls.gateway = cls._gateway("smsru", is_default=True)
        rub = cls.env.ref("base.RUB")
        # Odoo ships "руб"; the sign the clients expect is set on the currency.
        rub.write({"active": True, "symbol": "₽"})
        cls.pricelist_rub = cls.env["product.pricelist"].create(
            {"name": "Roubles", "currency_id": rub.id}
        )
        cls.client.write(
            {"lang": "en_US", "property_product_pricelist": cls.pricelist_rub.id}
        )
        cls.branch_a.partner_id.write(
            {"street": "Tverskaya 1", "city": "Moscow", "zip": "125009"}
        )

    def _queue(self):
        self.env["repair.sms.notification"]._sc_render_pending()
        sms = self.env["sms.sms"].search([("sc_gateway_id", "=", self.gateway.id)])
        self.env["sms.sms"]._process_queue(ids=sms.ids or [0])

    def _ready_repair(self, serial):
        repair = self._received_repair(serial=serial).with_user(self.engineer)
        repair.action_sc_start_diagnosis()
        repair.write({"service_work_ids": [Command.set(self.work_screen.ids)]})
        repair.action_sc_start_repair()
        repair.action_sc_set_ready()
        return repair.with_user(self.env.user)

    def _notes(self, repair, kind):
        # What the queue worker does first: render the SMS stage changes owe.
        self.env["repair.sms.notification"]._sc_render_pending()
        return repair.sc_sms_notification_ids.filtered(lambda n: n.kind == kind)

    @freeze_time(NOON)
    def test_received_sms_with_receipt_and_promised_date(self):
        repair = self._received_repair(
            serial="SN-S1", promised_date=fields.Date.to_date("2026-03-06")
        )
        note = self._notes(repair, "received")
        self.assertEqual(len(note), 1)
        self.assertIn(repair.name, note.body)
        self.assertIn("03/06/2026", note.body)
        self.assertEqual(note.state, "outgoing")
        self._queue()
        self.assertEqual(note.state, "pending")
        sent = self._sent()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["text"], note.body)
        self.assertEqual(sent[0]["number"], "79161234567")
        self.assertEqual(sent[0]["sender"], "RSC")
        self.env["sms.sms"]._sc_cron_poll_status()
        self.assertEqual(note.state, "sent")

    @freeze_time(NOON)
    def test_ready_sms_with_price_address_and_hours(self):
        repair = self._ready_repair("SN-S2")
        note = self._notes(repair, "ready")
        self.assertEqual(len(note), 1)
        order = repair.sale_order_id
        self.assertEqual(order.currency_id, self.env.ref("base.RUB"))
        self.assertEqual(order.amount_total, repair.amount_total)
        price = format_amount(self.env, order.amount_total, order.currency_id)
        self.assertIn("₽", price)
        self.assertIn("Price: %s." % price, note.body)
        self.assertIn("Tverskaya 1", note.body)
        self.assertIn("Moscow", note.body)
        self.assertIn("Mon–Fri 10:00–19:00", note.body)
        self._queue()
        self.assertIn(note.body, [m["text"] for m in self._sent()])

    @freeze_time(NOON)
    def test_one_sms_per_stage_entry(self):
        repair = self._received_repair(serial="SN-S3")
        # Whatever calls the hook again for the same stage entry.
        repair._sc_on_stage_changed({repair.id: "new"})
        repair._sc_on_stage_changed({repair.id: "new"})
        self.assertEqual(len(self._notes(repair, "received")), 1)
        self._queue()
        self._queue()
        self.assertEqual(len(self._sent()), 1)

    @freeze_time(NOON)
    def test_opted_out_client_gets_no_sms(self):
        self.env["phone.blacklist"].add("+79161234567")
        repair = self._received_repair(serial="SN-S4")
        note = self._notes(repair, "received")
        self.assertEqual(note.state, "canceled")
        self.assertEqual(note.failure_type, "sms_blacklist")
        self.assertFalse(
            self.env["sms.sms"].search([("sc_gateway_id", "=", self.gateway.id)])
        )
        self._queue()
        self.assertFalse(self._sent())

    def test_quiet_hours_hold_until_morning(self):
        # 22:30 in Moscow: the branch's quiet hours (21:00-09:00).
        with freeze_time(datetime(2026, 3, 2, 19, 30)):
            repair = self._received_repair(serial="SN-S5")
            note = self._notes(repair, "received")
            self.assertEqual(note.send_after, datetime(2026, 3, 3, 6, 0))
            self._queue()
            self.assertFalse(self._sent())
        with freeze_time(datetime(2026, 3, 3, 5, 59)):
            self._queue()
            self.assertFalse(self._sent())
        with freeze_time(datetime(2026, 3, 3, 6, 1)):
            self._queue()
        self.assertEqual(len(self._sent()), 1)
        self.assertEqual(note.state, "pending")

    @freeze_time(NOON)
    def test_deadline_change_sms(self):
        repair = self._received_repair(serial="SN-S6")
        repair.with_user(self.engineer).action_sc_start_diagnosis()
        self.assertFalse(self._notes(repair, "deadline"))
        self.assertNotEqual(repair.date_deadline.date(), datetime(2026, 3, 10).date())
        repair.with_user(self.manager).action_sc_set_deadline(
            datetime(2026, 3, 10, 12, 0), "Part delayed"
        )
        note = self._notes(repair, "deadline")
        self.assertEqual(len(note), 1)
        self.assertIn("03/10/2026", note.body)
        # Same day, other hour: the client's date does not change.
        repair.with_user(self.manager).action_sc_set_deadline(
            datetime(2026, 3, 10, 14, 0), "Shift"
        )
        self.assertEqual(len(self._notes(repair, "deadline")), 1)

    @freeze_time(NOON)
    def test_definitive_error_shows_on_repair_and_tells_manager(self):
        self.client.mobile = "+7 916 123-00-00"
        repair = self._received_repair(serial="SN-S7", client_phone="+7 916 123-00-00")
        self._queue()
        note = self._notes(repair, "received")
        self.assertEqual(note.state, "error")
        self.assertEqual(note.failure_type, "sms_number_format")
        self.assertIn("202", note.failure_reason)
        activity = repair.activity_ids.filtered(
            lambda a: a.summary == "SMS to the client failed"
        )
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("202", str(activity.note))

    @freeze_time(NOON)
    def test_branch_users_see_their_repairs_sms_only(self):
        repair = self._received_repair(serial="SN-S8")
        note = self._notes(repair, "received")
        Notification = self.env["repair.sms.notification"]
        self.assertEqual(
            Notification.with_user(self.receptionist).search([("id", "=", note.id)]),
            note.with_user(self.receptionist),
        )
        self.assertFalse(
            Notification.with_user(self.receptionist_b).search([("id", "=", note.id)])
        )

    @freeze_time(NOON)
    def test_chatter_shows_sms_delivery(self):
        repair = self._received_repair(serial="SN-S9")
        self._queue()
        self.env["sms.sms"]._sc_cron_poll_status()
        message = repair.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.notification_ids.notification_status, "sent")

    def test_release_time_helper(self):
        branch = self.branch_a
        with freeze_time(datetime(2026, 3, 2, 3, 0)):  # 06:00 Moscow
            self.assertEqual(branch._sc_sms_release_time(), datetime(2026, 3, 2, 6, 0))
        with freeze_time(NOON):
            self.assertEqual(branch._sc_sms_release_time(), NOON)
        branch.write({"sc_sms_quiet_from": 13.0, "sc_sms_quiet_to": 14.0})
        with freeze_time(NOON + timedelta(hours=1, minutes=30)):  # 13:30 Moscow
            self.assertEqual(branch._sc_sms_release_time(), datetime(2026, 3, 2, 11, 0))

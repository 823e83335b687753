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
    def test_received_sms_without_any_date_says_when(self):
        repair = self._received_repair(serial="SN-S12")
        self.assertFalse(repair.promised_date or repair.date_deadline)
        note = self._notes(repair, "received")
        self.assertNotIn("—", note.body)
        self.assertIn("Promised date: we will tell you after the diagnosis.", note.body)

    def _russian(self):
        """A Russian client; the addon's Russian texts loaded."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search(
            [("name", "=", "repair_sms")]
        )._update_translations("ru_RU", overwrite=True)
        self.client.lang = "ru_RU"
        self.device.with_context(lang="ru_RU").name = "Телефон Тест X"
        self.env.company.name = "Ремонт-Про"
        russia = self.env.ref("base.ru")
        russia.with_context(lang="ru_RU").name = "Россия"
        self.branch_a.partner_id.write(
            {
                "street": "ул. Тверская, 1",
                "city": "Москва",
                "zip": "125009",
                # The postal address would read "Москва MOW 125009, Россия":
                # the SMS says street and city only.
                "state_id": self.env.ref("base.state_ru_mow").id,
                "country_id": russia.id,
            }
        )

    @freeze_time(NOON)
    def test_russian_sms_texts(self):
        """The client's language is Russian: the three SMS are Russian, the
        price in roubles the Russian way (2 500,00 ₽), dates as 06.03.2026,
        the branch's address and opening hours."""
        self._russian()
        nbsp = "\N{NO-BREAK SPACE}"
        received = self._received_repair(
            serial="SN-S13", promised_date=fields.Date.to_date("2026-03-06")
        )
        self.assertEqual(
            self._notes(received, "received").body,
            "Ваше устройство Телефон Тест X принято в ремонт, квитанция %s. "
            "Обещанный срок: 06.03.2026. Ремонт-Про" % received.name,
        )
        ready = self._ready_repair("SN-S14")
        # 2500 for the work plus the company's sales tax: 2 875,00 ₽ with
        # the demo's 15 %; non-breaking spaces between thousands and before
        # the sign, a decimal comma.
        self.assertGreater(ready.amount_total, 1000.0)
        price = f"{ready.amount_total:,.2f}".replace(",", nbsp).replace(".", ",")
        self.assertEqual(
            self._notes(ready, "ready").body,
            "Ваше устройство Телефон Тест X готово (ремонт %s). "
            "К оплате: %s%s₽. Забрать: ул. Тверская, 1, Москва, "
            "пн–пт 10:00–19:00." % (ready.name, price, nbsp),
        )
        late = self._received_repair(serial="SN-S15")
        self.assertEqual(
            self._notes(late, "received").body,
            "Ваше устройство Телефон Тест X принято в ремонт, квитанция %s. "
            "Обещанный срок: сообщим после диагностики. Ремонт-Про" % late.name,
        )
        late.with_user(self.engineer).action_sc_start_diagnosis()
        late.with_user(self.manager).action_sc_set_deadline(
            datetime(2026, 3, 10, 12, 0), "Запчасть задерживается"
        )
        self.assertEqual(
            self._notes(late, "deadline").body,
            "Ремонт %s: новый срок готовности 10.03.2026. Ремонт-Про" % late.name,
        )
        # What leaves is that text, in Cyrillic, untouched.
        self._queue()
        texts = [m["text"] for m in self._sent()]
        self.assertIn(self._notes(ready, "ready").body, texts)

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

    def test_retry_never_leaves_in_quiet_hours(self):
        """20:59:40 in Moscow: the gateway is down; the retry's backoff (30 s)
        would fall in the quiet hours, so it waits for 09:00."""
        evening = datetime(2026, 3, 2, 17, 59, 40)
        morning = datetime(2026, 3, 3, 6, 0)
        with freeze_time(evening):
            repair = self._received_repair(serial="SN-S10")
            note = self._notes(repair, "received")
            self.assertFalse(note.send_after)
            self.standin.state.fail_count, self.standin.state.fail_kind = 1, "500"
            self._queue()
            sms = self.env["sms.sms"].search([("uuid", "=", note.sms_uuid)])
            self.assertEqual(sms.state, "outgoing")
            self.assertEqual(sms.sc_attempts, 1)
            self.assertEqual(sms.sc_send_after, morning)
            self.assertEqual(note.state, "outgoing")
            self.assertEqual(note.send_after, morning)
            self.assertIn("503", note.failure_reason)
        for moment in (datetime(2026, 3, 2, 18, 0, 30), datetime(2026, 3, 3, 5, 59)):
            with freeze_time(moment):
                self._queue()
            self.assertFalse(self._sent(), moment)
            self.assertEqual(sms.sc_attempts, 1)
        with freeze_time(morning + timedelta(minutes=1)):
            self._queue()
        self.assertEqual(len(self._sent()), 1)
        self.assertEqual(sms.sc_attempts, 2)
        self.assertEqual(note.state, "pending")

    def test_held_sms_due_in_quiet_hours_waits(self):
        """Rendered at 20:59, reached by the worker at 21:01: held, not sent."""
        with freeze_time(datetime(2026, 3, 2, 17, 59)):
            repair = self._received_repair(serial="SN-S11")
            note = self._notes(repair, "received")
            self.assertFalse(note.send_after)
        with freeze_time(datetime(2026, 3, 2, 18, 1)):
            self._queue()
        self.assertFalse(self._sent())
        self.assertEqual(note.send_after, datetime(2026, 3, 3, 6, 0))
        self.assertEqual(note.state, "outgoing")
        with freeze_time(datetime(2026, 3, 3, 6, 0)):
            self._queue()
        self.assertEqual(len(self._sent()), 1)

    def _failed_stage_sms(self, serial):
        """A Received SMS the gateway failed (down, no attempt left)."""
        self.gateway.max_attempts = 1
        repair = self._received_repair(serial=serial)
        note = self._notes(repair, "received")
        self.standin.state.fail_count, self.standin.state.fail_kind = 1, "500"
        self._queue()
        sms = self.env["sms.sms"].search([("uuid", "=", note.sms_uuid)])
        self.assertEqual(sms.state, "error")
        self.assertEqual(note.state, "error")
        self.assertFalse(self._sent())
        return repair, note, sms

    @freeze_time(NOON)
    def test_resend_failed_goes_through_the_queue(self):
        """Odoo's "Resend" on failed SMS: queued, and the user is told so."""
        _repair, note, sms = self._failed_stage_sms("SN-S16")
        action = sms.resend_failed()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "1 out of the 1 selected SMS are back", action["params"]["message"]
        )
        self.assertEqual((sms.state, sms.sc_attempts), ("outgoing", 0))
        self.assertFalse(sms.failure_type)
        self.assertEqual(note.state, "outgoing")
        self.assertFalse(self._sent(), "nothing leaves before the queue worker")
        self._queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(note.state, "pending")
        self.assertEqual(len(self._sent()), 1)
        # Nothing left to resend: nothing doubled.
        action = sms.resend_failed()
        self.assertEqual(action["params"]["type"], "danger")
        self._queue()
        self.assertEqual(len(self._sent()), 1)

    def test_resend_wizard_as_receptionist(self):
        """The chatter's resend wizard, by the branch's receptionist, at
        22:00 in Moscow: queued for the morning, reported as such, sent once."""
        with freeze_time(NOON):
            repair, note, sms = self._failed_stage_sms("SN-S17")
        message = sms.mail_message_id
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        with freeze_time(datetime(2026, 3, 2, 19, 0)):
            wizard = (
                self.env["sms.resend"]
                .with_user(self.receptionist)
                .with_context(default_mail_message_id=message.id)
                .create({})
            )
            self.assertEqual(len(wizard.recipient_ids), 1)
            action = wizard.action_resend()
            self.assertEqual(action["params"]["type"], "success")
            self.assertIn("wait for the end", action["params"]["message"])
            self.assertEqual(
                action["params"]["next"]["type"], "ir.actions.act_window_close"
            )
            new = self.env["sms.sms"].search(
                [("mail_message_id", "=", message.id), ("id", "!=", sms.id)]
            )
            self.assertEqual(len(new), 1)
            self.assertEqual(new.state, "outgoing")
            self.assertEqual(new.sc_gateway_id, self.gateway)
            self.assertEqual(new.sc_branch_id, repair.branch_id)
            self.assertEqual(new.sc_send_after, datetime(2026, 3, 3, 6, 0))
            self.assertTrue(sms.to_delete, "the failed row is retired")
            self.assertEqual((note.sms_uuid, note.state), (new.uuid, "outgoing"))
            self.assertEqual(notification.notification_status, "ready")
            self._queue()
            self.assertFalse(self._sent(), "quiet hours")
        with freeze_time(datetime(2026, 3, 3, 6, 1)):
            self._queue()
        self.assertEqual(len(self._sent()), 1)
        self.assertEqual(note.state, "pending")
        self.assertEqual(notification.notification_status, "pending")
        # The retired row cannot be resent a second time.
        self.assertEqual(sms.resend_failed()["params"]["type"], "danger")

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

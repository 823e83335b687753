from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestFactsLock(ServiceCenterCase):
    """After intake the facts hold; a received repair is never deleted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Anna Smirnova", "mobile": "+7 916 000-11-22"}
        )
        cls.other_device = cls.env["product.product"].create(
            {
                "name": "Test Tablet",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )

    def test_facts_are_locked_after_intake(self):
        repair = self._received_repair(serial="SN-FACT-1")
        other = self._received_repair(serial="SN-FACT-2")
        lot, partner, name = repair.lot_id, repair.partner_id, repair.name
        for user in (self.engineer, self.receptionist, self.manager):
            for vals in (
                {"partner_id": self.other_client.id},
                {"product_id": self.other_device.id},
                {"lot_id": other.lot_id.id},
                {"serial_number": "SN-FACT-2"},
                {"name": "RO/FORGED"},
                {"picking_type_id": self.branch_b.repair_type_id.id},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, "can no longer change"):
                        repair.with_user(user).write(vals)
        self.assertEqual(repair.lot_id, lot)
        self.assertEqual(repair.partner_id, partner)
        self.assertEqual(repair.name, name)
        # Writing the same value is not a change; other fields stay editable.
        repair.with_user(self.engineer).write(
            {"partner_id": partner.id, "diagnosis": "Water damage"}
        )
        self.assertEqual(repair.diagnosis, "Water damage")

    def test_facts_editable_before_intake(self):
        repair = self._new_repair(serial="SN-FACT-3")
        repair.write({"partner_id": self.other_client.id, "serial_number": "SN-X3"})
        self.assertEqual(repair.partner_id, self.other_client)

    @freeze_time("2026-03-10 09:00:00")
    def test_receptionist_cannot_move_promised_date_into_the_past(self):
        repair = self._received_repair(
            serial="SN-PROMISE", promised_date=date(2026, 3, 12)
        )
        with self.assertRaisesRegex(UserError, "in the past"):
            repair.with_user(self.receptionist).write(
                {"promised_date": date(2026, 3, 9)}
            )
        self.assertEqual(repair.promised_date, date(2026, 3, 12))
        repair.with_user(self.receptionist).write({"promised_date": date(2026, 3, 14)})
        self.assertEqual(repair.promised_date, date(2026, 3, 14))

    def test_manager_corrects_a_serial_typo_in_the_chatter(self):
        repair = self._received_repair(serial="SN-TYPO-1")
        lot = repair.lot_id
        location = repair.device_location_id
        with self.assertRaises(AccessError):
            repair.with_user(self.engineer).action_sc_correct_serial(
                "SN-TYPO-7", "Typo"
            )
        with self.assertRaisesRegex(UserError, "reason"):
            repair.with_user(self.manager).action_sc_correct_serial("SN-TYPO-7", " ")
        with self.assertRaisesRegex(UserError, "not a serial number"):
            repair.with_user(self.manager).action_sc_correct_serial("Ы", "Typo")
        repair.with_user(self.manager).action_sc_correct_serial(
            "SN-TYPO-7", "1 and 7 mixed up at intake"
        )
        self.assertEqual(repair.serial_number, "SN-TYPO-7")
        self.assertEqual(repair.lot_id, lot)
        self.assertEqual(lot.name, "SN-TYPO-7")
        self.assertEqual(repair.device_location_id, location)
        body = repair.message_ids[0].body
        self.assertIn("SN-TYPO-1", body)
        self.assertIn("1 and 7 mixed up at intake", body)
        self.assertEqual(repair.message_ids[0].author_id, self.manager.partner_id)

    def test_manager_corrects_a_serial_through_the_form(self):
        repair = self._received_repair(serial="SN-TYPO-4")
        action = repair.with_user(self.manager).action_sc_open_serial_correction()
        self.assertEqual(action["res_model"], "repair.serial.wizard")
        wizard_model = self.env["repair.serial.wizard"].with_context(
            **action["context"]
        )
        with self.assertRaises(AccessError):
            wizard_model.with_user(self.engineer).create(
                {"repair_id": repair.id, "new_serial": "SN-TYPO-9", "reason": "x"}
            )
        with Form(wizard_model.with_user(self.manager)) as form:
            self.assertEqual(form.current_serial, "SN-TYPO-4")
            form.new_serial = "SN-TYPO-9"
            form.reason = "4 and 9 mixed up at intake"
        form.record.action_apply()
        self.assertEqual(repair.serial_number, "SN-TYPO-9")
        self.assertIn("4 and 9 mixed up at intake", repair.message_ids[0].body)

    def test_correction_cannot_take_another_device(self):
        repair = self._received_repair(serial="SN-TYPO-2")
        self._received_repair(serial="SN-TYPO-3")
        with self.assertRaisesRegex(UserError, "not a typo"):
            repair.with_user(self.manager).action_sc_correct_serial(
                "SN-TYPO-3", "Wrong device"
            )
        self.assertEqual(repair.serial_number, "SN-TYPO-2")

    def test_received_repair_cannot_be_deleted_by_anyone(self):
        repair = self._received_repair(serial="SN-DEL-1")
        history = repair.stage_history_ids
        admin = self.env.ref("base.user_admin")
        admin.sc_branch_ids = self.branch_a
        for user in (
            self.receptionist,
            self.engineer,
            self.warehouse_keeper,
            self.manager,
            admin,
        ):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    repair.with_user(user).unlink()
        self.assertTrue(repair.exists())
        self.assertEqual(repair.stage_history_ids, history)

    def test_new_repair_can_be_deleted_with_its_history(self):
        repair = self._new_repair(serial="SN-DEL-2")
        history = repair.stage_history_ids
        self.assertTrue(history)
        repair.with_user(self.receptionist).unlink()
        self.assertFalse(repair.exists())
        self.assertFalse(history.exists())

    def test_audit_rows_are_read_only_for_users(self):
        repair = self._received_repair(serial="SN-AUDIT")
        history = repair.stage_history_ids.filtered(lambda p: p.stage == "received")
        for user in (self.receptionist, self.engineer, self.manager):
            History = self.env["repair.stage.history"].with_user(user)
            Log = self.env["repair.deadline.log"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    History.create(
                        {
                            "repair_id": repair.id,
                            "stage": "ready",
                            "user_id": user.id,
                            "date_start": "2026-01-01 10:00:00",
                        }
                    )
                with self.assertRaises(AccessError):
                    history.with_user(user).write({"stage": "ready"})
                with self.assertRaises(AccessError):
                    history.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    Log.create(
                        {
                            "repair_id": repair.id,
                            "user_id": user.id,
                            "reason": "forged",
                        }
                    )
        self.assertEqual(history.stage, "received")

    def test_audit_rows_restrict_deleting_their_repair(self):
        repair = self._new_repair(serial="SN-AUDIT-FK")
        self.env.flush_all()
        # Even below the ORM, the database keeps the repair of an audit row.
        with (
            self.assertRaisesRegex(
                psycopg2.errors.ForeignKeyViolation, "repair_stage_history"
            ),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute("DELETE FROM repair_order WHERE id = %s", [repair.id])
        self.assertTrue(repair.exists())

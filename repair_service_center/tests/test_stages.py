from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestStages(ServiceCenterCase):
    def test_forbidden_jump_is_refused_with_clear_message(self):
        repair = self._received_repair(serial="SN-JUMP")
        with self.assertRaises(UserError) as error:
            repair.with_user(self.engineer)._sc_set_stage("ready")
        message = str(error.exception)
        self.assertIn("cannot go from “Received” to “Ready”", message)
        self.assertIn("Diagnosis", message)
        self.assertEqual(repair.service_stage, "received")

    def test_delivered_is_final(self):
        repair = self._received_repair(serial="SN-FINAL")
        with self.assertRaises(UserError):
            repair.write({"service_stage": "delivered"})

    def test_stage_changes_are_tracked_with_who_and_when(self):
        with freeze_time("2026-03-10 08:00:00"):
            repair = self._received_repair(serial="SN-TRACK")
            self.env.cr.precommit.run()  # each step is its own transaction
        with freeze_time("2026-03-10 11:30:00"):
            repair.with_user(self.engineer).action_sc_start_diagnosis()
            self.env.cr.precommit.run()  # tracking values are written on commit
        repair.invalidate_recordset(["message_ids"])
        self.assertEqual(repair.service_stage, "diagnosis")
        self.assertEqual(repair.engineer_id, self.engineer)
        tracking = repair.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "service_stage"
        )
        self.assertTrue(tracking)
        last = tracking.sorted("id")[-1]
        self.assertEqual(last.mail_message_id.author_id, self.engineer.partner_id)
        self.assertEqual(last.new_value_char, "Diagnosis")
        periods = repair.stage_history_ids.sorted("id")
        self.assertEqual(periods.mapped("stage"), ["new", "received", "diagnosis"])
        received = periods.filtered(lambda p: p.stage == "received")
        self.assertEqual(received.date_start, datetime(2026, 3, 10, 8, 0))
        self.assertEqual(received.date_end, datetime(2026, 3, 10, 11, 30))
        self.assertAlmostEqual(received.duration_hours, 3.5)
        self.assertEqual(received.user_id, self.receptionist)
        with freeze_time("2026-03-10 12:30:00"):
            hours = repair.stage_time_hours()
        self.assertAlmostEqual(hours["received"], 3.5)
        self.assertAlmostEqual(hours["diagnosis"], 1.0)

    def test_allowed_stages_offered(self):
        repair = self._received_repair(serial="SN-ALLOWED")
        self.assertEqual(repair.allowed_next_stages, "diagnosis,cancelled")

    def test_cancel_keeps_device_until_it_is_returned(self):
        repair = self._received_repair(serial="SN-CANCEL")
        repair.with_user(self.receptionist).action_sc_cancel()
        self.assertEqual(repair.service_stage, "cancelled")
        self.assertEqual(repair.state, "cancel")
        quant = self._device_quant(repair)
        self.assertEqual(quant.location_id, self.branch_a.sc_to_return_location_id)
        self.assertEqual(quant.owner_id, self.client)
        repair.with_user(self.receptionist).action_sc_return_device()
        self.assertFalse(self._device_quant(repair))

    def test_stage_change_query_count(self):
        repair = self._received_repair(serial="SN-QC-STAGE")
        repair = repair.with_user(self.engineer)
        repair.env.invalidate_all()
        with self.assertQueryCount(28):
            repair._sc_set_stage("diagnosis")

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 07:00:00")  # a Tuesday, 10:00 in Moscow
class TestDeadlineRules(ServiceCenterCase):
    def _assigned(self, serial, engineer=None, **vals):
        repair = self._received_repair(serial=serial, **vals)
        repair.with_user(self.manager).write(
            {"engineer_id": (engineer or self.engineer).id}
        )
        return repair

    def test_first_deadline_is_proposed_on_assignment(self):
        repair = self._assigned("SN-DLR-1", estimated_hours=2.0)
        self.assertEqual(repair.date_deadline, datetime(2026, 3, 10, 16, 0))
        self.assertEqual(len(repair.deadline_log_ids), 1)
        # Reassigning does not move an existing deadline by itself.
        repair.with_user(self.manager).write({"engineer_id": self.engineer_2.id})
        self.assertEqual(repair.date_deadline, datetime(2026, 3, 10, 16, 0))
        self.assertEqual(len(repair.deadline_log_ids), 1)

    def test_context_reason_grants_nothing(self):
        repair = self._assigned("SN-DLR-2")
        first = repair.date_deadline
        for user in (self.engineer, self.receptionist, self.manager):
            for reason in ("", "because", " "):
                with self.subTest(user=user.login, reason=reason):
                    with self.assertRaisesRegex(UserError, "needs a reason"):
                        repair.with_user(user).with_context(
                            sc_deadline_reason=reason
                        ).write({"date_deadline": datetime(2026, 3, 25, 16, 0)})
        self.assertEqual(repair.date_deadline, first)
        self.assertEqual(len(repair.deadline_log_ids), 1)

    def test_change_is_a_managers_act_with_a_reason(self):
        repair = self._assigned("SN-DLR-3")
        first = repair.date_deadline
        new = datetime(2026, 3, 20, 16, 0)
        for user in (self.engineer, self.receptionist, self.warehouse_keeper):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    repair.with_user(user).action_sc_set_deadline(new, "Busy")
        for reason in ("", "   ", False):
            with self.assertRaisesRegex(UserError, "reason"):
                repair.with_user(self.manager).action_sc_set_deadline(new, reason)
        self.assertEqual(repair.date_deadline, first)
        repair.with_user(self.manager).action_sc_set_deadline(
            "2026-03-20 16:00:00", "Original screen ordered"
        )
        self.assertEqual(repair.date_deadline, new)
        self.assertEqual(repair.schedule_date, new)
        last = repair.deadline_log_ids.sorted("id")[-1]
        self.assertEqual(
            (last.old_deadline, last.new_deadline, last.user_id, last.reason),
            (first, new, self.manager, "Original screen ordered"),
        )

    def test_clearing_counts_as_a_change(self):
        repair = self._assigned("SN-DLR-4")
        with self.assertRaisesRegex(UserError, "needs a reason"):
            repair.with_user(self.manager).write({"date_deadline": False})
        with self.assertRaises(AccessError):
            repair.with_user(self.engineer).action_sc_set_deadline(False, "No rush")
        repair.with_user(self.manager).action_sc_set_deadline(False, "Client abroad")
        self.assertFalse(repair.date_deadline)
        last = repair.deadline_log_ids.sorted("id")[-1]
        self.assertFalse(last.new_deadline)
        self.assertEqual(last.reason, "Client abroad")

    def test_past_deadline_is_refused(self):
        repair = self._assigned("SN-DLR-5")
        first = repair.date_deadline
        with self.assertRaisesRegex(UserError, "in the past"):
            repair.with_user(self.manager).action_sc_set_deadline(
                datetime(2026, 3, 9, 16, 0), "Backdating"
            )
        self.assertEqual(repair.date_deadline, first)
        blank = self._received_repair(serial="SN-DLR-6")
        with self.assertRaisesRegex(UserError, "in the past"):
            blank.with_user(self.manager).write(
                {"date_deadline": datetime(2026, 3, 9, 16, 0)}
            )
        self.assertFalse(blank.date_deadline)

    def test_first_deadline_typed_by_a_manager_only(self):
        repair = self._received_repair(serial="SN-DLR-7")
        with self.assertRaises(AccessError):
            repair.with_user(self.receptionist).write(
                {"date_deadline": datetime(2026, 3, 12, 16, 0)}
            )
        repair.with_user(self.manager).write(
            {"date_deadline": datetime(2026, 3, 12, 16, 0)}
        )
        self.assertEqual(repair.date_deadline, datetime(2026, 3, 12, 16, 0))
        self.assertEqual(repair.deadline_log_ids.user_id, self.manager)

    def test_wizard_goes_through_the_public_method(self):
        repair = self._assigned("SN-DLR-8")
        wizard = (
            self.env["repair.deadline.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "repair_id": repair.id,
                    "new_deadline": datetime(2026, 3, 9, 16, 0),
                    "reason": "Oops",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "in the past"):
            wizard.action_apply()
        wizard.new_deadline = datetime(2026, 3, 19, 16, 0)
        wizard.reason = "  "
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()

    def test_public_holiday_is_skipped(self):
        # Wednesday 11 March is a public holiday of the branch calendar.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 10, 21, 0),  # 00:00 Moscow
                "date_to": datetime(2026, 3, 11, 20, 59),
            }
        )
        first = self._assigned("SN-HOL-1", estimated_hours=6.0)  # fills Tuesday
        second = self._assigned("SN-HOL-2", estimated_hours=1.0)
        self.assertEqual(first.date_deadline, datetime(2026, 3, 10, 16, 0))
        self.assertEqual(second.date_deadline, datetime(2026, 3, 12, 16, 0))

    def test_lunch_break_does_not_cut_the_day(self):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "With lunch",
                "tz": "Europe/Moscow",
                "attendance_ids": [
                    (0, 0, vals)
                    for day in range(5)
                    for vals in (
                        {
                            "name": "Morning",
                            "dayofweek": str(day),
                            "hour_from": 9.0,
                            "hour_to": 13.0,
                            "day_period": "morning",
                        },
                        {
                            "name": "Afternoon",
                            "dayofweek": str(day),
                            "hour_from": 14.0,
                            "hour_to": 18.0,
                            "day_period": "afternoon",
                        },
                    )
                ],
            }
        )
        deadline = self.env["repair.order"]._sc_plan_deadline(
            self.engineer, 1.0, 0.0, calendar
        )
        self.assertEqual(deadline, datetime(2026, 3, 10, 15, 0))  # 18:00 Moscow

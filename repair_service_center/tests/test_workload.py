from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 07:00:00")  # a Tuesday, 10:00 in Moscow
class TestWorkload(ServiceCenterCase):
    def _assign(self, repair, engineer):
        repair.with_user(self.manager).write({"engineer_id": engineer.id})
        return repair

    def test_deadline_proposed_from_queue_and_working_days(self):
        # 6 h/day engineer; each repair 4.5 h (screen 1.5 + ... ) -> queue grows.
        works = self.work_screen | self.work_battery  # 2.5 h
        r1 = self._received_repair(serial="SN-W1", service_work_ids=works.ids)
        r2 = self._received_repair(serial="SN-W2", service_work_ids=works.ids)
        r3 = self._received_repair(serial="SN-W3", service_work_ids=works.ids)
        self.assertEqual(r1.estimated_hours, 2.5)
        self._assign(r1, self.engineer)
        self._assign(r2, self.engineer)
        self._assign(r3, self.engineer)
        # 2.5 h and 5 h fit into Tuesday (6 h), 7.5 h spills into Wednesday.
        # End of day is 19:00 Moscow = 16:00 UTC.
        self.assertEqual(r1.date_deadline, datetime(2026, 3, 10, 16, 0))
        self.assertEqual(r2.date_deadline, datetime(2026, 3, 10, 16, 0))
        self.assertEqual(r3.date_deadline, datetime(2026, 3, 11, 16, 0))
        self.assertEqual(r3.schedule_date, r3.date_deadline)
        log = r3.deadline_log_ids
        self.assertEqual(len(log), 1)
        self.assertIn(self.engineer.name, log.reason)
        self.assertEqual(log.user_id, self.manager)

    def test_weekend_is_skipped(self):
        with freeze_time("2026-03-13 07:00:00"):  # Friday
            repairs = [
                self._received_repair(serial=f"SN-WE{i}", estimated_hours=4.0)
                for i in range(2)
            ]
            for repair in repairs:
                self._assign(repair, self.engineer_2)  # 4 h/day
            self.assertEqual(repairs[0].date_deadline, datetime(2026, 3, 13, 16, 0))
            self.assertEqual(repairs[1].date_deadline, datetime(2026, 3, 16, 16, 0))

    def test_engineer_without_capacity_is_refused(self):
        repair = self._received_repair(serial="SN-NOCAP")
        with self.assertRaisesRegex(UserError, "no daily capacity"):
            self._assign(repair, self.engineer_no_capacity)

    def test_change_of_deadline_needs_reason_and_is_logged(self):
        repair = self._assign(self._received_repair(serial="SN-DL"), self.engineer)
        first = repair.date_deadline
        with self.assertRaisesRegex(UserError, "needs a reason"):
            repair.with_user(self.manager).write(
                {"date_deadline": datetime(2026, 3, 20, 16, 0)}
            )
        wizard = (
            self.env["repair.deadline.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "repair_id": repair.id,
                    "new_deadline": datetime(2026, 3, 20, 16, 0),
                    "reason": "Client agreed to wait for an original screen",
                }
            )
        )
        self.assertEqual(wizard.proposed_deadline, first)
        wizard.action_apply()
        self.assertEqual(repair.date_deadline, datetime(2026, 3, 20, 16, 0))
        last = repair.deadline_log_ids.sorted("id")[-1]
        self.assertEqual(last.old_deadline, first)
        self.assertEqual(last.reason, "Client agreed to wait for an original screen")
        self.assertEqual(last.user_id, self.manager)

    def test_engineer_cannot_change_deadline_through_wizard(self):
        repair = self._assign(self._received_repair(serial="SN-DL2"), self.engineer)
        wizard = self.env["repair.deadline.wizard"].create(
            {"repair_id": repair.id, "reason": "I want more time"}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.engineer).action_apply()

    def test_workload_report(self):
        r1 = self._assign(
            self._received_repair(serial="SN-R1", estimated_hours=2.0), self.engineer
        )
        self._assign(
            self._received_repair(serial="SN-R2", estimated_hours=3.0), self.engineer
        )
        self._assign(
            self._received_repair(serial="SN-R3", estimated_hours=1.0), self.engineer_2
        )
        with freeze_time("2026-03-12 07:00:00"):
            self.env.flush_all()
            Report = self.env["repair.workload.report"].with_user(self.manager)
            groups = Report._read_group(
                [("engineer_id", "in", (self.engineer | self.engineer_2).ids)],
                ["engineer_id"],
                ["estimated_hours:sum", "repair_count:sum"],
            )
            result = {eng: (hours, count) for eng, hours, count in groups}
            self.assertEqual(result[self.engineer], (5.0, 2))
            self.assertEqual(result[self.engineer_2], (1.0, 1))
        # The report counts open repairs only.
        r1.with_user(self.receptionist).action_sc_cancel()
        self.env.flush_all()
        rows = self.env["repair.workload.report"].search(
            [("engineer_id", "=", self.engineer.id)]
        )
        self.assertEqual(len(rows), 1)

    def test_engineer_must_work_in_branch(self):
        other = self.env["res.users"].create(
            {
                "name": "Branch B engineer",
                "login": "sc_eng_b",
                "groups_id": [
                    (6, 0, [self.env.ref("repair_service_center.group_sc_engineer").id])
                ],
                "sc_branch_ids": [(6, 0, self.branch_b.ids)],
                "sc_daily_capacity": 6,
            }
        )
        repair = self._received_repair(serial="SN-OTHERBRANCH")
        with self.assertRaises(ValidationError):
            self._assign(repair, other)

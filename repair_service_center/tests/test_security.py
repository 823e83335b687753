from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestBranchSecurity(ServiceCenterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repair_a = cls._received_repair(serial="SN-SEC-A")
        cls.repair_b = cls._new_repair(
            serial="SN-SEC-B",
            user=cls.receptionist_b,
            picking_type_id=cls.branch_b.repair_type_id.id,
        )
        cls.repair_b.with_user(cls.receptionist_b).action_sc_confirm_intake()

    def test_user_of_branch_a_cannot_read_branch_b(self):
        Repair = self.env["repair.order"].with_user(self.receptionist)
        visible = Repair.search([("id", "in", (self.repair_a | self.repair_b).ids)])
        self.assertEqual(visible, self.repair_a)
        with self.assertRaises(AccessError):
            self.repair_b.with_user(self.receptionist).read(["name"])

    def test_user_of_branch_a_cannot_write_branch_b(self):
        with self.assertRaises(AccessError):
            self.repair_b.with_user(self.receptionist).write({"accessories": "none"})
        with self.assertRaises(AccessError):
            self.repair_b.with_user(self.engineer).action_sc_start_diagnosis()
        self.assertEqual(self.repair_b.service_stage, "received")

    def test_engineer_and_operator_see_own_branch_only(self):
        for user in (self.engineer, self.operator, self.manager):
            found = (
                self.env["repair.order"]
                .with_user(user)
                .search([("id", "in", (self.repair_a | self.repair_b).ids)])
            )
            self.assertEqual(found, self.repair_a, user.login)

    def test_operator_reads_but_cannot_write(self):
        self.repair_a.with_user(self.operator).read(["name", "service_stage"])
        with self.assertRaises(AccessError):
            self.repair_a.with_user(self.operator).write({"accessories": "box"})

    def test_granting_a_branch_opens_its_repairs(self):
        self.receptionist.sc_branch_ids = self.branch_a | self.branch_b
        found = (
            self.env["repair.order"]
            .with_user(self.receptionist)
            .search([("id", "in", (self.repair_a | self.repair_b).ids)])
        )
        self.assertEqual(found, self.repair_a | self.repair_b)

    def test_history_and_workload_follow_branch_rules(self):
        History = self.env["repair.stage.history"].with_user(self.engineer)
        self.assertFalse(History.search([("repair_id", "=", self.repair_b.id)]))
        self.assertTrue(History.search([("repair_id", "=", self.repair_a.id)]))

    def test_current_branch_must_be_allowed(self):
        with self.assertRaises(ValidationError):
            self.receptionist.with_user(self.receptionist).write(
                {"sc_branch_id": self.branch_b.id}
            )

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.repair_order import STAGE_STATES
from .common import ServiceCenterCase

# Odoo's own repair steps that change ``state``.
ODOO_REPAIR_METHODS = (
    "action_validate",
    "action_repair_start",
    "action_repair_end",
    "action_repair_done",
    "action_repair_cancel",
    "action_repair_cancel_draft",
)


@tagged("post_install", "-at_install")
class TestStageMachine(ServiceCenterCase):
    """The stage machine is the only door to the stage and its stamps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.sc_branch_ids = cls.branch_a | cls.branch_b

    def _assert_pair(self, repair, label=""):
        repair.invalidate_recordset(["state", "service_stage"])
        self.assertEqual(
            repair.state,
            STAGE_STATES[repair.service_stage],
            f"{label}: state {repair.state} with stage {repair.service_stage}",
        )

    def _repair_in(self, stage, serial):
        """A repair brought to ``stage`` through the machine's own actions."""
        if stage == "new":
            return self._new_repair(serial=serial)
        repair = self._received_repair(serial=serial)
        if stage == "cancelled":
            repair.with_user(self.receptionist).action_sc_cancel()
            return repair
        if stage == "received":
            return repair
        repair.with_user(self.engineer).action_sc_start_diagnosis()
        if stage == "diagnosis":
            return repair
        if stage == "waiting_parts":
            repair.with_user(self.engineer).write(
                {
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": self.part_battery.id,
                                "product_uom_qty": 1,
                                "repair_line_type": "add",
                            }
                        )
                    ]
                }
            )
            repair.with_user(self.engineer).action_sc_request_parts()
            return repair
        repair.with_user(self.engineer).action_sc_start_repair()
        if stage == "in_repair":
            return repair
        repair.with_user(self.engineer).action_sc_set_ready()
        if stage == "ready":
            return repair
        self._pay_repair(repair)
        repair.with_user(self.receptionist).action_sc_deliver()
        return repair

    # ------------------------------------------------------------------
    # write / create
    # ------------------------------------------------------------------
    def test_stage_cannot_be_written_by_anyone(self):
        repair = self._received_repair(serial="SN-DOOR-1")
        for user in (self.engineer, self.receptionist, self.manager, self.admin):
            for vals in (
                {"service_stage": "diagnosis"},  # even an allowed move
                {"service_stage": "delivered"},
                {"service_stage": "cancelled"},
                {"state": "done"},
                {"intake_user_id": user.id},
                {"intake_date": "2020-01-01 10:00:00"},
                {"service_stage_date": "2020-01-01 10:00:00"},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, "service stages"):
                        repair.with_user(user).write(vals)
        self.assertEqual(repair.service_stage, "received")
        self.assertEqual(repair.state, "confirmed")
        self.assertEqual(repair.intake_user_id, self.receptionist)
        self.assertEqual(
            repair.stage_history_ids.sorted("id").mapped("stage"), ["new", "received"]
        )

    def test_context_key_is_not_a_permission(self):
        repair = self._received_repair(serial="SN-DOOR-2")
        for key in ("sc_machine", "sc_deadline_reason"):
            with self.assertRaisesRegex(UserError, "service stages"):
                repair.with_user(self.engineer).with_context(**{key: "machine"}).write(
                    {"service_stage": "ready"}
                )
        self.assertEqual(repair.service_stage, "received")

    def test_forged_create_is_refused(self):
        Repair = self.env["repair.order"].with_user(self.receptionist)
        base = {
            "picking_type_id": self.branch_a.repair_type_id.id,
            "product_id": self.device.id,
            "fault_description": "Dead",
        }
        for forged in (
            {"service_stage": "delivered"},
            {"state": "done"},
            {"intake_user_id": self.manager.id},
            {"intake_date": "2020-01-01 10:00:00"},
            {"service_stage_date": "2020-01-01 10:00:00"},
        ):
            with self.subTest(forged=forged):
                with self.assertRaisesRegex(UserError, "starts as “New”"):
                    Repair.create(dict(base, **forged))
        with self.assertRaisesRegex(UserError, "starts as “New”"):
            Repair.with_context(default_service_stage="ready").create(dict(base))
        self.assertFalse(
            self.env["repair.order"].search([("fault_description", "=", "Dead")])
        )
        # Stating the starting point itself is harmless.
        repair = Repair.create(dict(base, service_stage="new", state="draft"))
        self.assertEqual(repair.service_stage, "new")
        self.assertFalse(repair.intake_user_id)
        self.assertTrue(repair.service_stage_date)

    def test_transition_checks_role_at_every_entry(self):
        repair = self._received_repair(serial="SN-DOOR-3")
        with self.assertRaises(AccessError):
            repair.with_user(self.receptionist).action_sc_transition("diagnosis")
        with self.assertRaises(AccessError):
            repair.with_user(self.warehouse_keeper).action_sc_transition("cancelled")
        with self.assertRaisesRegex(UserError, "not a service stage"):
            repair.with_user(self.engineer).action_sc_transition("done")
        with self.assertRaisesRegex(UserError, "cannot go from"):
            repair.with_user(self.receptionist).action_sc_transition("delivered")
        self.assertEqual(repair.service_stage, "received")
        repair.with_user(self.engineer).action_sc_transition("diagnosis")
        self.assertEqual(repair.service_stage, "diagnosis")
        self._assert_pair(repair, "diagnosis")

    def test_hook_runs_without_the_machine_mark(self):
        seen = []
        Repair = type(self.env["repair.order"])

        def hook(records, old_stages):
            seen.append((records.env.context.get("sc_machine"), dict(old_stages)))
            return True

        repair = self._new_repair(serial="SN-DOOR-4")
        self.patch(Repair, "_sc_on_stage_changed", hook)
        repair.with_user(self.receptionist).action_sc_confirm_intake()
        self.assertEqual(seen, [(None, {repair.id: "new"})])

    # ------------------------------------------------------------------
    # Odoo's own repair steps
    # ------------------------------------------------------------------
    def test_every_odoo_method_in_every_stage_keeps_the_pair(self):
        repairs = {
            stage: self._repair_in(stage, f"SN-MTX-{index}")
            for index, stage in enumerate(STAGE_STATES)
        }
        for stage, repair in repairs.items():
            self.assertEqual(repair.service_stage, stage)
            self._assert_pair(repair, stage)
            for method in ODOO_REPAIR_METHODS:
                for user in (self.engineer, self.manager):
                    with self.subTest(stage=stage, method=method, user=user.login):
                        with self.assertRaisesRegex(UserError, "follows the service"):
                            getattr(repair.with_user(user), method)()
                        self._assert_pair(repair, f"{stage} after {method}")
                        self.assertEqual(repair.service_stage, stage)

    def test_insufficient_quantity_wizard_cannot_confirm(self):
        repair = self._new_repair(serial="SN-MTX-WIZ")
        wizard = (
            self.env["stock.warn.insufficient.qty.repair"]
            .with_user(self.receptionist)
            .create(
                {
                    "repair_id": repair.id,
                    "product_id": self.device.id,
                    "location_id": self.branch_a.sc_reception_location_id.id,
                    "quantity": 1.0,
                    "product_uom_name": "Units",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "follows the service"):
            wizard.action_done()
        self._assert_pair(repair, "new after the wizard")

    def test_machine_walk_keeps_the_pair(self):
        repair = self._new_repair(serial="SN-WALK")
        self._assert_pair(repair, "new")
        steps = [
            (self.receptionist, "received"),
            (self.engineer, "diagnosis"),
            (self.engineer, "in_repair"),
            (self.engineer, "ready"),
            (self.receptionist, "delivered"),
        ]
        for user, stage in steps:
            if stage == "delivered":
                self._pay_repair(repair)
            repair.with_user(user).action_sc_transition(stage)
            self.assertEqual(repair.service_stage, stage)
            self._assert_pair(repair, stage)
        cancelled = self._new_repair(serial="SN-WALK-2")
        cancelled.with_user(self.receptionist).action_sc_transition("cancelled")
        self._assert_pair(cancelled, "cancelled from new")

from odoo.tests import HttpCase, tagged

from .common import ServiceCenterCase, XmlRpcMixin


@tagged("post_install", "-at_install")
class TestExternalApi(XmlRpcMixin, ServiceCenterCase, HttpCase):
    """A hostile low-privileged user through Odoo's documented XML-RPC API."""

    def test_engineer_cannot_bypass_the_stage_machine(self):
        repair = self._received_repair(serial="SN-RPC-1")
        engineer = self.engineer
        # The API works for this user: a plain read succeeds.
        rows = self._call(engineer, "repair.order", "read", [repair.id], ["name"])
        self.assertEqual(rows[0]["name"], repair.name)
        for vals in (
            {"service_stage": "delivered"},
            {"state": "done"},
            {"intake_user_id": engineer.id},
        ):
            self._refused(
                "service stages", engineer, "repair.order", "write", [repair.id], vals
            )
        # A context key is no permission either.
        self._refused(
            "service stages",
            engineer,
            "repair.order",
            "write",
            [repair.id],
            {"service_stage": "ready"},
            context={"sc_machine": True, "sc_deadline_reason": "x"},
        )
        # Odoo's own step around the machine.
        self._refused(
            "follows the service",
            engineer,
            "repair.order",
            "action_repair_start",
            [repair.id],
        )
        self._refused(
            "can no longer change",
            engineer,
            "repair.order",
            "write",
            [repair.id],
            {"partner_id": self.env["res.partner"].create({"name": "X"}).id},
        )
        self.env.invalidate_all()
        self.assertEqual(
            (repair.service_stage, repair.state, repair.intake_user_id),
            ("received", "confirmed", self.receptionist),
        )
        # The documented door works for the same user.
        self._call(
            engineer, "repair.order", "action_sc_transition", [repair.id], "diagnosis"
        )
        self.env.invalidate_all()
        self.assertEqual(
            (repair.service_stage, repair.state), ("diagnosis", "under_repair")
        )

    def test_forged_create_is_refused(self):
        self._refused(
            "starts as “New”",
            self.receptionist,
            "repair.order",
            "create",
            {
                "picking_type_id": self.branch_a.repair_type_id.id,
                "product_id": self.device.id,
                "serial_number": "SN-RPC-2",
                "service_stage": "delivered",
                "intake_user_id": self.manager.id,
                "intake_date": "2020-01-01 10:00:00",
            },
        )
        self.env.invalidate_all()
        self.assertFalse(
            self.env["repair.order"].search([("serial_number", "=", "SN-RPC-2")])
        )

    def test_received_repair_cannot_be_unlinked(self):
        repair = self._received_repair(serial="SN-RPC-3")
        for user in (self.receptionist, self.engineer, self.manager):
            self._refused(
                "cannot be deleted", user, "repair.order", "unlink", [repair.id]
            )
        self.env.invalidate_all()
        self.assertTrue(repair.exists())
        self.assertEqual(len(repair.stage_history_ids), 2)

    def test_deadline_through_the_public_method(self):
        repair = self._received_repair(serial="SN-RPC-4")
        self._refused(
            "Repair Manager",
            self.engineer,
            "repair.order",
            "action_sc_set_deadline",
            [repair.id],
            "2099-01-01 10:00:00",
            "because",
        )
        self._call(
            self.manager,
            "repair.order",
            "action_sc_set_deadline",
            [repair.id],
            "2099-01-01 10:00:00",
            "Agreed with the client",
        )
        self.env.invalidate_all()
        self.assertEqual(repair.deadline_log_ids.reason, "Agreed with the client")

"""The customer's flow end to end, across the suite's addons.

Today it covers what ``repair_service_center`` provides: reception, the
manager's deadline from the engineers' workload, diagnosis, parts from the
warehouse and purchasing, ready and handover. The integration addons extend
this scenario (call-center lead, barcode scans, SMS, payment at the till).
"""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.repair_service_center.tests.common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestSeedFlow(ServiceCenterCase):
    def test_device_goes_from_reception_to_its_owner(self):
        # 2. Reception: the client is found by phone, the device received.
        with freeze_time("2026-03-10 07:00:00"):
            repair = self._new_repair(
                serial="IMEI-490154203237518",
                client_phone="8 916 123 45 67",
                service_work_ids=[Command.set(self.work_screen.ids)],
                quoted_price=None,
            )
            repair.action_sc_confirm_intake()
            self.assertEqual(repair.partner_id, self.client)
            self.assertEqual(repair.quoted_price, 2500.0)
            self.assertEqual(
                repair.device_location_id, self.branch_a.sc_reception_location_id
            )
            # ... carried to the manager's desk.
            repair.action_sc_move_device(self.branch_a.sc_manager_desk_location_id)

        # 3. The manager assigns an engineer; the deadline follows the workload.
        with freeze_time("2026-03-10 08:00:00"):
            repair.with_user(self.manager).engineer_id = self.engineer
            self.assertEqual(repair.date_deadline, datetime(2026, 3, 10, 16, 0))
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

        # Purchasing and the warehouse bring the parts.
        with freeze_time("2026-03-12 08:00:00"):
            # The parts rule took what was on hand and bought the rest: the
            # request for quotation names the repair.
            purchase = self.env["purchase.order"].search([("origin", "=", repair.name)])
            self.assertEqual(purchase.partner_id, self.vendor)
            purchase.with_user(self.warehouse_keeper).button_confirm()
            self._validate_picking(purchase.picking_ids | repair.parts_picking_ids)
            self.assertEqual(repair.service_stage, "in_repair")

        # Ready: parts consumed, device on the ready shelf, price known.
        with freeze_time("2026-03-12 12:00:00"):
            engineer_repair.action_sc_set_ready()
            self.assertEqual(repair.service_stage, "ready")
            quant = self._device_quant(repair)
            self.assertEqual(quant.location_id, self.branch_a.sc_ready_location_id)
            self.assertEqual(quant.owner_id, self.client)
            self.assertEqual(repair.amount_total, repair.sale_order_id.amount_total)
            self.assertGreater(repair.amount_total, 2500.0)

        # 4. Handover: the client pays, the receptionist finds the device and
        # gives it back.
        with freeze_time("2026-03-12 15:00:00"):
            self._pay_repair(repair)
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
        self.assertEqual(len(repair.deadline_log_ids), 2)

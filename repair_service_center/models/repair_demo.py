"""Demo service center: repairs in every stage, made by the demo staff.

Called once from ``demo/repair_service_center_demo.xml`` at install. Each
repair goes through the real actions (intake, diagnosis, parts request,
warehouse transfer, ready, hand-over, cancel) as the user whose role does it in
the shop, so stage history, deadlines, stock moves, the RFQ and the quotation
are the ones a user would get by clicking.
"""

import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

MODULE = "repair_service_center"

# XML ids of the demo staff whose language follows the demo's (see
# _set_staff_lang).
DEMO_STAFF = (
    "demo_user_receptionist",
    "demo_user_engineer",
    "demo_user_engineer2",
    "demo_user_manager",
    "demo_user_warehouse",
    "demo_user_operator",
    "demo_user_cashier",
)

# How long ago the demo's earlier, delivered repair of a device took place.
EARLIER_REPAIR_AGE = timedelta(days=35)
# Hours after intake at which that earlier repair entered each stage.
STAGE_TIMELINE_HOURS = {
    "new": 0.0,
    "received": 0.1,
    "diagnosis": 1.0,
    "waiting_parts": 2.0,
    "in_repair": 26.0,
    "ready": 29.0,
    "delivered": 52.0,
}


class RepairServiceCenterDemo(models.AbstractModel):
    """Builder of the demo service center (no table, no records)."""

    _name = "repair.service.center.demo"
    _description = "Service Center Demo Builder"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    @api.model
    def _build(self):
        """Create the demo repairs; does nothing when they already exist."""
        if not self.env.ref(f"{MODULE}.demo_branch_tvr", raise_if_not_found=False):
            return False  # demo master data not loaded
        if self.env.ref(f"{MODULE}.demo_repair_tvr_new", raise_if_not_found=False):
            return False  # already built
        demo = self._staff()
        today = fields.Date.context_today(self)
        ref = demo["ref"]
        receptionist = demo["receptionist"]
        engineer = demo["engineer"]
        engineer2 = demo["engineer2"]
        manager = demo["manager"]
        warehouse = demo["warehouse"]
        tvr = ref("demo_branch_tvr")
        arb = ref("demo_branch_arb")
        iphone13_serial = "356789104512346"

        # --- Tverskaya -------------------------------------------------
        # An earlier repair of Ivan Petrov's iPhone, delivered a month ago:
        # the device history and the phone lookup both show it.
        earlier = self._create_repair(
            receptionist,
            "demo_repair_tvr_delivered",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_ivan_petrov").id,
                "product_id": ref("demo_product_iphone13").id,
                "serial_number": iphone13_serial,
                "fault_description": "The battery is empty by lunchtime; the phone "
                "switches off in the cold at 30 %.",
                "device_condition": "Light scratches on the frame.",
                "accessories": "None",
                "service_work_ids": [
                    Command.set(
                        [
                            ref("demo_work_diagnosis_smartphone").id,
                            ref("demo_work_battery_smartphone").id,
                        ]
                    )
                ],
                "quoted_price": 4000.0,
                "promised_date": today + timedelta(days=2),
            },
        )
        self._intake(earlier, receptionist, ref("demo_location_tvr_a_02"))
        self._diagnose(
            earlier,
            engineer,
            ref("demo_location_tvr_desk_1"),
            "Battery health 71 %: the battery must be replaced.",
        )
        self._request_parts(earlier, engineer, [ref("demo_part_iphone13_battery")])
        self._issue_parts(earlier, warehouse)
        self._check_stage(earlier, "in_repair")
        earlier.with_user(engineer).action_sc_set_ready()
        # sudo: confirming the quotation stands for the payment, which belongs
        # to the till; no demo role is a salesman of every quotation.
        earlier.sale_order_id.sudo().action_confirm()
        earlier.with_user(receptionist).action_sc_deliver()
        self._check_stage(earlier, "delivered")
        self._backdate(earlier, EARLIER_REPAIR_AGE)

        # The same iPhone is back with a cracked screen: the part was issued
        # by the warehouse, the engineer is working on it.
        in_repair = self._create_repair(
            receptionist,
            "demo_repair_tvr_in_repair",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_ivan_petrov").id,
                "product_id": ref("demo_product_iphone13").id,
                "serial_number": iphone13_serial,
                "fault_description": "Dropped the phone: the screen is cracked and "
                "the bottom of it does not react to touch.",
                "device_condition": "Screen cracked from the bottom-left corner; "
                "dent on the frame next to it.",
                "accessories": "Silicone case",
                "service_work_ids": [
                    Command.set([ref("demo_work_screen_smartphone").id])
                ],
                "quoted_price": 10400.0,
                "promised_date": today + timedelta(days=3),
            },
        )
        self._intake(in_repair, receptionist, ref("demo_location_tvr_a_01"))
        self._diagnose(
            in_repair,
            engineer,
            ref("demo_location_tvr_desk_1"),
            "Display module broken, frame slightly bent. Replace the OLED "
            "screen; Face ID works.",
        )
        self._request_parts(in_repair, engineer, [ref("demo_part_iphone13_screen")])
        self._issue_parts(in_repair, warehouse)
        self._check_stage(in_repair, "in_repair")

        # Ready: repaired, on the ready shelf, quotation waiting for payment.
        ready = self._create_repair(
            receptionist,
            "demo_repair_tvr_ready",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_maria_ivanova").id,
                "product_id": ref("demo_product_galaxy_s21").id,
                "serial_number": "354321112233442",
                "fault_description": "Green stripes across the screen after an "
                "update, then the screen went black. The phone rings.",
                "device_condition": "Like new, in a book case.",
                "accessories": "Book case, SIM tray with SIM card",
                "service_work_ids": [
                    Command.set(
                        [
                            ref("demo_work_diagnosis_smartphone").id,
                            ref("demo_work_screen_smartphone").id,
                        ]
                    )
                ],
                "quoted_price": 11400.0,
                "promised_date": today + timedelta(days=1),
            },
        )
        self._intake(ready, receptionist, ref("demo_location_tvr_a_02"))
        self._diagnose(
            ready,
            engineer,
            ref("demo_location_tvr_desk_2"),
            "AMOLED panel failure (known fault of the series). Replace the "
            "screen assembly.",
        )
        self._request_parts(ready, engineer, [ref("demo_part_galaxy_s21_screen")])
        self._issue_parts(ready, warehouse)
        self._check_stage(ready, "in_repair")
        ready.with_user(engineer).action_sc_set_ready()
        self._check_stage(ready, "ready")

        # Waiting for parts: the charging port is out of stock, an RFQ to
        # the vendor is waiting for confirmation; the phone waits on a shelf.
        waiting = self._create_repair(
            receptionist,
            "demo_repair_tvr_waiting_parts",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_dmitry_sokolov").id,
                "product_id": ref("demo_product_redmi_note11").id,
                "serial_number": "861234056789012",
                "fault_description": "Does not charge; the cable only works when "
                "held at an angle.",
                "device_condition": "Worn corners, protective film on the screen.",
                "accessories": "Charger and cable",
                "service_work_ids": [
                    Command.set(
                        [
                            ref("demo_work_diagnosis_smartphone").id,
                            ref("demo_work_charging_port_smartphone").id,
                        ]
                    )
                ],
                "quoted_price": 2400.0,
                "promised_date": today + timedelta(days=16),
            },
        )
        self._intake(waiting, receptionist)
        self._diagnose(
            waiting,
            engineer,
            ref("demo_location_tvr_desk_1"),
            "USB-C port worn out, contacts oxidised. Replace the charging port board.",
        )
        self._request_parts(waiting, engineer, [ref("demo_part_redmi_note11_port")])
        self._check_stage(waiting, "waiting_parts")
        waiting.with_user(engineer).action_sc_move_device(ref("demo_location_tvr_b_01"))

        # Diagnosis: the engineer is looking at it on their desk.
        diagnosis = self._create_repair(
            receptionist,
            "demo_repair_tvr_diagnosis",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_sergey_popov").id,
                "product_id": ref("demo_product_ipad_air4").id,
                "serial_number": "DMPG8XYZQ1GC",
                "fault_description": "Does not turn on after it was left charging "
                "overnight.",
                "device_condition": "Scratches on the back cover.",
                "accessories": "Smart Folio cover",
                "service_work_ids": [
                    Command.set([ref("demo_work_diagnosis_tablet").id])
                ],
                "promised_date": today + timedelta(days=5),
            },
        )
        self._intake(diagnosis, receptionist)
        self._diagnose(diagnosis, engineer, ref("demo_location_tvr_desk_1"), False)

        # Received, on the manager's desk; the manager assigned the engineer,
        # which planned the deadline from the engineer's queue.
        assigned = self._create_repair(
            receptionist,
            "demo_repair_tvr_received_assigned",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_elena_kuznetsova").id,
                "product_id": ref("demo_product_thinkpad_t14").id,
                "serial_number": "PF2XK9LM",
                "fault_description": "Coffee spilled on the keyboard; the keys "
                "E, R and Enter do not type.",
                "device_condition": "Sticky keyboard, scratch on the lid.",
                "accessories": "Charger 65 W",
                "service_work_ids": [
                    Command.set(
                        [
                            ref("demo_work_diagnosis_laptop").id,
                            ref("demo_work_keyboard_laptop").id,
                        ]
                    )
                ],
                "quoted_price": 7400.0,
                "promised_date": today + timedelta(days=4),
            },
        )
        self._intake(assigned, receptionist, tvr.sc_manager_desk_location_id)
        assigned.with_user(manager).write({"engineer_id": engineer.id})

        # Received, waiting on a shelf for the manager to assign it.
        received = self._create_repair(
            receptionist,
            "demo_repair_tvr_received",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_natalia_volkova").id,
                "product_id": ref("demo_product_thinkpad_t14").id,
                "serial_number": "PF3BT7QR",
                "fault_description": "Gets very hot and loud, switches off when "
                "a video call runs for a while.",
                "device_condition": "Good; stickers on the lid.",
                "accessories": "Charger 65 W, sleeve",
                "service_work_ids": [
                    Command.set([ref("demo_work_cleaning_laptop").id])
                ],
                "promised_date": today + timedelta(days=3),
            },
        )
        self._intake(received, receptionist, ref("demo_location_tvr_a_01"))

        # New: taken from a phone call; the client is not in the contacts yet
        # and is created from name and phone when the device is received.
        self._create_repair(
            receptionist,
            "demo_repair_tvr_new",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "client_name": "Roman Sidorov",
                "client_phone": "+7 905 111-22-33",
                "product_id": ref("demo_product_galaxy_s21").id,
                "serial_number": "352468013579241",
                "fault_description": "The back camera does not focus; photos are "
                "blurry.",
                "service_work_ids": [
                    Command.set([ref("demo_work_diagnosis_smartphone").id])
                ],
                "promised_date": today + timedelta(days=2),
            },
        )

        # Cancelled: the client declined the repair after the diagnosis and
        # took the phone back.
        cancelled = self._create_repair(
            receptionist,
            "demo_repair_tvr_cancelled",
            {
                "picking_type_id": tvr.repair_type_id.id,
                "partner_id": ref("demo_client_alexey_morozov").id,
                "product_id": ref("demo_product_redmi_note11").id,
                "serial_number": "868765432109873",
                "fault_description": "The screen flickers and the phone reboots "
                "by itself.",
                "device_condition": "Cracked back glass.",
                "accessories": "None",
                "service_work_ids": [
                    Command.set([ref("demo_work_diagnosis_smartphone").id])
                ],
                "promised_date": today + timedelta(days=3),
            },
        )
        self._intake(cancelled, receptionist)
        self._diagnose(
            cancelled,
            engineer,
            ref("demo_location_tvr_desk_2"),
            "Motherboard fault (power controller). The repair would cost more "
            "than half the price of the phone.",
        )
        cancelled.with_user(receptionist).message_post(
            body=self.env._("The client declined the repair and took the phone back.")
        )
        cancelled.with_user(receptionist).action_sc_cancel()
        self._check_stage(cancelled, "cancelled")

        # --- Arbat: the manager takes devices in and issues parts here ---
        arb_received = self._create_repair(
            manager,
            "demo_repair_arb_received",
            {
                "picking_type_id": arb.repair_type_id.id,
                "partner_id": ref("demo_client_tatiana_vasilyeva").id,
                "product_id": ref("demo_product_ipad_air4").id,
                "serial_number": "DMPH2ABCQ1GD",
                "fault_description": "The screen cracked after a fall; the "
                "picture is fine.",
                "device_condition": "Screen cracked across, corner dented.",
                "accessories": "None",
                "service_work_ids": [Command.set([ref("demo_work_screen_tablet").id])],
                "quoted_price": 16000.0,
                "promised_date": today + timedelta(days=18),
            },
        )
        self._intake(arb_received, manager, ref("demo_location_arb_a_01"))
        arb_received.with_user(manager).write({"engineer_id": engineer2.id})

        arb_in_repair = self._create_repair(
            manager,
            "demo_repair_arb_in_repair",
            {
                "picking_type_id": arb.repair_type_id.id,
                "partner_id": ref("demo_client_yulia_kuzmina").id,
                "product_id": ref("demo_product_iphone13").id,
                "serial_number": "353987650123459",
                "fault_description": "The phone switches off at 20 % and gets "
                "warm while charging.",
                "device_condition": "Good.",
                "accessories": "Case",
                "service_work_ids": [
                    Command.set([ref("demo_work_battery_smartphone").id])
                ],
                "quoted_price": 4000.0,
                "promised_date": today + timedelta(days=2),
            },
        )
        self._intake(arb_in_repair, manager)
        self._diagnose(
            arb_in_repair,
            engineer2,
            ref("demo_location_arb_desk_1"),
            "Battery swollen (health 64 %). Replace the battery.",
        )
        self._request_parts(
            arb_in_repair, engineer2, [ref("demo_part_iphone13_battery")]
        )
        self._issue_parts(arb_in_repair, manager)
        self._check_stage(arb_in_repair, "in_repair")

        _logger.info("Demo service center: repairs created in every stage.")
        return True

    # ------------------------------------------------------------------
    # Staff language
    # ------------------------------------------------------------------
    @api.model
    def _set_staff_lang(self, lang="ru_RU"):
        """Give the demo staff ``lang`` when that language is installed."""
        if not self.env["res.lang"].search_count([("code", "=", lang)]):
            return False
        staff = self.env["res.users"]
        for xmlid in DEMO_STAFF:
            user = self.env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False)
            if user:
                staff |= user
        staff.write({"lang": lang})
        return True

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    @api.model
    def _staff(self):
        def ref(xmlid):
            return self.env.ref(f"{MODULE}.{xmlid}")

        return {
            "ref": ref,
            "receptionist": ref("demo_user_receptionist"),
            "engineer": ref("demo_user_engineer"),
            "engineer2": ref("demo_user_engineer2"),
            "manager": ref("demo_user_manager"),
            "warehouse": ref("demo_user_warehouse"),
        }

    @api.model
    def _create_repair(self, user, xmlid, vals):
        repair = self.env["repair.order"].with_user(user).create(vals)
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": f"{MODULE}.{xmlid}", "record": repair, "noupdate": True}]
        )
        return repair.with_env(self.env)

    @api.model
    def _intake(self, repair, user, place=None):
        """Receive the device; then carry it from reception to ``place``."""
        repair.with_user(user).action_sc_confirm_intake()
        if place:
            repair.with_user(user).action_sc_move_device(place)

    @api.model
    def _diagnose(self, repair, engineer, desk, diagnosis):
        """The engineer takes the device to their desk and diagnoses it."""
        repair = repair.with_user(engineer)
        repair.action_sc_start_diagnosis()
        repair.action_sc_move_device(desk)
        if diagnosis:
            repair.diagnosis = diagnosis

    @api.model
    def _request_parts(self, repair, engineer, parts):
        repair = repair.with_user(engineer)
        repair.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "repair_line_type": "add",
                            "product_id": part.id,
                            "product_uom_qty": 1.0,
                            "product_uom": part.uom_id.id,
                        }
                    )
                    for part in parts
                ]
            }
        )
        repair.action_sc_request_parts()

    @api.model
    def _issue_parts(self, repair, keeper):
        """The warehouse keeper validates the parts transfer of the repair."""
        pickings = repair.parts_picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for picking in pickings.with_user(keeper):
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            result = picking.button_validate()
            if picking.state != "done":
                raise UserError(
                    self.env._(
                        "Demo: parts transfer %(picking)s was not validated: "
                        "%(result)s",
                        picking=picking.name,
                        result=result,
                    )
                )

    @api.model
    def _check_stage(self, repair, stage):
        repair.invalidate_recordset(["service_stage"])
        if repair.service_stage != stage:
            raise UserError(
                self.env._(
                    "Demo: repair %(ref)s is “%(stage)s”, expected “%(expected)s”.",
                    ref=repair.name,
                    stage=repair.service_stage,
                    expected=stage,
                )
            )

    @api.model
    def _backdate(self, repair, age):
        """Move the whole story of a finished repair ``age`` into the past."""
        repair.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        params = {"age": age, "repair": repair.id}
        cr.execute(
            """
            UPDATE repair_order
               SET create_date = create_date - %(age)s,
                   write_date = write_date - %(age)s,
                   intake_date = intake_date - %(age)s,
                   service_stage_date = service_stage_date - %(age)s,
                   schedule_date = schedule_date - %(age)s,
                   date_deadline = date_deadline - %(age)s,
                   promised_date = promised_date - %(age)s
             WHERE id = %(repair)s
            """,
            params,
        )
        # One stage after the other over a couple of days, not all at once
        # (through the ORM, so that the stored hours in stage follow).
        periods = (
            self.env["repair.stage.history"]
            .sudo()
            .search([("repair_id", "=", repair.id)], order="id")
        )
        if periods:
            start = periods[0].date_start - age
            starts = [
                start + timedelta(hours=STAGE_TIMELINE_HOURS.get(period.stage, 0.0))
                for period in periods
            ]
            for period, date_start, date_end in zip(
                periods, starts, starts[1:] + [False], strict=True
            ):
                period.write({"date_start": date_start, "date_end": date_end})
            periods.flush_recordset()
            received = dict(zip(periods.mapped("stage"), starts, strict=True)).get(
                "received"
            )
            cr.execute(
                """
                UPDATE repair_order
                   SET service_stage_date = %s,
                       intake_date = COALESCE(%s, intake_date)
                 WHERE id = %s
                """,
                (starts[-1], received, repair.id),
            )
            cr.execute(
                "UPDATE repair_stage_history SET create_date = date_start "
                "WHERE id IN %s",
                (tuple(periods.ids),),
            )
        cr.execute(
            """
            UPDATE repair_deadline_log
               SET old_deadline = old_deadline - %(age)s,
                   new_deadline = new_deadline - %(age)s,
                   create_date = create_date - %(age)s
             WHERE repair_id = %(repair)s
            """,
            params,
        )
        cr.execute(
            """
            UPDATE mail_message
               SET date = date - %(age)s, create_date = create_date - %(age)s
             WHERE model = 'repair.order' AND res_id = %(repair)s
            """,
            params,
        )
        moves = self.env["stock.move"].search(
            [
                "|",
                ("repair_id", "=", repair.id),
                ("group_id", "=", repair.procurement_group_id.id),
            ]
        )
        if moves:
            params["moves"] = tuple(moves.ids)
            cr.execute(
                """
                UPDATE stock_move
                   SET date = date - %(age)s, create_date = create_date - %(age)s
                 WHERE id IN %(moves)s
                """,
                params,
            )
            cr.execute(
                """
                UPDATE stock_move_line
                   SET date = date - %(age)s, create_date = create_date - %(age)s
                 WHERE move_id IN %(moves)s
                """,
                params,
            )
        if moves.picking_id:
            params["pickings"] = tuple(moves.picking_id.ids)
            cr.execute(
                """
                UPDATE stock_picking
                   SET scheduled_date = scheduled_date - %(age)s,
                       date = date - %(age)s,
                       date_done = date_done - %(age)s,
                       create_date = create_date - %(age)s
                 WHERE id IN %(pickings)s
                """,
                params,
            )
        if repair.sale_order_id:
            params["order"] = repair.sale_order_id.id
            cr.execute(
                """
                UPDATE sale_order
                   SET date_order = date_order - %(age)s,
                       create_date = create_date - %(age)s
                 WHERE id = %(order)s
                """,
                params,
            )
        self.env.invalidate_all()

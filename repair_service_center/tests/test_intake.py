from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCenterCase


@tagged("post_install", "-at_install")
class TestIntake(ServiceCenterCase):
    def test_confirm_intake_receives_client_owned_device(self):
        repair = self._new_repair(serial="IMEI-356789012345678")
        self.assertEqual(repair.service_stage, "new")
        self.assertEqual(repair.branch_id, self.branch_a)
        # The receptionist typed a known phone: the client is found, not duplicated.
        repair.action_sc_confirm_intake()
        self.assertEqual(repair.partner_id, self.client)
        self.assertEqual(repair.service_stage, "received")
        self.assertEqual(repair.state, "confirmed")
        self.assertEqual(repair.intake_user_id, self.receptionist)
        self.assertTrue(repair.intake_date)
        # The serial record was created from what was typed.
        self.assertEqual(repair.lot_id.name, "IMEI-356789012345678")
        self.assertEqual(repair.lot_id.product_id, self.device)
        # A real, done stock move put the client's device in reception.
        quant = self._device_quant(repair)
        self.assertEqual(quant.location_id, self.branch_a.sc_reception_location_id)
        self.assertEqual(quant.owner_id, self.client)
        self.assertEqual(quant.quantity, 1.0)
        move = self.env["stock.move"].search(
            [("origin", "=", repair.name), ("product_id", "=", self.device.id)]
        )
        self.assertEqual(move.state, "done")
        self.assertEqual(
            move.location_id, self.env.ref("stock.stock_location_customers")
        )
        self.assertEqual(move.move_line_ids.owner_id, self.client)
        self.assertEqual(
            repair.device_location_id, self.branch_a.sc_reception_location_id
        )

    def test_new_client_created_from_phone_in_any_format(self):
        repair = self._new_repair(
            serial="SN-NEW-CLIENT",
            client_phone="8 (903) 555-12-34",
            client_name="Olga Sidorova",
        )
        repair.action_sc_confirm_intake()
        self.assertEqual(repair.partner_id.name, "Olga Sidorova")
        self.assertEqual(repair.partner_id.phone_sanitized, "+79035551234")
        # The next intake with the same phone written differently finds her.
        repair_2 = self._new_repair(
            serial="SN-NEW-CLIENT-2", client_phone="+7 903 555 12 34"
        )
        repair_2.action_sc_confirm_intake()
        self.assertEqual(repair_2.partner_id, repair.partner_id)

    def test_existing_serial_is_reused(self):
        lot = self.env["stock.lot"].create(
            {
                "name": "SN-KNOWN",
                "product_id": self.device.id,
                "company_id": self.company.id,
            }
        )
        repair = self._received_repair(serial="SN-KNOWN")
        self.assertEqual(repair.lot_id, lot)

    def test_engineer_cannot_confirm_intake(self):
        repair = self._new_repair(serial="SN-ENG")
        with self.assertRaises(AccessError):
            repair.with_user(self.engineer).action_sc_confirm_intake()
        self.assertEqual(repair.service_stage, "new")
        self.assertFalse(repair.lot_id)

    def test_serial_already_in_open_repair_is_refused(self):
        first = self._received_repair(serial="SN-DUP")
        second = self._new_repair(serial="SN-DUP")
        moves_before = self.env["stock.move"].search_count([])
        with self.assertRaisesRegex(UserError, first.name):
            second.action_sc_confirm_intake()
        self.assertEqual(second.service_stage, "new")
        self.assertEqual(self.env["stock.move"].search_count([]), moves_before)

    @freeze_time("2026-03-10 09:00:00")
    def test_promised_date_in_the_past_is_refused(self):
        repair = self._new_repair(serial="SN-PAST", promised_date=date(2026, 3, 9))
        with self.assertRaisesRegex(UserError, "in the past"):
            repair.action_sc_confirm_intake()
        self.assertEqual(repair.service_stage, "new")
        repair.promised_date = date(2026, 3, 12)
        repair.action_sc_confirm_intake()
        self.assertEqual(repair.service_stage, "received")

    def test_malformed_phone_is_refused(self):
        repair = self._new_repair(
            serial="SN-BADPHONE", client_phone="call me maybe", client_name="Nobody"
        )
        partners_before = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(UserError, "not a valid phone number"):
            repair.action_sc_confirm_intake()
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertEqual(repair.service_stage, "new")

    def test_unknown_phone_without_name_asks_for_name(self):
        repair = self._new_repair(serial="SN-NONAME", client_phone="+7 999 000-00-01")
        with self.assertRaisesRegex(UserError, "name"):
            repair.action_sc_confirm_intake()

    def test_fault_is_required(self):
        repair = self._new_repair(serial="SN-NOFAULT", fault_description=" ")
        with self.assertRaisesRegex(UserError, "fault"):
            repair.action_sc_confirm_intake()

    def test_device_must_be_serial_tracked(self):
        untracked = self.env["product.product"].create(
            {"name": "Untracked gadget", "type": "consu", "is_storable": True}
        )
        repair = self._new_repair(serial="SN-UNTRACKED", product_id=untracked.id)
        with self.assertRaisesRegex(UserError, "tracked by serial"):
            repair.action_sc_confirm_intake()

    def test_earlier_repairs_for_phone(self):
        first = self._received_repair(serial="SN-HIST-1")
        second = self._new_repair(serial="SN-HIST-2", client_phone="89161234567")
        self.assertIn(first, second.phone_repair_ids)

    def test_intake_query_count(self):
        repair = self._new_repair(serial="SN-QUERIES")
        repair.env.invalidate_all()
        # Partner lookup, serial creation, the stock move, stage history and
        # chatter tracking: bounded, independent of how many repairs exist.
        # +1 when repair_sms is installed: its one INSERT of the SMS owed.
        with self.assertQueryCount(126):
            repair.action_sc_confirm_intake()

    def test_phone_lookup_is_one_query(self):
        Partner = self.env["res.partner"]
        Partner._sc_find_by_phone("8 916 123-45-67")  # warm the country cache
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            found = Partner._sc_find_by_phone("8 (916) 123 45 67")
        self.assertEqual(found, self.client)

    def test_phone_follows_company_country(self):
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._sc_normalize_phone("8 916 123 45 67"), "+79161234567")
        self.company.country_id = self.env.ref("base.be")
        # Read as a Belgian number now, "8 916…" is not a valid phone.
        with self.assertRaises(UserError):
            Partner._sc_normalize_phone("8 916 123 45 67")

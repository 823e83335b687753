from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ScanCase


@tagged("post_install", "-at_install")
class TestScanRelocation(ScanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repair = cls._received_repair(serial="IMEI-350000000000001")

    def test_device_then_place_moves_the_device(self):
        repair = self.repair
        reception = self.branch_a.sc_reception_location_id
        self.assertEqual(repair.device_location_id, reception)
        first = self.scan(self.receptionist, repair.name)
        self.assertEqual(first["status"], "device")
        self.assertEqual(first["state"], {"repair_id": repair.id})
        self.assertEqual(first["repair"]["place"], reception.display_name)
        second = self.scan(self.receptionist, "BRA-SHELF-1", first["state"])
        self.assertEqual(second["status"], "moved")
        self.assertEqual(second["state"], {})
        self.assertIn(self.shelf_a.display_name, second["message"])
        repair.invalidate_recordset()
        self.assertEqual(repair.device_location_id, self.shelf_a)
        # A real, done, client-owned move, visible in the repair's history.
        log = self.env["repair.scan.log"].browse(second["log"]["id"])
        self.assertEqual(log.move_ids.state, "done")
        self.assertEqual(log.move_ids.move_line_ids.owner_id, self.client)
        self.assertEqual(log.move_ids.move_line_ids.lot_id, repair.lot_id)
        self.assertEqual(log.location_src_id, reception)
        self.assertEqual(log.user_id, self.receptionist)
        quant = self._device_quant(repair)
        self.assertEqual(quant.location_id, self.shelf_a)
        self.assertEqual(quant.owner_id, self.client)
        self.assertTrue(repair.sc_place_since)

    def test_serial_number_finds_the_device_and_engineer_scans(self):
        result = self.relocate(self.engineer, "IMEI-350000000000001", "BRA-DESK-1")
        self.assertEqual(result["status"], "moved")
        self.assertEqual(self.repair.device_location_id, self.desk_a)

    def test_same_place_twice_moves_nothing(self):
        self.relocate(self.engineer, self.repair.name, "BRA-DESK-1")
        moves = self.move_count(self.repair)
        result = self.relocate(self.engineer, self.repair.name, "BRA-DESK-1")
        self.assertEqual(result["status"], "same_place")
        self.assertEqual(self.move_count(self.repair), moves)

    def assertRefused(self, user, code, state=None, message=None):
        moves = self.move_count(self.repair)
        logs = self.env["repair.scan.log"].search_count([])
        place = self.repair.device_location_id
        with self.assertRaises(UserError) as caught:
            self.scan(user, code, state)
        if message:
            self.assertIn(message, str(caught.exception))
        self.repair.invalidate_recordset()
        self.assertEqual(self.move_count(self.repair), moves)
        self.assertEqual(self.env["repair.scan.log"].search_count([]), logs)
        self.assertEqual(self.repair.device_location_id, place)
        return caught.exception

    def test_refusals_change_nothing(self):
        device = {"repair_id": self.repair.id}
        # Unknown code.
        self.assertRefused(self.receptionist, "NO-SUCH-CODE", message="Unknown code")
        self.assertRefused(self.receptionist, "NO-SUCH-CODE", device, "Unknown code")
        # A place where a device was expected, and the other way round.
        self.assertRefused(self.receptionist, "BRA-SHELF-1", message="is a place")
        self.assertRefused(self.receptionist, self.repair.name, device, "is a device")
        # A place of another branch.
        self.assertRefused(self.receptionist, "BRB-SHELF-1", device, "Branch A")
        # A place the role may not use: only engineers put devices on the
        # ready shelf.
        self.assertRefused(self.receptionist, "BRA-READY", device, "Your role")
        # A device of a branch the user does not work in.
        self.assertRefused(self.receptionist_b, self.repair.name, message="Branch A")
        # An empty scan.
        self.assertRefused(self.receptionist, "  ", message="empty")

    def test_engineer_may_use_the_ready_shelf(self):
        result = self.relocate(self.engineer, self.repair.name, "BRA-READY")
        self.assertEqual(result["status"], "moved")
        self.assertEqual(
            self.repair.device_location_id, self.branch_a.sc_ready_location_id
        )

    def test_device_not_in_the_house_is_refused(self):
        self.repair.with_user(self.receptionist).action_sc_cancel()
        exc = self.assertRefused(self.receptionist, self.repair.name)
        self.assertIn("not in the service center", str(exc))
        self.assertRefused(
            self.receptionist,
            "BRA-SHELF-1",
            {"repair_id": self.repair.id},
            "not in the service center",
        )
        # Not received yet either.
        new = self._new_repair(serial="IMEI-NEW")
        with self.assertRaisesRegex(UserError, "not in the service center"):
            self.scan(self.receptionist, new.name)

    def test_only_staff_scans(self):
        with self.assertRaises(AccessError):
            self.scan(self.operator, self.repair.name)
        with self.assertRaises(AccessError):
            self.Scan.with_user(self.operator).sc_last_moves()

    def test_undo_puts_the_device_back(self):
        moved = self.relocate(self.receptionist, self.repair.name, "BRA-SHELF-1")
        result = self.Scan.with_user(self.receptionist).sc_undo()
        self.assertEqual(result["status"], "undone")
        self.repair.invalidate_recordset()
        self.assertEqual(
            self.repair.device_location_id, self.branch_a.sc_reception_location_id
        )
        log = self.env["repair.scan.log"].browse(moved["log"]["id"])
        self.assertTrue(log.undone)
        self.assertEqual(result["log"]["is_undo"], True)
        # Nothing left to undo; an undone move is not undone twice.
        with self.assertRaisesRegex(UserError, "no relocation to undo"):
            self.Scan.with_user(self.receptionist).sc_undo()
        with self.assertRaisesRegex(UserError, "already undone"):
            self.Scan.with_user(self.receptionist).sc_undo(log.id)

    def test_undo_refused_when_moved_again_or_by_someone_else(self):
        first = self.relocate(self.receptionist, self.repair.name, "BRA-SHELF-1")
        self.relocate(self.engineer, self.repair.name, "BRA-DESK-1")
        with self.assertRaisesRegex(UserError, "moved again"):
            self.Scan.with_user(self.receptionist).sc_undo(first["log"]["id"])
        second = self.env["repair.scan.log"].search([], limit=1)
        with self.assertRaisesRegex(UserError, "or a manager"):
            self.Scan.with_user(self.receptionist).sc_undo(second.id)
        self.assertEqual(self.repair.device_location_id, self.desk_a)
        # A manager may undo anybody's move.
        self.Scan.with_user(self.manager).sc_undo(second.id)
        self.repair.invalidate_recordset()
        self.assertEqual(self.repair.device_location_id, self.shelf_a)

    def test_last_moves_are_those_of_the_users_branches(self):
        self.relocate(self.receptionist, self.repair.name, "BRA-SHELF-1")
        self.relocate(self.engineer, self.repair.name, "BRA-DESK-1")
        moves = self.Scan.with_user(self.receptionist).sc_last_moves()
        self.assertEqual(
            [(m["repair"], m["to"]) for m in moves],
            [
                (self.repair.name, self.desk_a.display_name),
                (self.repair.name, self.shelf_a.display_name),
            ],
        )
        self.assertEqual(self.Scan.with_user(self.receptionist_b).sc_last_moves(), [])

    def test_where_is_it_shows_place_and_path(self):
        self.relocate(self.engineer, self.repair.name, "BRA-DESK-1")
        self.relocate(self.engineer, self.repair.name, "BRA-READY")
        info = self.scan(self.receptionist, self.repair.name)["repair"]
        self.assertEqual(info["place"], self.branch_a.sc_ready_location_id.display_name)
        self.assertEqual(
            [step["to"] for step in info["path"]],
            [
                self.branch_a.sc_reception_location_id.display_name,
                self.desk_a.display_name,
                self.branch_a.sc_ready_location_id.display_name,
            ],
        )

    def test_relocation_scan_query_count(self):
        """One relocation, cold caches as in new requests, as the engineer,
        with the context the web client sends (``allowed_company_ids``).

        The screen's two calls (the device with its place and path, then the
        place), and both codes in one call (``sc_relocate``). Of the 25 of
        ``sc_relocate``: the device (1), the place and where the device is
        (1), the places' parents for Odoo's removal strategy (1), the repair
        written, which locks it (1), the bound parts (1), the quants both
        updates read (1), the product, its template, its unit, its category,
        the serial and the company (6), the move and its line (2), Odoo's
        quant update on both places (lock, write, serial check: 6), the log
        (1), the serial's quants for its place (1) and the ORM's flush of the
        move, the line and the serial (3).
        """
        context = {"allowed_company_ids": self.engineer.company_id.ids}
        Scan = self.Scan.with_user(self.engineer).with_context(**context)
        name = self.repair.name
        # A first relocation warms the registry's caches (rules, groups), as
        # in a running server.
        Scan.sc_scan("BRA-SHELF-1", **Scan.sc_scan(name)["state"])
        self.env.invalidate_all()
        # The screen's two calls: 23 and 38 when this test runs alone, 19 and
        # 28 after the other tests of the class have warmed the registry's
        # caches further (the path's and the new quant's reads); sc_relocate
        # and the place call to a known place are 25 either way.
        with self.assertQueryCount(23):
            first = Scan.sc_scan(name)
        self.env.invalidate_all()
        # The device comes to this desk for the first time: a new quant.
        with self.assertQueryCount(38):
            Scan.sc_scan("BRA-DESK-1", **first["state"])
        self.assertEqual(self.repair.device_location_id, self.desk_a)
        self.env.invalidate_all()
        with self.assertQueryCount(25):
            moved = Scan.sc_relocate(name, "BRA-SHELF-1")
        self.assertEqual(moved["status"], "moved")
        self.assertEqual(self.repair.device_location_id, self.shelf_a)
        # Back to the desk, where the device was already: its quant is there.
        self.env.invalidate_all()
        with self.assertQueryCount(25):
            first = Scan.sc_scan("BRA-DESK-1", repair_id=self.repair.id)
        self.assertEqual(self.repair.device_location_id, self.desk_a)
        self.assertEqual(self.repair.sc_relocation_count, 4)

    def test_relocate_in_one_call_keeps_every_rule(self):
        result = self.Scan.with_user(self.receptionist).sc_relocate(
            "IMEI-350000000000001", "BRA-SHELF-1"
        )
        self.assertEqual(result["status"], "moved")
        self.assertEqual(result["log"]["to"], self.shelf_a.display_name)
        log = self.env["repair.scan.log"].browse(result["log"]["id"])
        self.assertEqual(log.move_ids.state, "done")
        self.assertEqual(log.move_ids.move_line_ids.owner_id, self.client)
        Scan = self.Scan.with_user(self.receptionist)
        with self.assertRaisesRegex(UserError, "is a place"):
            Scan.sc_relocate("BRA-SHELF-1", "BRA-DESK-1")
        with self.assertRaisesRegex(UserError, "is not a place"):
            Scan.sc_relocate(self.repair.name, self.repair.name + "-X")
        with self.assertRaisesRegex(UserError, "is a device"):
            Scan.sc_relocate(self.repair.name, self.repair.name)
        with self.assertRaisesRegex(UserError, "Your role"):
            Scan.sc_relocate(self.repair.name, "BRA-READY")
        with self.assertRaisesRegex(UserError, "Branch A"):
            Scan.sc_relocate(self.repair.name, "BRB-SHELF-1")
        with self.assertRaises(AccessError):
            self.Scan.with_user(self.operator).sc_relocate(
                self.repair.name, "BRA-DESK-1"
            )
        self.assertEqual(self.repair.device_location_id, self.shelf_a)

    def test_nomenclature_cache_follows_its_rules(self):
        """The rules are cached per company; a changed rule is read again."""
        Scan = self.Scan.with_user(self.receptionist)
        self.assertEqual(Scan._sc_parse("BRA-SHELF-1")["hint"], "any")
        nomenclature = self.env.company.nomenclature_id
        self.env["barcode.rule"].create(
            {
                "name": "Test places",
                "barcode_nomenclature_id": nomenclature.id,
                "sequence": 1,
                "type": "location",
                "encoding": "any",
                "pattern": "BRA-",
            }
        )
        parsed = Scan._sc_parse("BRA-SHELF-1")
        self.assertEqual((parsed["hint"], parsed["code"]), ("place", "BRA-SHELF-1"))
        # A place rule: the code is looked up as a place only.
        result = self.relocate(self.receptionist, self.repair.name, "BRA-SHELF-1")
        self.assertEqual(result["status"], "moved")

    def test_ready_shelf_lists_waiting_devices_per_branch(self):
        repair = self.repair.with_user(self.engineer)
        with freeze_time("2026-03-02 09:00:00"):
            repair.action_sc_start_diagnosis()
            repair.action_sc_start_repair()
            repair.action_sc_set_ready()
        with freeze_time("2026-03-02 14:30:00"):
            shelf = self.Scan.with_user(self.receptionist).sc_ready_shelf()
            self.assertEqual(len(shelf), 1)
            self.assertEqual(shelf[0]["name"], repair.name)
            self.assertEqual(shelf[0]["branch"], "Branch A")
            self.assertEqual(
                shelf[0]["place"], self.branch_a.sc_ready_location_id.display_name
            )
            self.assertEqual(shelf[0]["waiting_hours"], 5.5)
            self.assertEqual(
                self.Scan.with_user(self.receptionist_b).sc_ready_shelf(), []
            )

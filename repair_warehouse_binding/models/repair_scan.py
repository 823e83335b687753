import logging

from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

_logger = logging.getLogger(__name__)

# What a scan reads of a place, fetched with the search that finds it.
PLACE_FIELDS = [
    "name",
    "complete_name",
    "scrap_location",
    "company_id",
    "usage",
    "warehouse_id",
    "sc_scan_restricted",
    "parent_path",
]

# Stages in which the device is not in the service center.
NOT_IN_HOUSE = ("new", "delivered", "cancelled")

# What a scan reads of a repair, fetched with the search that finds it.
REPAIR_FIELDS = [
    "name",
    "serial_number",
    "service_stage",
    "branch_id",
    "company_id",
    "product_id",
    "partner_id",
    "lot_id",
    "engineer_id",
    "intake_date",
    "returned_date",
    "procurement_group_id",
    "sc_relocation_count",
]


class RepairScan(models.AbstractModel):
    """The scan service behind the scan screen (and any scanner client).

    The client keeps a small state between scans, the pending repair and the
    pending part, and sends it back with every code: ``sc_scan(code,
    repair_id, product_id)``. Every rule is checked here, as the acting user;
    a refused scan raises ``UserError`` and changes nothing.
    """

    _name = "repair.scan"
    _description = "Barcode Scan Service"

    # ------------------------------------------------------------------
    # Rights and parsing
    # ------------------------------------------------------------------
    @api.model
    def _sc_check_scanner(self):
        if not self.env.user.has_group("repair_warehouse_binding.group_sc_scan"):
            raise AccessError(
                self.env._("Only service center staff can scan devices and places.")
            )

    @api.model
    def _sc_refuse(self, message):
        _logger.info("Scan refused for user %s: %s", self.env.uid, message)
        raise UserError(message)

    @api.model
    @tools.ormcache("self.env.company.id")
    def _sc_nomenclature_data(self):
        """The company's barcode nomenclature and its rules, as plain values.

        Read once per company and kept in the registry's cache (cleared when
        a nomenclature, a rule or a company's nomenclature changes): a scan
        does not read the rules again.
        """
        nomenclature = self.env.company.nomenclature_id
        if not nomenclature:
            return None

        def plain(record, exclude):
            return tuple(
                (name, record[name].id if field.type == "many2one" else record[name])
                for name, field in record._fields.items()
                if field.store
                and name not in exclude
                and field.type not in ("one2many", "many2many", "binary")
                and name not in models.MAGIC_COLUMNS
                and name != "display_name"
            )

        # In rule order (a rule created in this transaction is last in the
        # cache of rule_ids).
        rules = nomenclature.rule_ids.sorted(lambda rule: (rule.sequence, rule.id))
        return (
            plain(nomenclature, ()),
            tuple(plain(rule, ("barcode_nomenclature_id",)) for rule in rules),
        )

    @api.model
    def _sc_nomenclature(self):
        """The nomenclature as an in-memory record (no query to parse)."""
        data = self._sc_nomenclature_data()
        if not data:
            return None
        nomenclature, rules = data
        return self.env["barcode.nomenclature"].new(
            dict(
                nomenclature,
                rule_ids=[Command.create(dict(rule)) for rule in rules],
            )
        )

    @api.model
    def _sc_parse(self, code):
        """Read ``code`` with the company's barcode nomenclature.

        Returns a dict: ``hint`` is ``place`` for a location rule, ``lot`` for
        a lot rule, ``any`` for products (the catch-all rule); ``code`` the
        code to look up; from a GS1 code also ``product`` (its GTIN), ``lot``
        and ``quantity``.
        """
        code = (code or "").strip()
        if not code:
            self._sc_refuse(self.env._("The scanned code is empty."))
        result = {
            "hint": "any",
            "code": code,
            "product": False,
            "lot": False,
            "quantity": False,
        }
        nomenclature = self._sc_nomenclature()
        if not nomenclature:
            return result
        parsed = nomenclature.parse_barcode(code)
        if not parsed:
            # A GS1 nomenclature answers nothing for a code that is not GS1
            # (a receipt number, a place): looked up as it is.
            return result
        if isinstance(parsed, list):
            # A GS1 code: product (GTIN), serial or lot, quantity.
            by_type = {part["type"]: part for part in parsed}

            def text(part):
                return part and (part.get("string_value") or str(part["value"]))

            lot = by_type.get("lot")
            product = by_type.get("product")
            quantity = by_type.get("quantity")
            result.update(
                hint="lot" if lot else "any",
                code=text(lot or product or parsed[0]),
                product=text(product) or False,
                lot=text(lot) or False,
                quantity=quantity and quantity["value"] or False,
            )
            return result
        result.update(
            hint={"location": "place", "lot": "lot"}.get(parsed["type"], "any"),
            code=parsed["code"] or code,
        )
        return result

    @api.model
    def _sc_quantity(self, quantity):
        """A quantity typed on the screen or read from a GS1 code, or None."""
        if quantity in (False, None, ""):
            return None
        try:
            quantity = float(quantity)
        except (TypeError, ValueError):
            quantity = 0.0
        if quantity <= 0:
            self._sc_refuse(
                self.env._("The quantity must be a positive number."),
            )
        return quantity

    # ------------------------------------------------------------------
    # What a code is
    # ------------------------------------------------------------------
    @api.model
    def _sc_find_device(self, code):
        """The repair whose receipt number or device serial is ``code``.

        Several repairs may share a serial (the same phone came back): the one
        in the house wins, then the newest.
        """
        repairs = self.env["repair.order"].search_fetch(
            ["|", ("name", "=", code), ("serial_number", "=", code)],
            REPAIR_FIELDS,
            order="id desc",
            limit=10,
        )
        in_house = repairs.filtered(lambda r: r.service_stage not in NOT_IN_HOUSE)
        return in_house[:1] or repairs[:1]

    @api.model
    def _sc_find_place(self, code):
        return self.env["stock.location"].search_fetch(
            [("barcode", "=", code)], PLACE_FIELDS, limit=1
        )

    @api.model
    def _sc_find_place_and_source(self, code, repair):
        """The place scanned for ``repair`` and where its device is now, in
        one query: the place by its barcode, the device's place by the
        client-owned quant of its serial number there.

        Returns ``(place, source)``; ``source`` is ``None`` when the answer
        cannot tell (only the place came back: the device is there, or
        nowhere in the house).
        """
        if not repair.lot_id:
            # No serial, no device in the house (refused by the caller).
            return self._sc_find_place(code), self.env["stock.location"]
        locations = self.env["stock.location"].search_fetch(
            [
                "|",
                ("barcode", "=", code),
                (
                    "quant_ids",
                    "any",
                    [
                        ("lot_id", "=", repair.lot_id.id),
                        ("product_id", "=", repair.product_id.id),
                        ("owner_id", "=", repair.partner_id.id),
                        ("quantity", ">", 0),
                    ],
                ),
            ],
            PLACE_FIELDS + ["barcode"],
        )
        place = locations.filtered(lambda loc: loc.barcode == code)[:1]
        others = (locations - place).filtered(lambda loc: loc.usage == "internal")
        if others:
            return place, others[:1]
        if not place:
            return place, self.env["stock.location"]
        return place, None

    @api.model
    def _sc_find_part(self, code):
        codes = [code]
        if len(code) == 14 and code.startswith("0"):
            # A GS1 GTIN-14 of an EAN-13 product barcode.
            codes.append(code[1:])
        return self.env["product.product"].search([("barcode", "in", codes)], limit=1)

    @api.model
    def _sc_unknown(self, code):
        """Refuse a code nothing answers to, saying why when we can."""
        # sudo: only to tell the user that the device exists in another branch
        # (no data of that branch is shown but its name).
        foreign = self.sudo()._sc_find_device(code)
        if foreign:
            self._sc_refuse(
                self.env._(
                    "%(code)s is a device of branch %(branch)s, where you do not work.",
                    code=code,
                    branch=foreign.branch_id.name,
                )
            )
        self._sc_refuse(
            self.env._(
                "Unknown code %(code)s: it is neither a device, a place nor a part.",
                code=code,
            )
        )

    # ------------------------------------------------------------------
    # Public entry points
    # ------------------------------------------------------------------
    @api.model
    def sc_scan(self, code, repair_id=False, product_id=False, quantity=False):
        """Handle one scanned ``code``.

        :param repair_id: the repair scanned before (a place or a part is
            expected now), or ``False`` (a device is expected).
        :param product_id: the tracked part scanned before (its serial or lot
            is expected now).
        :param quantity: how many units of a lot-tracked (or untracked) part
            to issue with this scan; by default all that the repair still
            needs from that lot (one unit of an untracked part). A GS1 code's
            quantity counts too. A serial is always one unit.
        :return: a dict for the scan screen: ``status`` (``device``, ``moved``,
            ``same_place``, ``part``, ``bound``, ``requested``), ``message``,
            ``repair``, ``state`` (to send back with the next scan) and
            ``log`` when the device was relocated.
        """
        self._sc_check_scanner()
        parsed = self._sc_parse(code)
        quantity = self._sc_quantity(quantity or parsed["quantity"])
        if not repair_id:
            return self._sc_scan_device(parsed["code"], parsed["hint"])
        repair = self._sc_fetch_repair(repair_id)
        if product_id:
            product = self.env["product.product"].browse(product_id).exists()
            return self._sc_scan_part_lot(
                repair, product, parsed["lot"] or parsed["code"], quantity
            )
        return self._sc_scan_for_repair(repair, parsed, quantity)

    @api.model
    def sc_relocate(self, device_code, place_code):
        """One relocation from both codes at once (a scanner client that
        reads the device and the place, or a batch of scans): the same rules
        and the same answer as ``sc_scan(place_code, repair_id=…)`` after
        ``sc_scan(device_code)``."""
        self._sc_check_scanner()
        device = self._sc_parse(device_code)
        place = self._sc_parse(place_code)
        repair = (
            self._sc_find_device(device["code"])
            if device["hint"] in ("lot", "any")
            else None
        )
        if not repair:
            # Refuses, saying what the code is instead.
            self._sc_scan_device(device["code"], device["hint"])
        if repair.service_stage in NOT_IN_HOUSE:
            # Refused before the place is looked at; a device missing from
            # the house in a stage that says otherwise is refused when the
            # place is found (_sc_relocate).
            self._sc_check_in_house(repair, source=False)
        return self._sc_scan_for_repair(repair, place, None, places_only=True)

    @api.model
    def _sc_fetch_repair(self, repair_id):
        repair = self.env["repair.order"].search_fetch(
            [("id", "=", int(repair_id))], REPAIR_FIELDS, limit=1
        )
        if not repair:
            self._sc_refuse(self.env._("The repair scanned before no longer exists."))
        return repair

    @api.model
    def _sc_scan_for_repair(self, repair, parsed, quantity, places_only=False):
        """A code scanned after a repair: a place, a part, or refused."""
        hint, code = parsed["hint"], parsed["code"]
        place = source = None
        if hint in ("place", "any"):
            place, source = self._sc_find_place_and_source(code, repair)
        if place:
            return self._sc_relocate(repair, place, source)
        if not places_only and hint != "place":
            if parsed["product"] and parsed["lot"]:
                # A GS1 code names the part and its lot at once.
                part = self._sc_find_part(parsed["product"])
                if part:
                    return self._sc_bind_part(repair, part, quantity, parsed["lot"])
            part = self._sc_find_part(code) if hint == "any" else None
            if part:
                return self._sc_bind_part(repair, part, quantity)
        if self._sc_find_device(code):
            self._sc_refuse(
                self.env._(
                    "%(code)s is a device: scan a place for the device of "
                    "repair %(ref)s, or start over.",
                    code=code,
                    ref=repair.name,
                )
            )
        if places_only:
            self._sc_refuse(
                self.env._("%(code)s is not a place of the service center.", code=code)
            )
        return self._sc_unknown(code)

    @api.model
    def sc_undo(self, log_id=False):
        """Put the device back where the last relocation (or ``log_id``) found it."""
        self._sc_check_scanner()
        Log = self.env["repair.scan.log"]
        if log_id:
            log = Log.browse(log_id).exists()
        else:
            log = Log.search(
                [
                    ("user_id", "=", self.env.uid),
                    ("undone", "=", False),
                    ("undo_of_id", "=", False),
                ],
                limit=1,
            )
        if not log:
            self._sc_refuse(self.env._("There is no relocation to undo."))
        log.check_access("read")
        repair = log.repair_id
        if log.undone or log.undo_of_id:
            self._sc_refuse(
                self.env._(
                    "This relocation of %(ref)s was already undone.", ref=repair.name
                )
            )
        if log.user_id != self.env.user and not self.env.user.has_group(
            "repair_service_center.group_sc_manager"
        ):
            self._sc_refuse(
                self.env._(
                    "Only %(user)s or a manager can undo this relocation.",
                    user=log.user_id.name,
                )
            )
        self._sc_lock(repair)
        if repair.device_location_id != log.location_dest_id:
            self._sc_refuse(
                self.env._(
                    "The device of %(ref)s was moved again since: it is at "
                    "%(place)s now, undo that move first.",
                    ref=repair.name,
                    place=repair.device_location_id.display_name
                    or self.env._("no place in the service center"),
                )
            )
        moves = repair.action_sc_move_device(log.location_src_id)
        # sudo: the relocation log is an audit trail written by this service only.
        log.sudo().undone = True
        new_log = self._sc_log(
            repair, log.location_dest_id, log.location_src_id, moves, undo_of=log
        )
        return {
            "status": "undone",
            "message": self.env._(
                "Undone: %(ref)s is back at %(place)s.",
                ref=repair.name,
                place=log.location_src_id.display_name,
            ),
            "repair": self._sc_repair_info(repair),
            "state": {},
            "log": new_log._sc_to_dict()[0],
        }

    @api.model
    def sc_last_moves(self, limit=10):
        """The last relocations in the user's branches, newest first."""
        self._sc_check_scanner()
        limit = max(1, min(int(limit or 10), 100))
        return self.env["repair.scan.log"].search([], limit=limit)._sc_to_dict()

    @api.model
    def sc_ready_shelf(self, limit=200):
        """Repaired devices waiting for their owners, longest waiting first."""
        self._sc_check_scanner()
        repairs = self.env["repair.order"].search(
            [("service_stage", "=", "ready")],
            order="service_stage_date asc, id asc",
            limit=max(1, min(int(limit or 200), 1000)),
        )
        return [
            {
                "id": repair.id,
                "name": repair.name,
                "branch": repair.branch_id.name,
                "device": repair.product_id.display_name,
                "client": repair.partner_id.name,
                "place": repair.device_location_id.display_name or "",
                "ready_since": fields.Datetime.to_string(repair.service_stage_date),
                "waiting_hours": round(repair.sc_waiting_hours, 1),
            }
            for repair in repairs
        ]

    # ------------------------------------------------------------------
    # Devices
    # ------------------------------------------------------------------
    @api.model
    def _sc_repair_info(self, repair, with_path=False):
        info = {
            "id": repair.id,
            "name": repair.name,
            "device": repair.product_id.display_name,
            "serial": repair.lot_id.name or "",
            "client": repair.partner_id.name or "",
            "stage": repair._sc_stage_label(repair.service_stage),
            "place": repair.device_location_id.display_name or "",
            "branch": repair.branch_id.name or "",
        }
        if with_path:
            info["path"] = repair._sc_device_path()
        return info

    @api.model
    def _sc_check_in_house(self, repair, source=None):
        """Refuse a repair whose device is not in the house; ``source`` is
        where the device was found, when the caller looked already."""
        if source is None and repair.service_stage not in NOT_IN_HOUSE:
            source = repair.device_location_id
        if repair.service_stage in NOT_IN_HOUSE or not source:
            self._sc_refuse(
                self.env._(
                    "The device of repair %(ref)s is not in the service center "
                    "(%(stage)s).",
                    ref=repair.name,
                    stage=repair._sc_stage_label(repair.service_stage),
                )
            )

    @api.model
    def _sc_scan_device(self, code, hint):
        repair = self._sc_find_device(code) if hint in ("lot", "any") else None
        if not repair:
            if self._sc_find_place(code):
                self._sc_refuse(
                    self.env._(
                        "%(code)s is a place: scan the device (its receipt or "
                        "serial number) first.",
                        code=code,
                    )
                )
            if self._sc_find_part(code):
                self._sc_refuse(
                    self.env._(
                        "%(code)s is a part: scan the repair it is for first.",
                        code=code,
                    )
                )
            return self._sc_unknown(code)
        self._sc_check_in_house(repair)
        info = self._sc_repair_info(repair, with_path=True)
        return {
            "status": "device",
            "message": self.env._(
                "%(ref)s: %(device)s is at %(place)s. Scan a place to move it"
                " or a part to issue.",
                ref=repair.name,
                device=info["device"],
                place=info["place"],
            ),
            "repair": info,
            "state": {"repair_id": repair.id},
        }

    @api.model
    def _sc_lock(self, repair, relocation=False):
        """Serialize scans of one device.

        Two scans of the same device at once: the second waits here for the
        first to finish; its transaction then fails with a serialization error
        (the first one wrote the repair row) and is retried by the server,
        seeing the device where the first scan put it.

        A relocation writes the repair anyway (``sc_place_since`` and the
        relocation counter, which changes with every relocation so that the
        row is always written): that UPDATE, sent at once, is the lock. An
        undo locks the row with ``SELECT … FOR NO KEY UPDATE``.
        """
        if relocation:
            self._sc_mark_relocated(repair)
            repair.flush_recordset(["sc_place_since", "sc_relocation_count"])
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM repair_order WHERE id = %s FOR NO KEY UPDATE",
                repair.id,
            )
        )

    @api.model
    def _sc_mark_relocated(self, repair):
        """When and how many times a scan relocated the device. Neither is
        tracked in the chatter (the relocation log is the history): no
        tracking reads the repair before the write."""
        repair.with_context(tracking_disable=True, mail_notrack=True).write(
            {
                "sc_place_since": fields.Datetime.now(),
                "sc_relocation_count": repair.sc_relocation_count + 1,
            }
        )

    @api.model
    def _sc_check_place(self, repair, place):
        user = self.env.user
        if place.warehouse_id != repair.branch_id:
            self._sc_refuse(
                self.env._(
                    "%(place)s is not a place of branch %(branch)s, where the "
                    "device of %(ref)s is.",
                    place=place.display_name,
                    branch=repair.branch_id.name,
                    ref=repair.name,
                )
            )
        if place.usage != "internal":
            self._sc_refuse(
                self.env._(
                    "%(place)s is not a storage place.", place=place.display_name
                )
            )
        if place.sc_scan_restricted and not (place.sc_scan_group_ids & user.groups_id):
            self._sc_refuse(
                self.env._(
                    "Your role may not put devices at %(place)s (allowed: %(roles)s).",
                    place=place.display_name,
                    roles=", ".join(place.sc_scan_group_ids.mapped("name")),
                )
            )

    @api.model
    def _sc_relocate(self, repair, place, source=None):
        """Move the device of ``repair`` to ``place``; ``source`` is where it
        is (``None``: look it up)."""
        if source is None:
            source = repair.device_location_id
        self._sc_check_in_house(repair, source)
        self._sc_check_place(repair, place)
        if source == place:
            return {
                "status": "same_place",
                "message": self.env._(
                    "%(ref)s is already at %(place)s.",
                    ref=repair.name,
                    place=place.display_name,
                ),
                "repair": self._sc_repair_info(repair),
                "state": {},
            }
        # Odoo's quant update walks up both places' parents (removal
        # strategies): read them all in one query instead of one by one.
        parents = self.env["stock.location"].browse(
            {
                int(parent)
                for parent in f"{source.parent_path}{place.parent_path}".split("/")
                if parent
            }
        )
        parents.fetch(["location_id", "removal_strategy_id", "company_id"])
        self._sc_lock(repair, relocation=True)
        # The checks of action_sc_move_device were made above (place of the
        # repair's branch, internal; the device found at ``source``), without
        # computing device_location_id: once in cache, it would make every
        # quant update search the repairs of the serial number to invalidate.
        moves = repair._sc_move_device(source, place)
        log = self._sc_log(repair, source, place, moves)
        return {
            "status": "moved",
            "message": self.env._(
                "%(ref)s moved from %(from)s to %(to)s.",
                ref=repair.name,
                **{"from": source.display_name, "to": place.display_name},
            ),
            # What changed; the screen keeps the rest from the device scan.
            "repair": {
                "id": repair.id,
                "name": repair.name,
                "place": place.display_name,
                "path": [],
            },
            "state": {},
            "log": {
                "id": log.id,
                "repair": repair.name,
                "from": source.display_name,
                "to": place.display_name,
                "date": fields.Datetime.to_string(log.create_date),
                "undone": False,
                "is_undo": False,
            },
        }

    @api.model
    def _sc_log(self, repair, source, destination, moves, undo_of=None):
        if undo_of:
            self._sc_mark_relocated(repair)
        # sudo: the relocation log is an audit trail written by this service only.
        log = (
            self.env["repair.scan.log"]
            .sudo()
            .create(
                {
                    "repair_id": repair.id,
                    "branch_id": repair.branch_id.id,
                    "company_id": repair.company_id.id,
                    "user_id": self.env.uid,
                    "location_src_id": source.id,
                    "location_dest_id": destination.id,
                    "undo_of_id": undo_of.id if undo_of else False,
                }
            )
        )
        # sudo: the link of the new moves to their log is written by this
        # service only (the field is read-only); it goes to the database with
        # the moves' own computed values, in the same UPDATE.
        moves.sudo().write({"sc_scan_log_id": log.id})
        return log.sudo(False)

    # ------------------------------------------------------------------
    # Parts
    # ------------------------------------------------------------------
    @api.model
    def _sc_check_keeper(self):
        if not self.env.user.has_group("repair_service_center.group_sc_warehouse"):
            raise AccessError(
                self.env._("Only the warehouse keeper issues parts to repairs.")
            )

    @api.model
    def _sc_transfer_moves(self, repair, product):
        """The moves of the repair's parts transfer that bring ``product``."""
        part_moves = repair.move_ids.filtered(
            lambda m: (
                m.repair_line_type == "add"
                and m.product_id == product
                and m.state not in ("done", "cancel")
            )
        )
        if not part_moves:
            self._sc_refuse(
                self.env._(
                    "Repair %(ref)s did not ask for %(part)s: the engineer adds "
                    "it to the repair first.",
                    ref=repair.name,
                    part=product.display_name,
                )
            )
        transfer = part_moves.move_orig_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.picking_id
        )
        if not transfer:
            if all(move.state == "assigned" for move in part_moves):
                self._sc_refuse(
                    self.env._(
                        "%(part)s is already issued to repair %(ref)s.",
                        part=product.display_name,
                        ref=repair.name,
                    )
                )
            self._sc_refuse(
                self.env._(
                    "Parts of repair %(ref)s were not requested yet: the engineer "
                    "requests them first.",
                    ref=repair.name,
                )
            )
        return transfer

    @api.model
    def _sc_bind_part(self, repair, product, quantity=None, lot_code=None):
        """A part scanned after its repair: issue it, or ask for its serial.

        A part the repair did not ask for is added to it when the repair's
        engineer (or a manager) scans it, and requested from the warehouse;
        the warehouse keeper's scan of it is refused until then.
        """
        self._sc_check_in_house(repair)
        asked = repair._sc_part_moves().filtered(lambda m: m.product_id == product)
        if not asked and repair._sc_may_add_parts():
            return self._sc_add_part(repair, product, quantity)
        self._sc_check_keeper()
        transfer = self._sc_transfer_moves(repair, product)
        if product.tracking != "none":
            if lot_code:
                return self._sc_scan_part_lot(repair, product, lot_code, quantity)
            return {
                "status": "part",
                "message": self.env._(
                    "%(part)s for %(ref)s: scan its serial or lot number.",
                    part=product.display_name,
                    ref=repair.name,
                ),
                "repair": self._sc_repair_info(repair),
                "state": {"repair_id": repair.id, "product_id": product.id},
                "tracking": product.tracking,
            }
        return self._sc_issue_part(repair, transfer, product, quantity=quantity)

    @api.model
    def _sc_add_part(self, repair, product, quantity=None):
        """The engineer's scan of a part the repair needs and did not ask for."""
        repair.action_sc_add_part(product.id, quantity or 1.0)
        return {
            "status": "requested",
            "message": self.env._(
                "%(qty)s × %(part)s added to repair %(ref)s and requested from "
                "the warehouse.",
                qty=quantity or 1.0,
                part=product.display_name,
                ref=repair.name,
            ),
            "repair": self._sc_repair_info(repair),
            "state": {"repair_id": repair.id},
        }

    @api.model
    def _sc_scan_part_lot(self, repair, product, code, quantity=None):
        self._sc_check_keeper()
        if not product:
            self._sc_refuse(self.env._("The part scanned before no longer exists."))
        self._sc_check_in_house(repair)
        lot = self.env["stock.lot"].search(
            [("product_id", "=", product.id), ("name", "=", code)], limit=1
        )
        if not lot:
            self._sc_refuse(
                self.env._(
                    "%(code)s is not a serial or lot number of %(part)s.",
                    code=code,
                    part=product.display_name,
                )
            )
        transfer = self._sc_transfer_moves(repair, product)
        return self._sc_issue_part(repair, transfer, product, lot, quantity)

    @api.model
    def _sc_check_lot_free(self, repair, transfer, lot):
        """A serial number is bound to one repair at a time."""
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", lot.id),
                ("state", "not in", ("done", "cancel")),
                ("move_id", "not in", transfer.ids),
                ("quantity", ">", 0),
            ]
        )
        for line in lines:
            other = line.move_id.repair_id or line.move_id.move_dest_ids.repair_id
            if other and other != repair:
                self._sc_refuse(
                    self.env._(
                        "%(part)s %(lot)s is already bound to repair %(other)s.",
                        part=lot.product_id.display_name,
                        lot=lot.name,
                        other=other[:1].name,
                    )
                )
        if transfer.move_line_ids.filtered(lambda ml: ml.lot_id == lot and ml.picked):
            self._sc_refuse(
                self.env._(
                    "%(lot)s was already scanned for repair %(ref)s.",
                    lot=lot.name,
                    ref=repair.name,
                )
            )

    @api.model
    def _sc_picked_qty(self, move):
        return sum(move.move_line_ids.filtered("picked").mapped("quantity_product_uom"))

    @api.model
    def _sc_issue_part(self, repair, transfer, product, lot=None, quantity=None):
        """Pick ``quantity`` of ``product`` (``lot``) on the repair's transfer.

        A serial is one unit. A lot gives by default all the repair still
        needs that the lot has in stock (scan another lot, or the same one
        again, for the rest); an untracked part one unit per scan. Once every
        part the stock can give is picked, the transfer is validated (what
        waits for a purchase goes to a backorder): the parts are then
        reserved on the repair's own moves, with their lots, bound to the
        repair.
        """
        lot = lot or self.env["stock.lot"]
        rounding = product.uom_id.rounding
        if product.tracking == "serial":
            if quantity and float_compare(quantity, 1.0, precision_rounding=rounding):
                self._sc_refuse(
                    self.env._(
                        "A serial number is one unit of %(part)s: scan each "
                        "serial number.",
                        part=product.display_name,
                    )
                )
            quantity = 1.0
            self._sc_check_lot_free(repair, transfer, lot)
        moves = transfer.filtered(
            lambda m: self._sc_float_gt(m.product_qty, self._sc_picked_qty(m), product)
        )
        if not moves:
            self._sc_refuse(
                self.env._(
                    "Every %(part)s repair %(ref)s asked for is already scanned.",
                    part=product.display_name,
                    ref=repair.name,
                )
            )
        missing = sum(m.product_qty - self._sc_picked_qty(m) for m in moves)
        if quantity and self._sc_float_gt(quantity, missing, product):
            self._sc_refuse(
                self.env._(
                    "Repair %(ref)s needs only %(qty)s more %(part)s.",
                    ref=repair.name,
                    qty=missing,
                    part=product.display_name,
                )
            )
        # Free what the transfer reserved by itself: the scan says which units.
        moves.move_line_ids.filtered(lambda ml: not ml.picked).unlink()
        source = moves[0].location_id
        quants = [
            (quant, quant.quantity - quant.reserved_quantity)
            for quant in self.env["stock.quant"]._gather(
                product, source, lot_id=lot, strict=bool(lot)
            )
            if (quant.lot_id == lot or not lot)
            and float_compare(
                quant.quantity - quant.reserved_quantity,
                0.0,
                precision_rounding=rounding,
            )
            > 0
        ]
        available = sum(free for _quant, free in quants)
        if not quantity:
            quantity = min(missing, available) if product.tracking == "lot" else 1.0
        if not quants or self._sc_float_gt(quantity, available, product):
            self._sc_refuse(
                self.env._(
                    "%(part)s %(lot)s is not in stock at %(place)s "
                    "(%(available)s available).",
                    part=product.display_name,
                    lot=lot.name or "",
                    place=source.display_name,
                    available=available,
                )
            )
        # Spread the quantity over the transfer's moves and the quants.
        lines, left = [], quantity
        quants = iter(quants)
        quant, free = next(quants)
        for move in moves:
            need = move.product_qty - self._sc_picked_qty(move)
            while self._sc_float_gt(need, 0.0, product) and self._sc_float_gt(
                left, 0.0, product
            ):
                if not self._sc_float_gt(free, 0.0, product):
                    quant, free = next(quants)
                take = min(need, left, free)
                lines.append(
                    {
                        "move_id": move.id,
                        "picking_id": move.picking_id.id,
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "location_id": quant.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "lot_id": lot.id or quant.lot_id.id,
                        "quantity": take,
                        "picked": True,
                    }
                )
                need, left, free = need - take, left - take, free - take
        self.env["stock.move.line"].create(lines)
        picking = moves[0].picking_id
        from_stock = picking.move_ids.filtered(
            lambda m: (
                m.procure_method == "make_to_stock"
                and m.state not in ("done", "cancel")
            )
        )
        complete = all(
            not self._sc_float_gt(m.product_qty, self._sc_picked_qty(m), m.product_id)
            for m in from_stock
        )
        still = sum(m.product_qty - self._sc_picked_qty(m) for m in moves)
        what = {
            "qty": quantity,
            "part": product.display_name,
            "lot": lot.name or "",
            "ref": repair.name,
        }
        state = {"repair_id": repair.id}
        if complete:
            picking.move_line_ids.filtered(lambda ml: not ml.picked).unlink()
            from_stock.picked = True
            picking.with_context(skip_backorder=True).button_validate()
            message = self.env._(
                "%(qty)s × %(part)s %(lot)s issued to repair %(ref)s: transfer "
                "%(picking)s is done.",
                picking=picking.name,
                **what,
            )
        elif product.tracking == "lot" and self._sc_float_gt(still, 0.0, product):
            transfer._action_assign()
            # The next lot (or the same one again) is for the same part.
            state["product_id"] = product.id
            message = self.env._(
                "%(qty)s × %(part)s %(lot)s picked for repair %(ref)s: "
                "%(still)s more to scan (another lot, or this one again).",
                still=still,
                **what,
            )
        else:
            transfer._action_assign()
            message = self.env._(
                "%(qty)s × %(part)s %(lot)s picked for repair %(ref)s: scan "
                "the other parts.",
                **what,
            )
        return {
            "status": "bound",
            "message": message,
            "repair": self._sc_repair_info(repair),
            "state": state,
            "picked": quantity,
        }

    def _sc_float_gt(self, a, b, product):
        return float_compare(a, b, precision_rounding=product.uom_id.rounding) > 0

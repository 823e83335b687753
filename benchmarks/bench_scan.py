#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: relocating a client's device by scan vs a standard transfer.

Ways of moving one serial-tracked, client-owned device between two shelves
of a branch are timed and query-counted, on the same devices:

1. scan:       the scan screen's two calls, ``repair.scan.sc_scan(device_code)``
   (the device found, with its place and path: "where is it") then
   ``sc_scan(place_code, repair_id=…)``: both codes resolved through the
   barcode nomenclature, rights and branch checked, the device relocated by
   the core's ``_sc_move_device`` (a done stock move) and logged;
2. scan_place: the second call alone (the relocation);
3. relocate:   ``repair.scan.sc_relocate(device_code, place_code)``, both codes
   in one call, the same rules; ``relocate_rpc`` the same call from a client
   that sends no context (XML-RPC): one more query, its user's company;
4. transfer:   what a user does in Inventory without the addon: create an
   internal transfer (picking + move), confirm, assign, set the serial and the
   owner on the move line, validate.

Everything runs as a scanning user (the admin), with the context the web
client sends (``allowed_company_ids``), in ONE transaction that is
rolled back at the end: the database is left as it was. The database must
have ``repair_warehouse_binding`` installed (``--db``, default ``rsc_wh``).
Only 127.0.0.1 is contacted. See benchmarks/README.md.
"""

import argparse
import os
import statistics
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="rsc_wh")
    parser.add_argument("--scans", type=int, default=1000, help="relocations per way")
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--addons-path", default=None)
    return parser.parse_args()


def setup_odoo(args):
    sys.path.insert(0, os.path.join(REPO_ROOT, "scripts"))
    import odoo
    from odoo.tools import config

    addons_path = args.addons_path
    if not addons_path:
        base = os.path.dirname(odoo.__file__)
        addons_path = ",".join(
            [
                os.path.join(base, "addons"),
                os.path.join(os.path.dirname(base), "addons"),
                REPO_ROOT,
            ]
        )
    config.parse_config(
        ["--db_host=127.0.0.1", f"--addons-path={addons_path}", "--log-level=warn"]
    )
    return odoo


def make_devices(env, count):
    branch = env.ref("stock.warehouse0")
    product = env["product.product"].create(
        {
            "name": "Bench phone",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    client = env["res.partner"].create(
        {"name": "Bench client", "mobile": "+7 900 000-00-00"}
    )
    shelves = env["stock.location"].create(
        [
            {
                "name": f"Bench shelf {n}",
                "location_id": branch.sc_storage_location_id.id,
                "barcode": f"BENCH-SHELF-{n}",
            }
            for n in (1, 2)
        ]
    )
    repairs = env["repair.order"].create(
        [
            {
                "picking_type_id": branch.repair_type_id.id,
                "product_id": product.id,
                "partner_id": client.id,
                "serial_number": f"BENCH-SN-{i:05d}",
                "fault_description": "Benchmark",
            }
            for i in range(count)
        ]
    )
    repairs.action_sc_confirm_intake()
    return branch, shelves, repairs


def run_scan(env, codes):
    """The scan screen: two calls, the device (with "where is it") then the place."""
    Scan = env["repair.scan"]
    state = Scan.sc_scan(codes["device"])["state"]
    env.invalidate_all()  # two requests: the second one starts cold too
    Scan.sc_scan(codes["place"], **state)


def run_scan_place(env, codes):
    """Only the place scan of the screen (the device scanned before)."""
    env["repair.scan"].sc_scan(codes["place"], repair_id=codes["repair_id"])


def run_relocate(env, codes):
    """Both codes in one call: ``repair.scan.sc_relocate``."""
    env["repair.scan"].sc_relocate(codes["device"], codes["place"])


def run_relocate_rpc(env, codes):
    """``sc_relocate`` from a client that sends no context (XML-RPC): a new
    environment, whose company is read from its user."""
    env = env(context={})
    env.user.invalidate_recordset()
    env["repair.scan"].sc_relocate(codes["device"], codes["place"])


def run_transfer(env, codes):
    # The core seals a client's device in the house: only its repair moves
    # it. The standard transfer runs with the repair's private marker, as if
    # the seal were not there (it then costs nothing).
    env = env["repair.order"].browse(codes["repair_id"])._sc_device_context().env
    repair = env["repair.order"].browse(codes["repair_id"])
    place = env["stock.location"].browse(codes["place_id"])
    branch = repair.branch_id
    source = repair.device_location_id
    picking = env["stock.picking"].create(
        {
            "picking_type_id": branch.int_type_id.id,
            "location_id": source.id,
            "location_dest_id": place.id,
            "owner_id": repair.partner_id.id,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": repair.name,
                        "product_id": repair.product_id.id,
                        "product_uom": repair.product_id.uom_id.id,
                        "product_uom_qty": 1.0,
                        "location_id": source.id,
                        "location_dest_id": place.id,
                    },
                )
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    move = picking.move_ids
    if not move.move_line_ids:
        move.move_line_ids = [
            (
                0,
                0,
                {
                    "quantity": 1.0,
                    "location_id": source.id,
                    "location_dest_id": place.id,
                },
            )
        ]
    move.move_line_ids.write(
        {"lot_id": repair.lot_id.id, "owner_id": repair.partner_id.id, "quantity": 1.0}
    )
    move.picked = True
    picking.button_validate()
    assert picking.state == "done", picking.state


def measure(env, way, repairs, shelves, scans):
    from odoo import sql_db

    func = WAYS[way]
    times, queries = [], []
    for i in range(scans):
        repair = repairs[i % len(repairs)]
        place = shelves[(i // len(repairs)) % 2]
        if repair.device_location_id == place:
            place = shelves - place
        # What the scanner sends, read before the clock starts.
        codes = {
            "device": repair.serial_number,
            "place": place.barcode,
            "repair_id": repair.id,
            "place_id": place.id,
        }
        env.invalidate_all()
        before = sql_db.sql_counter
        start = time.perf_counter()
        func(env, codes)
        env.flush_all()
        times.append(time.perf_counter() - start)
        queries.append(sql_db.sql_counter - before)
        repair.invalidate_recordset()
        assert repair.device_location_id == place, (way, repair.name)
    return times, queries


WAYS = {
    "scan": run_scan,
    "scan_place": run_scan_place,
    "relocate": run_relocate,
    "relocate_rpc": run_relocate_rpc,
    "transfer": run_transfer,
}


def main():
    args = parse_args()
    odoo = setup_odoo(args)
    from odoo import api

    registry = odoo.modules.registry.Registry(args.db)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        # The context the web client sends with every call (the scan screen).
        env = env(
            user=admin, su=False, context={"allowed_company_ids": admin.company_id.ids}
        )
        try:
            print(f"setting up {args.devices} devices…", file=sys.stderr)
            _branch, shelves, repairs = make_devices(env, args.devices)
            for way in WAYS:
                print(f"{way}: {args.scans} relocations…", file=sys.stderr)
                measure(env, way, repairs, shelves, min(5, args.scans))  # warm-up
                results[way] = measure(env, way, repairs, shelves, args.scans)
        finally:
            cr.rollback()
    print(f"## bench_scan: {args.scans} relocations of {args.devices} devices\n")
    print("| way | median ms | p95 ms | queries (median) | queries (max) |")
    print("|---|---|---|---|---|")
    for way, (times, queries) in results.items():
        ms = sorted(t * 1000 for t in times)
        p95 = ms[max(int(len(ms) * 0.95) - 1, 0)]
        print(
            f"| {way} | {statistics.median(ms):.1f} | {p95:.1f} "
            f"| {statistics.median(queries):.0f} | {max(queries)} |"
        )
    std_t, std_q = (statistics.median(v) for v in results["transfer"])
    print()
    for way in ("scan", "scan_place", "relocate", "relocate_rpc"):
        way_t, way_q = (statistics.median(v) for v in results[way])
        print(
            f"ratio transfer/{way}: time ×{std_t / way_t:.2f}, "
            f"queries ×{std_q / way_q:.2f}"
        )


if __name__ == "__main__":
    main()

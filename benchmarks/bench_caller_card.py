#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: the caller card (repair_call_center) against Odoo's stock lookup.

Generated data, at ``--scale`` 1.0: 200,000 clients with one to three numbers
each (mobile; a landline for every second client; a contact person with a
mobile under every third), 1,000,000 repair leads (five per client, one in
five left without a contact, phone only) and 300,000 repair orders. The rows
are cloned with bulk SQL from one template record made by the ORM (``INSERT
... SELECT ... generate_series``), in the database given by ``--db`` (which
must have repair_call_center installed), inside one transaction that is
ROLLED BACK at the end: the database is left as it was.

Every number of a sample of clients is typed in a matrix of Russian formats
(``+7 916 123-45-67``, ``8 (916) 123-45-67``, ``9161234567``, ``79161234567``,
``89161234567``, ``8 916 123 45 67 доб. 12``...) and looked up two ways:

1. ours:  ``repair.caller.card.get_caller_card(typed)`` (the whole card:
   client, leads, repairs, devices), the same with its query built anew at
   each card (a user's first card), and its partner lookup alone
   ``res.partner._sc_find_by_phone(typed)``;
2. stock: ``res.partner.search([('phone_mobile_search', 'ilike', typed)])``.

Each way is timed in wall time and in the Odoo process's CPU time
(``time.process_time``); PostgreSQL's own time is measured in a second pass
by running every query of the lookup again under ``EXPLAIN (ANALYZE,
SUMMARY)`` (planning + execution).

A hit is the expected client (or the company of the contact person) found.
It also times PBX events through ``repair.call.log._sc_process_event`` (one
worker, no HTTP). Only 127.0.0.1 is contacted. See benchmarks/README.md.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import threading
import time

FULL = {"partners": 200_000, "leads": 1_000_000, "repairs": 300_000}
FORMATS = [
    ("+7 916 123-45-67", lambda d: f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"),
    ("8 (916) 123-45-67", lambda d: f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"),
    ("9161234567", lambda d: d),
    ("79161234567", lambda d: f"7{d}"),
    ("89161234567", lambda d: f"8{d}"),
    ("+7 (916) 123 45 67", lambda d: f"+7 ({d[:3]}) {d[3:6]} {d[6:8]} {d[8:]}"),
    (
        "8 916 123 45 67 доб. 12",
        lambda d: f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]} доб. 12",
    ),
]


def log(message, *args):
    sys.stderr.write((message % args if args else message) + "\n")


def mobile(i):
    return str(9000000000 + (i * 7919) % 1_000_000_000)


def landline(i):
    return str(4950000000 + (i * 104729) % 10_000_000)


def contact_mobile(i):
    return str(9000000000 + (i * 7919 + 500_000_000) % 1_000_000_000)


def display_sql(col):
    """SQL giving '+7 916 123-45-67' from a 10-digit text column."""
    return (
        f"'+7 ' || substr({col}, 1, 3) || ' ' || substr({col}, 4, 3) || '-' "
        f"|| substr({col}, 7, 2) || '-' || substr({col}, 9, 2)"
    )


def clone(cr, table, template_id, overrides, count):
    """INSERT ``count`` copies of row ``template_id`` of ``table``, with
    ``overrides`` {column: SQL expression over g (1..count)}; returns first id."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name <> 'id'",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    first = cr.fetchone()[0] + 1
    cr.execute(
        f"INSERT INTO {table} ({names}) SELECT {select} "  # noqa: S608 (our SQL)
        f"FROM {table} t, generate_series(1, %s) g WHERE t.id = %s",
        [count, template_id],
    )
    return first


def generate(env, scale):
    cr = env.cr
    n_partners = max(int(FULL["partners"] * scale), 10)
    n_leads = max(int(FULL["leads"] * scale), 10)
    n_repairs = max(int(FULL["repairs"] * scale), 10)
    t0 = time.perf_counter()
    Partner = env["res.partner"]
    template = Partner.create({"name": "Bench template", "mobile": "+79000000000"})
    device = env["product.product"].create(
        {
            "name": "Bench Phone",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    branch = env["stock.warehouse"].search([], limit=1)
    repair_tpl = env["repair.order"].create(
        {
            "picking_type_id": branch.repair_type_id.id,
            "product_id": device.id,
            "partner_id": template.id,
            "serial_number": "BENCH-0",
            "fault_description": "Bench fault",
        }
    )
    lead_tpl = env["crm.lead"].create(
        {"name": "Bench lead", "phone": "+79000000000", "partner_id": template.id}
    )
    env.flush_all()
    d = "(9000000000 + (g::bigint * 7919) %% 1000000000)::text"
    ll = "(4950000000 + (g::bigint * 104729) %% 10000000)::text"
    first_partner = clone(
        cr,
        "res_partner",
        template.id,
        {
            "name": "'Bench client ' || g",
            "ref": "'CCB-' || g",
            "mobile": display_sql(d),
            "sc_mobile_e164": f"'+7' || {d}",
            "phone": f"CASE WHEN g %% 2 = 0 THEN {display_sql(ll)} END",
            "sc_phone_e164": f"CASE WHEN g %% 2 = 0 THEN '+7' || {ll} END",
            "phone_sanitized": f"'+7' || {d}",
            "commercial_partner_id": "NULL",
        },
        n_partners,
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id >= %s",
        [first_partner],
    )
    # A contact person under every third client (i = 3g), with their own mobile.
    cm = "(9000000000 + (3 * g::bigint * 7919 + 500000000) %% 1000000000)::text"
    parent = f"{first_partner} + 3 * g - 1"
    clone(
        cr,
        "res_partner",
        template.id,
        {
            "name": "'Contact of client ' || (3 * g)",
            "parent_id": parent,
            "commercial_partner_id": parent,
            "mobile": display_sql(cm),
            "sc_mobile_e164": f"'+7' || {cm}",
            "phone": "NULL",
            "sc_phone_e164": "NULL",
            "phone_sanitized": f"'+7' || {cm}",
        },
        n_partners // 3,
    )
    log("partners: %s clients in %.0fs", n_partners, time.perf_counter() - t0)
    lead_partner = f"{first_partner} + ((g - 1) %% {n_partners})"
    clone(
        cr,
        "crm_lead",
        lead_tpl.id,
        {
            "name": "'Bench lead ' || g",
            "partner_id": f"CASE WHEN g %% 5 = 0 THEN NULL ELSE {lead_partner} END",
            "phone": f"(SELECT mobile FROM res_partner WHERE id = {lead_partner})",
            "sc_phone_e164": (
                f"(SELECT sc_mobile_e164 FROM res_partner WHERE id = {lead_partner})"
            ),
            "sc_mobile_e164": "NULL",
            "phone_sanitized": "NULL",
        },
        n_leads,
    )
    log("leads: %s in %.0fs", n_leads, time.perf_counter() - t0)
    clone(
        cr,
        "repair_order",
        repair_tpl.id,
        {
            "name": "'BENCH/' || g",
            "partner_id": f"{first_partner} + ((g - 1) %% {n_partners})",
            "serial_number": "'BENCH-' || g",
        },
        n_repairs,
    )
    log("repairs: %s in %.0fs", n_repairs, time.perf_counter() - t0)
    for table in ("res_partner", "crm_lead", "repair_order"):
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    return {
        "partners": n_partners,
        "leads": n_leads,
        "repairs": n_repairs,
        "first_partner": first_partner,
        "seconds": time.perf_counter() - t0,
    }


def existing(env):
    """The data a former ``--keep`` run left in the database, or None."""
    cr = env.cr
    cr.execute("SELECT id FROM res_partner WHERE ref = 'CCB-1'")
    row = cr.fetchone()
    if not row:
        return None
    cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'CCB-%%'")
    n_partners = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    n_leads = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM repair_order WHERE name LIKE 'BENCH/%%'")
    n_repairs = cr.fetchone()[0]
    return {
        "partners": n_partners,
        "leads": n_leads,
        "repairs": n_repairs,
        "first_partner": row[0],
        "seconds": 0.0,
    }


def cases(info, sample, seed):
    """(typed, expected client id, which number, format name)."""
    rng = random.Random(seed)
    result = []
    for _ in range(sample):
        i = rng.randint(1, info["partners"])
        numbers = [("mobile", mobile(i))]
        if i % 2 == 0:
            numbers.append(("landline", landline(i)))
        if i % 3 == 0:
            numbers.append(("contact's mobile", contact_mobile(i)))
        for kind, number in numbers:
            name, fmt = rng.choice(FORMATS)
            result.append((fmt(number), info["first_partner"] + i - 1, kind, name))
    return result


def timed(env, func):
    env.invalidate_all()  # cold record cache: every card reads its rows
    queries = env.cr.sql_log_count
    cpu = time.process_time()
    start = time.perf_counter()
    value = func()
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - cpu) * 1000
    return value, elapsed, env.cr.sql_log_count - queries, cpu


def operator_env(env):
    """The env of a call-center operator working in the first branch: the
    card and the stock search run with an operator's rights and record
    rules (other branches' repairs come as the card's summary)."""
    branch = env["stock.warehouse"].search([], limit=1)
    user = env["res.users"].create(
        {
            "name": "Bench operator",
            "login": "bench_caller_card_operator",
            "groups_id": [
                (6, 0, [env.ref("repair_service_center.group_sc_operator").id])
            ],
            "sc_branch_ids": [(6, 0, branch.ids)],
        }
    )
    return env(user=user)


class _Queries:
    """The SQL queries a lookup runs (Odoo's cursor query hooks)."""

    def __init__(self):
        self.queries = []

    def __call__(self, cr, query, params, start, delay):
        self.queries.append((query, params))

    def __enter__(self):
        thread = threading.current_thread()
        thread.query_hooks = (*getattr(thread, "query_hooks", ()), self)
        return self

    def __exit__(self, *exc):
        thread = threading.current_thread()
        thread.query_hooks = tuple(h for h in thread.query_hooks if h is not self)


def pg_time(env, func):
    """PostgreSQL's own time (planning + execution, ms) for the queries of
    one lookup: each query it ran is run again, warm, under ``EXPLAIN
    (ANALYZE, SUMMARY)``; this does not depend on the Odoo process."""
    env.invalidate_all()
    with _Queries() as hook:
        func()
    total = 0.0
    for query, params in hook.queries:
        code = query.decode() if isinstance(query, bytes) else query
        if not code.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        env.cr.execute(
            "EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + code,  # noqa: S608 (replayed)
            params,
        )
        plan = env.cr.fetchone()[0][0]
        total += plan["Planning Time"] + plan["Execution Time"]
    return total


def built_anew(Card):
    """The card with its query built anew each time (the cost of a user's
    first card, or of the first after Odoo's caches are cleared): the
    ``ormcache`` of ``_sc_card_sql_template`` bypassed."""
    raw = type(Card)._sc_card_sql_template.__cache__.method

    def card(typed):
        cls = type(Card)
        own = cls.__dict__.get("_sc_card_sql_template")
        cls._sc_card_sql_template = raw
        try:
            return Card.get_caller_card(typed)
        finally:
            if own is None:
                del cls._sc_card_sql_template
            else:
                cls._sc_card_sql_template = own

    return card


def run(env, info, sample, seed):
    env = operator_env(env)
    Card = env["repair.caller.card"]
    Partner = env["res.partner"]
    anew = built_anew(Card)
    ways = {
        "ours: get_caller_card (whole card)": lambda t: [
            p["id"] for p in Card.get_caller_card(t)["partners"]
        ],
        "ours: whole card, query built anew": lambda t: [
            p["id"] for p in anew(t)["partners"]
        ],
        "ours: _sc_find_by_phone (client only)": lambda t: (
            Partner._sc_find_by_phone(t).commercial_partner_id.ids
        ),
        "stock: phone_mobile_search ilike": lambda t: (
            Partner.search(
                [("phone_mobile_search", "ilike", t)]
            ).commercial_partner_id.ids
        ),
    }
    results = {
        way: {"ms": [], "cpu": [], "pg": [], "q": [], "hits": 0, "by_format": {}}
        for way in ways
    }
    all_cases = cases(info, sample, seed)
    for typed, _expected, _kind, _fmt in all_cases[:5]:
        for func in ways.values():
            func(typed)
    for typed, expected, _kind, fmt in all_cases:
        for way, func in ways.items():
            found, ms, queries, cpu = timed(env, lambda: func(typed))  # noqa: B023
            res = results[way]
            res["ms"].append(ms)
            res["cpu"].append(cpu)
            res["q"].append(queries)
            hit = expected in found
            res["hits"] += hit
            hits, total = res["by_format"].get(fmt, (0, 0))
            res["by_format"][fmt] = (hits + hit, total + 1)
    # PostgreSQL's share, in a pass of its own (replaying queries would
    # otherwise weigh on the timings above).
    for typed, _expected, _kind, _fmt in all_cases:
        for way, func in ways.items():
            results[way]["pg"].append(pg_time(env, lambda: func(typed)))  # noqa: B023
    return results, len(all_cases)


class _SqlTrace(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage()[:300])


def trace(env, typed):
    """Each SQL query of one card, with its time (Odoo's debug log)."""
    logger = logging.getLogger("odoo.sql_db")
    handler = _SqlTrace()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        env.invalidate_all()
        env["repair.caller.card"].get_caller_card(typed)
    finally:
        logger.setLevel(old_level)
        logger.removeHandler(handler)
    return [line for line in handler.lines if "query:" in line]


def bench_events(env, count):
    connection = env["repair.pbx.connection"].create(
        {"name": "bench", "provider": "asterisk", "api_secret": "x"}
    )
    CallLog = env["repair.call.log"]
    start = time.perf_counter()
    for n in range(count):
        caller = "+7" + mobile(n + 1)
        for kind in ("ring", "answer", "end"):
            CallLog._sc_process_event(
                connection,
                {
                    "key": f"b{n}:{kind}",
                    "call_key": f"b{n}",
                    "kind": kind,
                    "caller": caller,
                    "answered": True,
                },
            )
    env.flush_all()
    elapsed = time.perf_counter() - start
    return count * 3 / elapsed


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(info, results, n_cases, events_per_s):
    out = [
        f"Data: {info['partners']:,} clients (+ contact persons), {info['leads']:,} "
        f"leads, {info['repairs']:,} repairs; generated in {info['seconds']:.0f} s.",
        f"Lookups: {n_cases} (every number of the sampled clients, random format).",
        "",
        "| way | median ms | p95 ms | Odoo CPU ms (median / p95) "
        "| PostgreSQL ms (median / p95) | queries (median) | hit rate |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for way, res in results.items():
        out.append(
            f"| {way} | {statistics.median(res['ms']):.2f} | {pct(res['ms'], 95):.2f} "
            f"| {statistics.median(res['cpu']):.2f} / {pct(res['cpu'], 95):.2f} "
            f"| {statistics.median(res['pg']):.2f} / {pct(res['pg'], 95):.2f} "
            f"| {statistics.median(res['q']):.0f} | {res['hits']}/{n_cases} "
            f"({100 * res['hits'] / n_cases:.0f}%) |"
        )
    out += ["", "Hit rate by the format typed:", ""]
    ways = list(results)
    out.append("| typed as | " + " | ".join(ways) + " |")
    out.append("|---|" + "---:|" * len(ways))
    for fmt, _f in FORMATS:
        cells = []
        for way in ways:
            hits, total = results[way]["by_format"].get(fmt, (0, 0))
            cells.append(f"{hits}/{total}")
        out.append(f"| `{fmt}` | " + " | ".join(cells) + " |")
    load = os.getloadavg()
    out += [
        "",
        f"PBX events processed: {events_per_s:.0f} per second (one worker, no HTTP).",
        f"Load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        f"on {os.cpu_count()} cores.",
    ]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rsc_call")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = full size")
    parser.add_argument("--sample", type=int, default=200, help="clients looked up")
    parser.add_argument("--events", type=int, default=300, help="calls of 3 events")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--trace", action="store_true", help="print the SQL of one card to stderr"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="commit the generated data (a database kept for benchmarks only) "
        "and reuse it on the next runs instead of generating it again",
    )
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    logging.getLogger("odoo").setLevel(logging.WARNING)
    odoo_args = ["-d", args.db, "--db_host=127.0.0.1", "--log-level=warn"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        src = os.path.dirname(os.path.dirname(odoo.__file__))
        odoo_args.append(f"--addons-path={src}/odoo/addons,{src}/addons,{root}")
    config.parse_config(odoo_args)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company.country_id = env.ref("base.ru")
        try:
            info = existing(env) if args.keep else None
            if info:
                log("reusing the data of a former --keep run")
            else:
                info = generate(env, args.scale)
                if args.keep:
                    env.flush_all()
                    cr.commit()  # a benchmark database, kept on purpose
            results, n_cases = run(env, info, args.sample, args.seed)
            if args.trace:
                typed = cases(info, 1, args.seed)[0][0]
                operator = env["res.users"].search(
                    [("login", "=", "bench_caller_card_operator")]
                )
                for line in trace(env(user=operator), typed):
                    log(line)
            events_per_s = bench_events(env, args.events)
            sys.stdout.write(report(info, results, n_cases, events_per_s) + "\n")
        finally:
            cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())

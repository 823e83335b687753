#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: find a client by a phone typed at reception, in any format.

Three ways are timed on the same random sample of existing clients, each phone
typed in a different format than the one stored:

1. ours:  ``res.partner._sc_find_by_phone(typed)`` (E.164 normalisation, then
   ``phone_sanitized = <E164>`` on a ``btree_not_null`` index); the row
   ``ours_search`` times that search alone, the number normalised beforehand;
2. stock: ``search([('phone_mobile_search', 'ilike', typed)])`` (Odoo's
   ``mail.thread.phone`` mixin: ``regexp_replace`` over phone/mobile);
3. plain: ``search(['|', ('phone', 'ilike', typed), ('mobile', 'ilike', typed)])``
   (what the contacts search box does).

The database (default ``sc_bench``) is created with ``repair_service_center``
installed without demo data if it does not exist, then filled with bulk SQL
(``INSERT ... SELECT generate_series``) up to ``--partners`` clients: creating a
million partners through the ORM would take hours. Only 127.0.0.1 is contacted.
See benchmarks/README.md.
"""

import argparse
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2

DB_HOST = "127.0.0.1"
DB_USER = "odoo"
MODULE = "repair_service_center"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_REF = "SCB-"  # ref of generated clients: SCB-<i>, i = 1..N
CHUNK = 100_000  # rows per INSERT statement
INSTALL_TIMEOUT = 3600  # seconds for odoo-bin to create the database
WARMUP = 5  # untimed lookups per way before measuring

# Stored formats of a mobile (d = 10-digit national number, e.g. 9161234567).
# Each is (name, Python formatter, SQL expression over a text column "d").
STORED_FORMATS = [
    (
        "+7 916 123-45-67",
        lambda d: f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}",
        "'+7 ' || substr(d, 1, 3) || ' ' || substr(d, 4, 3) || '-' "
        "|| substr(d, 7, 2) || '-' || substr(d, 9, 2)",
    ),
    (
        "8 (916) 123-45-67",
        lambda d: f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}",
        "'8 (' || substr(d, 1, 3) || ') ' || substr(d, 4, 3) || '-' "
        "|| substr(d, 7, 2) || '-' || substr(d, 9, 2)",
    ),
    ("+79161234567", lambda d: f"+7{d}", "'+7' || d"),
    ("89161234567", lambda d: f"8{d}", "'8' || d"),
    (
        "+7 (916) 123 45 67",
        lambda d: f"+7 ({d[:3]}) {d[3:6]} {d[6:8]} {d[8:]}",
        "'+7 (' || substr(d, 1, 3) || ') ' || substr(d, 4, 3) || ' ' "
        "|| substr(d, 7, 2) || ' ' || substr(d, 9, 2)",
    ),
]
# What a receptionist may type: any stored format, or no country/trunk prefix.
TYPED_FORMATS = [(name, fmt) for name, fmt, _sql in STORED_FORMATS] + [
    ("916 123 45 67", lambda d: f"{d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"),
]

WAYS = {
    "ours": "_sc_find_by_phone(typed)",
    "ours_search": "phone_sanitized = e164 (normalised beforehand)",
    "stock": "phone_mobile_search ilike typed",
    "plain": "phone ilike typed | mobile ilike typed",
}


def log(message, *args):
    print(message % args if args else message, file=sys.stderr, flush=True)


def national_number(i):
    """The unique 10-digit Russian mobile of generated client ``i`` (9xxxxxxxxx).

    7919 is prime to 10**9, so ``i -> i * 7919 mod 10**9`` is a bijection and
    no two clients share a number. Mirrors ``partner_insert_sql``.
    """
    return str(9_000_000_000 + (i * 7919) % 1_000_000_000)


def stored_format_index(i):
    """Index in STORED_FORMATS of client ``i``'s mobile. Mirrors the SQL."""
    return i % len(STORED_FORMATS)


# ---------------------------------------------------------------- database


def odoo_paths():
    import odoo

    odoo_pkg = os.path.dirname(os.path.abspath(odoo.__file__))
    odoo_src = os.path.dirname(odoo_pkg)
    return odoo_pkg, odoo_src


def default_addons_path():
    odoo_pkg, odoo_src = odoo_paths()
    paths = [os.path.join(odoo_pkg, "addons"), os.path.join(odoo_src, "addons")]
    return ",".join(p for p in paths + [REPO_ROOT] if os.path.isdir(p))


def odoo_command():
    """``odoo-bin`` of the importable odoo package, else ``python -m odoo``."""
    _odoo_pkg, odoo_src = odoo_paths()
    odoo_bin = os.path.join(odoo_src, "odoo-bin")
    if os.path.isfile(odoo_bin):
        return [sys.executable, odoo_bin]
    return [sys.executable, "-m", "odoo"]


def pg_connect(dbname):
    return psycopg2.connect(dbname=dbname, host=DB_HOST, user=DB_USER)


def database_exists(db):
    conn = pg_connect("postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
            return cr.fetchone() is not None
    finally:
        conn.close()


def module_state(db):
    conn = pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (MODULE,))
            row = cr.fetchone()
            return row and row[0]
    except psycopg2.Error:
        return None
    finally:
        conn.close()


def ensure_database(db, addons_path):
    if database_exists(db):
        state = module_state(db)
        if state != "installed":
            sys.exit(
                f"Database {db!r} exists but {MODULE} is {state or 'absent'}: "
                f"drop it (dropdb -h {DB_HOST} -U {DB_USER} {db}) or pick --db."
            )
        log("Database %s exists with %s installed.", db, MODULE)
        return 0.0
    cmd = odoo_command() + [
        "-d", db,
        "-i", MODULE,
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
        "--db_host", DB_HOST,
        "--db_user", DB_USER,
        "--addons-path", addons_path,
        "--log-level", "warn",
    ]  # fmt: skip
    log("Creating %s: %s", db, " ".join(cmd))
    start = time.monotonic()
    subprocess.run(
        cmd, check=True, timeout=INSTALL_TIMEOUT, env=dict(os.environ, TZ="UTC")
    )
    if module_state(db) != "installed":
        sys.exit(f"{MODULE} did not get installed in {db!r}, see the log above.")
    return time.monotonic() - start


# -------------------------------------------------------------- generation


def partner_columns(cr):
    """Column -> SQL expression over ``g``: id, i, d (national), f (formatted).

    Client i gets a unique mobile ``d`` in STORED_FORMATS[i % 5]; 60% have it
    in ``mobile`` only, 25% in ``phone`` only, 15% in ``mobile`` with a Moscow
    landline in ``phone``. ``phone_sanitized`` is what Odoo would compute: the
    mobile in E.164 (``mobile`` is sanitized first, then ``phone``).
    """
    cr.execute("SELECT id FROM res_country WHERE code = 'RU'")
    country_id = cr.fetchone()[0]
    # Placement bucket, decorrelated from the format: 0-11 mobile only,
    # 12-16 phone only, 17-19 mobile + landline phone.
    bucket = f"((g.i / {len(STORED_FORMATS)}) %% 20)"
    landline = "'+7 (495) ' || lpad(((g.i * 104729) %% 10000000)::text, 7, '0')"
    columns = {
        "id": "g.id",
        "name": "'Client ' || g.i",
        "complete_name": "'Client ' || g.i",
        "ref": f"'{BENCH_REF}' || g.i",
        "commercial_partner_id": "g.id",
        "country_id": str(country_id),
        "lang": "'en_US'",
        "type": "'contact'",
        "active": "TRUE",
        "is_company": "FALSE",
        "partner_share": "TRUE",
        "color": "0",
        "mobile": f"CASE WHEN {bucket} BETWEEN 12 AND 16 THEN NULL ELSE g.f END",
        "phone": (
            f"CASE WHEN {bucket} BETWEEN 12 AND 16 THEN g.f "
            f"WHEN {bucket} >= 17 THEN {landline} END"
        ),
        "phone_sanitized": "'+7' || g.d",
        "autopost_bills": "'ask'",  # NOT NULL once `account` is installed
        "create_uid": "1",
        "write_uid": "1",
        "create_date": "now() at time zone 'UTC'",
        "write_date": "now() at time zone 'UTC'",
    }
    cr.execute(
        """
        SELECT column_name, is_nullable = 'NO' AND column_default IS NULL
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = 'res_partner'
        """
    )
    existing = dict(cr.fetchall())
    unfilled = sorted(c for c, required in existing.items() if required)
    unfilled = [c for c in unfilled if c not in columns]
    if unfilled:
        sys.exit(
            f"res_partner has NOT NULL columns this script leaves empty: {unfilled}"
        )
    return {c: sql for c, sql in columns.items() if c in existing}


def partner_insert_sql(cr):
    """``INSERT ... SELECT generate_series(%(first)s, %(last)s)`` of clients."""
    columns = partner_columns(cr)
    formatted = "CASE g0.i %% {n} {whens} END".format(
        n=len(STORED_FORMATS),
        whens=" ".join(
            f"WHEN {k} THEN {sql}" for k, (_n, _f, sql) in enumerate(STORED_FORMATS)
        ),
    )
    # nextval() is volatile: the subquery is not flattened, one id per row.
    return f"""
        INSERT INTO res_partner ({", ".join(columns)})
        SELECT {", ".join(columns.values())}
          FROM (SELECT g0.id, g0.i, g0.d, {formatted} AS f
                  FROM (SELECT nextval('res_partner_id_seq') AS id, s AS i,
                               (9000000000 + (s * 7919) %% 1000000000)::text AS d
                          FROM generate_series(%(first)s::bigint, %(last)s) s) g0) g
    """


def generated_range(cr):
    """(count, max i) of the generated clients already in the database."""
    cr.execute(
        "SELECT count(*), coalesce(max(substr(ref, %s)::int), 0) FROM res_partner"
        " WHERE ref LIKE %s",
        (len(BENCH_REF) + 1, BENCH_REF + "%"),
    )
    return cr.fetchone()


def generate_partners(db, wanted):
    """Bring the generated clients to exactly ``wanted``; return seconds spent.

    Clients beyond ``wanted`` (left by a bigger earlier run) are deleted.
    """
    conn = pg_connect(db)
    start = time.monotonic()
    try:
        with conn.cursor() as cr:
            count, last = generated_range(cr)
            if count == last == wanted:
                log("%d generated clients already present.", count)
                return 0.0
            if count != last or last > wanted:
                keep = wanted if count == last else 0
                log("Removing generated clients beyond %d", keep)
                cr.execute(
                    "DELETE FROM res_partner WHERE ref LIKE %s"
                    " AND substr(ref, %s)::int > %s",
                    (BENCH_REF + "%", len(BENCH_REF) + 1, keep),
                )
                conn.commit()
                last = min(last, keep)
            insert = partner_insert_sql(cr)
            for first in range(last + 1, wanted + 1, CHUNK):
                chunk_last = min(first + CHUNK - 1, wanted)
                cr.execute(insert, {"first": first, "last": chunk_last})
                conn.commit()
                log(
                    "  clients %d..%d inserted (%.0f s)",
                    first,
                    chunk_last,
                    time.monotonic() - start,
                )
            conn.commit()
        # Steady state for the lookups: hint bits set, visibility map, stats.
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("VACUUM (ANALYZE) res_partner")
    finally:
        conn.close()
    return time.monotonic() - start


# ------------------------------------------------------------------ lookups


class SqlCapture(logging.Handler):
    """Collect the SQL that ``odoo.sql_db`` logs at DEBUG level."""

    PATTERN = re.compile(r"^\[[\d.]+ ms\] query: (.*)$", re.DOTALL)

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        match = self.PATTERN.match(record.getMessage())
        if match:
            self.queries.append(match.group(1))


@contextmanager
def capture_sql():
    logger = logging.getLogger("odoo.sql_db")
    saved = logger.level, logger.propagate
    handler = SqlCapture()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@dataclass
class Case:
    partner_id: int
    typed: str  # as the receptionist types it
    e164: str  # the stored phone_sanitized
    typed_format: str
    stored: str  # the phone as stored in mobile (or phone)


def lookup_functions(env):
    """Way name -> function(case) returning the partners found."""
    partner = env["res.partner"]
    return {
        "ours": lambda case: partner._sc_find_by_phone(case.typed),
        "ours_search": lambda case: partner.search(
            [("phone_sanitized", "=", case.e164)], order="id desc"
        ),
        "stock": lambda case: partner.search(
            [("phone_mobile_search", "ilike", case.typed)]
        ),
        "plain": lambda case: partner.search(
            ["|", ("phone", "ilike", case.typed), ("mobile", "ilike", case.typed)]
        ),
    }


def make_cases(cr, partners, lookups, seed):
    """``lookups`` random generated clients, each typed in another format."""
    rng = random.Random(seed)
    indexes = rng.sample(range(1, partners + 1), min(lookups, partners))
    cr.execute(
        "SELECT ref, id, phone_sanitized FROM res_partner WHERE ref = ANY(%s)",
        ([f"{BENCH_REF}{i}" for i in indexes],),
    )
    rows = {ref: (pid, sanitized) for ref, pid, sanitized in cr.fetchall()}
    cases = []
    for i in indexes:
        pid, sanitized = rows[f"{BENCH_REF}{i}"]
        digits = national_number(i)
        assert sanitized == "+7" + digits, (i, sanitized)
        stored = stored_format_index(i)
        typed = rng.choice([k for k in range(len(TYPED_FORMATS)) if k != stored])
        name, fmt = TYPED_FORMATS[typed]
        cases.append(
            Case(pid, fmt(digits), sanitized, name, STORED_FORMATS[stored][1](digits))
        )
    return cases


def check_generated_data(env, cases):
    """Odoo's own phone_sanitized computation must agree with the bulk SQL."""
    partners = env["res.partner"].browse([c.partner_id for c in cases])
    fnames = partners._phone_get_number_fields()
    for partner in partners:
        expected = next(
            filter(None, (partner._phone_format(fname=f) for f in fnames)), False
        )
        if partner.phone_sanitized != expected:
            sys.exit(
                f"Generated partner {partner.id} ({partner.mobile!r}, "
                f"{partner.phone!r}) has phone_sanitized "
                f"{partner.phone_sanitized!r}, Odoo computes {expected!r}."
            )
    env.invalidate_all()


def run_lookups(env, cases, max_seconds):
    """Time every way on every case; ORM cache cleared before each lookup."""
    import odoo.sql_db

    functions = lookup_functions(env)
    for case in cases[:WARMUP]:
        for fn in functions.values():
            env.invalidate_all()
            fn(case).ids  # noqa: B018
    results = {way: [] for way in functions}
    deadline = time.monotonic() + max_seconds
    ways = list(functions)
    for n, case in enumerate(cases):
        if time.monotonic() > deadline:
            log("Time budget spent: stopping after %d of %d lookups", n, len(cases))
            break
        shift = n % len(ways)
        for way in ways[shift:] + ways[:shift]:  # rotate who goes first
            env.invalidate_all()
            queries = odoo.sql_db.sql_counter
            start = time.perf_counter()
            ids = functions[way](case).ids
            elapsed = time.perf_counter() - start
            results[way].append(
                {
                    "ms": elapsed * 1000,
                    "hit": case.partner_id in ids,
                    "found": len(ids),
                    "queries": odoo.sql_db.sql_counter - queries,
                    "typed_format": case.typed_format,
                }
            )
        if (n + 1) % 50 == 0:
            log("  %d/%d lookups", n + 1, len(cases))
    return results


PHONE_WHERE = re.compile(r"\bFROM \"?res_partner\b.*\bWHERE\b.*(phone|mobile)", re.S)


def explain(env, way, case):
    """EXPLAIN ANALYZE of the res_partner queries one lookup runs."""
    env.invalidate_all()
    with capture_sql() as queries:
        lookup_functions(env)[way](case).ids  # noqa: B018
    plans = []
    for query in queries:
        # Only the phone search itself, not reads of the company, country, ...
        if not PHONE_WHERE.search(query):
            continue
        env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
        plan = "\n".join(row[0] for row in env.cr.fetchall())
        plans.append(f"{query.strip()}\n\n{plan}")
    return plans


def explain_samples(env, cases):
    """[(way, case, plans)]: every way on a number stored as "+7 ..." and typed
    "8 ..." (a usual reception case), and stock on one typed "+7 ..." (where it
    takes its btree prefix branch instead of the trigram one)."""
    typed_8 = [c for c in cases if c.typed[0] == "8" and c.stored[0] == "+"]
    typed_plus = [c for c in cases if c.typed[0] == "+"]
    samples = []
    if typed_8 or cases:
        case = (typed_8 or cases)[0]
        samples += [(way, case) for way in ("ours", "stock", "plain")]
    if typed_plus:
        samples.append(("stock", typed_plus[0]))
    return [(way, case, explain(env, way, case)) for way, case in samples]


# ------------------------------------------------------------------ report


def percentile(values, pct):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * pct // 100) - 1)]


def report(results, info, plans):
    summary = {}
    for way, rows in results.items():
        ms = [r["ms"] for r in rows]
        summary[way] = {
            "median": statistics.median(ms),
            "p95": percentile(ms, 95),
            "hits": sum(r["hit"] for r in rows),
            "n": len(rows),
            "queries": statistics.median(r["queries"] for r in rows),
            "found": statistics.mean(r["found"] for r in rows),
        }
    ours = summary["ours"]
    out = [
        f"## Phone lookup: {info['partners']:,} generated clients "
        f"({info['total']:,} res.partner rows), {ours['n']} lookups",
        "",
        f"PostgreSQL {info['pg']}, {os.cpu_count()} CPU(s), Python "
        f"{sys.version.split()[0]}, Odoo {info['odoo']}; database `{info['db']}`.",
        f"Setup this run: database creation {info['install_s']:.0f} s, client "
        f"generation {info['generation_s']:.0f} s (0 = already there). Load average"
        f" before/after the lookups: {info['load_before']:.2f}/"
        f"{info['load_after']:.2f}.",
        "",
        "| way | domain / call | median ms | p95 ms | hit rate | "
        "SQL queries (median) | results (mean) | median vs ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for way, s in summary.items():
        call = WAYS[way].replace("|", "\\|")  # a pipe would split the cell
        out.append(
            f"| {way} | `{call}` | {s['median']:.2f} | {s['p95']:.2f} | "
            f"{s['hits']}/{s['n']} ({100 * s['hits'] / s['n']:.0f}%) | "
            f"{s['queries']:g} | {s['found']:.2f} | "
            f"x{s['median'] / ours['median']:.1f} |"
        )
    out += [
        "",
        f"Ratio stock/ours: median x{summary['stock']['median'] / ours['median']:.1f},"
        f" p95 x{summary['stock']['p95'] / ours['p95']:.1f}.",
        "",
        "Hits / lookups and median ms by typed format (the stored format always"
        " differs):",
        "",
        "| typed as | " + " | ".join(results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for name, _fmt in TYPED_FORMATS:
        cells = []
        for rows in results.values():
            mine = [r for r in rows if r["typed_format"] == name]
            if mine:
                median = statistics.median(r["ms"] for r in mine)
                hits = sum(r["hit"] for r in mine)
                cells.append(f"{hits}/{len(mine)}, {median:.1f} ms")
            else:
                cells.append("-")
        out.append(f"| `{name}` | " + " | ".join(cells) + " |")
    for way, case, way_plans in plans:
        out += [
            "",
            f"EXPLAIN ANALYZE, {way}: typed `{case.typed}`, stored `{case.stored}`:",
            "",
        ]
        for plan in way_plans:
            out += ["```", plan, "```"]
    return "\n".join(out)


# -------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="sc_bench")
    parser.add_argument("--partners", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument(
        "--addons-path",
        default=None,
        help="default: odoo/addons and addons of the importable odoo, this repo",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=900,
        help="time budget of the lookup phase (default 900); stops early",
    )
    parser.add_argument(
        "--no-explain", action="store_true", help="skip the EXPLAIN ANALYZE section"
    )
    return parser.parse_args(argv)


def ensure_company_country(env):
    """Reception's default country is the company's: Russia, as in the demo."""
    russia = env.ref("base.ru")
    if env.company.country_id != russia:
        log("Setting %s's country to Russia", env.company.name)
        env.company.country_id = russia
        env.cr.commit()


def main(argv=None):
    args = parse_args(argv)
    addons_path = args.addons_path or default_addons_path()
    install_seconds = ensure_database(args.db, addons_path)
    generation_seconds = generate_partners(args.db, args.partners)
    if generation_seconds:
        log("Generated clients up to %d in %.0f s", args.partners, generation_seconds)

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    odoo_args = [
        "-d", args.db,
        "--db_host", DB_HOST,
        "--db_user", DB_USER,
        "--addons-path", addons_path,
        "--log-level", "warn",
    ]  # fmt: skip
    config.parse_config(odoo_args)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        ensure_company_country(env)
        cr.execute("SELECT count(*) FROM res_partner")
        total = cr.fetchone()[0]
        cr.execute("SHOW server_version")
        info = {
            "db": args.db,
            "partners": args.partners,
            "total": total,
            "pg": cr.fetchone()[0],
            "odoo": odoo.release.version,
            "install_s": install_seconds,
            "generation_s": generation_seconds,
        }
        cases = make_cases(cr, args.partners, args.lookups, args.seed)
        check_generated_data(env, cases)
        log("Timing %d lookups x %d ways", len(cases), len(WAYS))
        info["load_before"] = os.getloadavg()[0]
        results = run_lookups(env, cases, args.max_seconds)
        info["load_after"] = os.getloadavg()[0]
        plans = []
        if not args.no_explain:
            plans = explain_samples(env, cases)
        cr.rollback()
    print(report(results, info, plans))


if __name__ == "__main__":
    main()

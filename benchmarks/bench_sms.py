#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: queued SMS sent through Odoo and repair_sms, against the floor.

For each target (the SMS.ru stand-in, a real Kannel with its fake SMSC):

1. floor: a bare Python loop posts the same N requests to the same server over
   one keep-alive ``requests.Session`` (the least any sender has to do): the
   very texts Odoo sends (rendered beforehand, untimed), the same sender and
   parameters;
2. tuned floor: the same loop with the session's ``trust_env`` off, as the
   providers' sessions are (requests then stops re-reading the environment
   for proxy settings on every request): the floor for a client that does
   what ours does;
3. odoo: the whole path in Odoo: render N bodies from an ``sms.template``,
   queue them as ``sms.sms`` rows, then ``sms.sms._process_queue()`` (what the
   cron runs: reserve with ``FOR UPDATE SKIP LOCKED``, commit, send while
   journaling each hand-off and answer on an asynchronous autocommit
   connection, the next hand-off committed while the current request is in
   flight, write the gateway's answers, commit per batch).

It reports the times, the ratios odoo/floor, SQL queries per SMS in the send
phase, and duplicates (messages the server got more than once). The rows it
commits are deleted at the end. Only 127.0.0.1 is contacted. See
benchmarks/README.md.
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from functools import partial

import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STANDINS = os.path.join(REPO_ROOT, "repair_sms", "tests", "standins")
sys.path.insert(0, STANDINS)

import kannel as kannel_standin  # noqa: E402
import sms_gateways  # noqa: E402

MODULE = "repair_sms"
DB_HOST = "127.0.0.1"
BODY = "Заказ {{ object.ref }}: ваш телефон готов, к оплате 2 500 ₽. Тверская 1"


def log(message, *args):
    sys.stderr.write((message % args if args else message) + "\n")
    sys.stderr.flush()


def default_addons_path():
    import odoo

    odoo_pkg = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [
        os.path.join(odoo_pkg, "addons"),
        os.path.join(os.path.dirname(odoo_pkg), "addons"),
        REPO_ROOT,
    ]
    return ",".join(p for p in paths if os.path.isdir(p))


def ensure_database(args):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", host=DB_HOST, user=args.db_user)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db])
        exists = bool(cr.fetchone())
    conn.close()
    if exists and not args.update:
        return
    flag = "-u" if exists else "-i"
    cmd = [sys.executable, "-m", "odoo", "-d", args.db, flag, MODULE]
    cmd += ["--without-demo=all", "--stop-after-init", "--no-http"]
    cmd += ["--db_host", DB_HOST, "--addons-path", args.addons_path]
    cmd += ["--log-level", "warn"]
    if args.db_user:
        cmd += ["--db_user", args.db_user]
    log("%s %s: %s", "Updating" if exists else "Creating", args.db, " ".join(cmd))
    subprocess.run(cmd, check=True, timeout=3600)


def odoo_env(args):
    import odoo
    from odoo import SUPERUSER_ID, api

    config = ["-d", args.db, "--db_host", DB_HOST, "--addons-path", args.addons_path]
    if args.db_user:
        config += ["--db_user", args.db_user]
    odoo.tools.config.parse_config(config)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {}), registry


# ------------------------------------------------------------------ floors
def floor_session(tuned):
    """The floor's keep-alive session. ``tuned``: like the providers' (proxy
    settings read once, not from the environment on every request)."""
    session = requests.Session()
    if tuned:
        session.trust_env = False
    return session


def floor_standin(url, numbers, texts, tuned=False):
    session = floor_session(tuned)
    start = time.perf_counter()
    for number, text in zip(numbers, texts, strict=True):
        data = {
            "api_id": sms_gateways.SECRET,
            "to": number,
            "msg": text,
            "json": 1,
            "from": "RSC",
        }
        answer = session.post(url + "/sms/send", data=data, timeout=10).json()
        assert answer["status"] == "OK"
    return time.perf_counter() - start


def floor_kannel(url, numbers, texts, tuned=False):
    session = floor_session(tuned)
    start = time.perf_counter()
    for number, text in zip(numbers, texts, strict=True):
        params = {
            "username": kannel_standin.USERNAME,
            "password": kannel_standin.PASSWORD,
            "from": "RSC",
            "to": number,
            "text": text,
            "coding": 2,
            "charset": "UTF-8",
            "dlr-mask": 31,
            "dlr-url": "http://127.0.0.1:9/none?uuid=x&type=%d",
        }
        response = session.get(url + "/cgi-bin/sendsms", params=params, timeout=10)
        assert response.status_code == 202, response.text
    return time.perf_counter() - start


# -------------------------------------------------------------- odoo path
def _template(env):
    return env["sms.template"].create(
        {
            "name": "bench",
            "model_id": env["ir.model"]._get_id("res.partner"),
            "body": BODY + " {{ object.id }}",
        }
    )


def _texts(template, partners, count, start=0):
    bodies = template._render_field("body", partners.ids)
    return [
        "%s #%d" % (bodies[partners[index % len(partners)].id], index)
        for index in range(start, start + count)
    ]


def _numbers(count, prefix="7916", start=0):
    """Recipients: Odoo's path sends to 7916…, the floor to 7917… (the same
    length), so that the servers' records tell them apart."""
    return ["%s%06d5" % (prefix, index) for index in range(start, start + count)]


def floor_texts(env, count, start=0):
    """The texts Odoo's path will send, for the floor to post the same."""
    partners = env["res.partner"].search([], limit=100, order="id")
    template = _template(env)
    texts = _texts(template, partners, count, start)
    template.unlink()
    return texts


def measure(env, count, rounds, floor, odoo):
    """Floor and Odoo's path in ``rounds`` alternating rounds of about
    count/rounds SMS each (which one goes first alternates too), so that both
    meet the same machine: on a shared machine the load of others changes
    from minute to minute. Returns the sums."""
    totals = {"floor_s": 0.0, "tuned_s": 0.0, "queue_s": 0.0, "send_s": 0.0}
    totals["total_s"] = 0.0
    totals["queries"] = 0
    states = Counter()
    for index in range(rounds):
        start = count * index // rounds
        size = count * (index + 1) // rounds - start
        texts = floor_texts(env, size, start)
        numbers = _numbers(size, "7917", start)
        steps = ("floor", "tuned", "odoo")
        for step in steps if index % 2 == 0 else reversed(steps):
            if step == "floor":
                totals["floor_s"] += floor(numbers, texts)
                continue
            if step == "tuned":
                # Other recipients again, so that the servers' records still
                # tell Odoo's messages apart (7918…).
                tuned_numbers = _numbers(size, "7918", start)
                totals["tuned_s"] += floor(tuned_numbers, texts, tuned=True)
                continue
            result = odoo(size, start)
            for key in ("queue_s", "send_s", "total_s", "queries"):
                totals[key] += result[key]
            states.update(result["states"])
    totals["states"] = dict(states)
    return totals


def odoo_path(env, provider, endpoint, account, secret, count, first=0):
    from odoo import sql_db

    gateway = env["repair.sms.gateway"].create(
        {
            "name": "bench %s" % provider,
            "provider": provider,
            "endpoint": endpoint,
            "account": account,
            "secret": secret,
            "sender": "RSC",
        }
    )
    partners = env["res.partner"].search([], limit=100, order="id")
    template = _template(env)
    env.cr.commit()
    start = time.perf_counter()
    texts = _texts(template, partners, count, first)
    rows = env["sms.sms"].create(
        [
            {"number": "+" + number, "body": text, "sc_gateway_id": gateway.id}
            for number, text in zip(_numbers(count, start=first), texts, strict=True)
        ]
    )
    env.cr.commit()
    queued = time.perf_counter()
    queries_before = sql_db.sql_counter
    env["sms.sms"]._process_queue(ids=rows.ids)
    env.cr.commit()
    sent = time.perf_counter()
    queries = sql_db.sql_counter - queries_before
    env.invalidate_all()
    states = Counter(rows.mapped("state"))
    ids = rows.ids
    env["sms.sms"].browse(ids).unlink()
    env["repair.sms.report"].search([("gateway_id", "=", gateway.id)]).unlink()
    gateway.unlink()
    template.unlink()
    env.cr.commit()
    vacuum(env.cr.dbname)
    return {
        "queue_s": queued - start,
        "send_s": sent - queued,
        "total_s": sent - start,
        "queries": queries,
        "states": dict(states),
    }


def vacuum(dbname):
    """What autovacuum does between batches on a production server (it may be
    off where this runs: each round leaves about four dead versions per SMS,
    which slowed later rounds down); untimed."""
    import psycopg2

    from odoo import sql_db

    _db, info = sql_db.connection_info_for(dbname)
    conn = psycopg2.connect(**info)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("VACUUM ANALYZE sms_sms")
        cr.execute("VACUUM ANALYZE repair_sms_report")
    conn.close()


def standin_messages(url):
    return requests.get(url + "/_standin/messages", timeout=30).json()


def run_standin(env, count, rounds):
    proc = subprocess.Popen(
        [sys.executable, os.path.join(STANDINS, "sms_gateways.py")]
        + ["--port", str(kannel_standin.free_port()), "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = line.split(" on ")[1].split(" ")[0]
        result = measure(
            env,
            count,
            rounds,
            partial(floor_standin, url),
            partial(odoo_path, env, "smsru", url, False, sms_gateways.SECRET),
        )
        texts = Counter(
            m["text"] for m in standin_messages(url) if m["number"].startswith("7916")
        )
        result.update(
            received=sum(texts.values()),
            duplicates=sum(n - 1 for n in texts.values() if n > 1),
        )
        return result
    finally:
        proc.terminate()
        proc.wait(10)


def run_kannel(env, count, rounds):
    stack = kannel_standin.KannelStack().start()
    try:
        stack.start_smsc()
        result = measure(
            env,
            count,
            rounds,
            partial(floor_kannel, stack.url),
            partial(
                odoo_path,
                env,
                "kannel",
                stack.url,
                kannel_standin.USERNAME,
                kannel_standin.PASSWORD,
            ),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            got = [m for m in stack.received() if m[1].startswith("7916")]
            if len(got) >= count:
                break
            time.sleep(1)
        texts = Counter(m[2] for m in stack.received() if m[1].startswith("7916"))
        result.update(
            received=sum(texts.values()),
            duplicates=sum(n - 1 for n in texts.values() if n > 1),
        )
        return result
    finally:
        stack.stop()


def report(count, results):
    lines = [
        "| target | floor s | odoo send s | odoo total s | send / floor | "
        "total / floor | tuned floor s | total / tuned floor | SMS/s (odoo) | "
        "queries / SMS | received | duplicates |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            "| %s | %.2f | %.2f | %.2f | %.2f× | %.2f× | %.2f | %.2f× | %.0f | %.2f "
            "| %d/%d | %d |"
            % (
                name,
                r["floor_s"],
                r["send_s"],
                r["total_s"],
                r["send_s"] / r["floor_s"],
                r["total_s"] / r["floor_s"],
                r["tuned_s"],
                r["total_s"] / r["tuned_s"],
                count / r["total_s"],
                r["queries"] / count,
                r["received"],
                count,
                r["duplicates"],
            )
        )
    lines.append("")
    lines.append("states: " + json.dumps({k: r["states"] for k, r in results.items()}))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="sc_bench_sms")
    parser.add_argument("--db-user", default=None)
    parser.add_argument(
        "--update",
        action="store_true",
        help="update the addon in an existing database first (after a change)",
    )
    parser.add_argument("--count", type=int, default=10_000, help="SMS per target")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument(
        "--targets", default="standin,kannel", help="standin, kannel or both"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="alternating floor/Odoo rounds the SMS are split into",
    )
    args = parser.parse_args(argv)
    args.addons_path = args.addons_path or default_addons_path()
    ensure_database(args)
    env, _registry = odoo_env(args)
    results = {}
    try:
        for target in args.targets.split(","):
            log("%s: %d SMS", target, args.count)
            runner = run_standin if target == "standin" else run_kannel
            if target == "kannel" and not kannel_standin.available():
                log("Kannel is not installed: skipped")
                continue
            results[target] = runner(env, args.count, args.rounds)
            log("%s: %s", target, results[target])
    finally:
        env.cr.close()
    sys.stdout.write(report(args.count, results) + "\n")


if __name__ == "__main__":
    main()

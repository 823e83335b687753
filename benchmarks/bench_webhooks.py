#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: PBX webhook events per second over real HTTP on one worker.

Starts one Odoo server with ``--workers=0`` (threaded, one process) on the
database given by ``--db`` (which must have repair_call_center installed; the
admin's login and password are needed for the set-up through XML-RPC), or uses
the server at ``--url``. It creates a Mango Office and a Zadarma PBX
connection, then posts ``--calls`` incoming calls per provider, each call's
events signed as the provider signs them (the stand-in PBX's builders:
Mango ``events/call`` Appeared, Connected, Disconnected + ``events/summary``;
Zadarma NOTIFY_START, NOTIFY_ANSWER, NOTIFY_END), one after the other through
one keep-alive ``requests.Session`` (a PBX sends a call's events in order).
Every event writes the call log; the first one finds or creates the lead.

The stock baseline is the same number of plain ``crm.lead`` creates (name and
phone) through Odoo's JSON-RPC external API (``/jsonrpc``, ``execute_kw``),
on the same session and server. The ratio is ours / stock in events per
second. What the run created (connections, call logs, events, new leads) is
deleted at the end; calls from known clients link to their existing leads,
which stay. Only 127.0.0.1 is contacted. See benchmarks/README.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import xmlrpc.client

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "repair_call_center", "tools"))

from pbx_standin import mango_events, zadarma_events  # noqa: E402

BUILDERS = {"mango": mango_events, "zadarma": zadarma_events}


def log(message, *args):
    sys.stderr.write((message % args if args else message) + "\n")


def caller(i):
    """The mobiles of bench_caller_card.py's generated clients (known callers
    when that data is kept in the database), typed the trunk-prefix way."""
    return "8" + str(9000000000 + (i * 7919) % 1_000_000_000)


def start_server(args):
    import odoo

    src = os.path.dirname(os.path.dirname(odoo.__file__))
    addons = args.addons_path or f"{src}/odoo/addons,{src}/addons,{ROOT}"
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        args.db,
        "--db-filter",
        f"^{args.db}$",
        f"--addons-path={addons}",
        "--db_host=127.0.0.1",
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    url = f"http://127.0.0.1:{args.port}"
    for _ in range(240):
        try:
            if requests.get(f"{url}/web/health", timeout=2).ok:
                return server, url
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise SystemExit("the Odoo server stopped; see its log above")
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("the Odoo server did not answer /web/health in 120 s")


class Rpc:
    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise SystemExit(f"cannot log in as {login!r} on {db!r}")
        self.proxy = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def run_provider(session, rpc, url, provider, calls, warmup):
    connection_id = rpc(
        "repair.pbx.connection",
        "create",
        {
            "name": f"bench {provider}",
            "provider": provider,
            "api_key": "bench-key",
            "api_secret": "bench-secret",
            "extension_ids": [(0, 0, {"extension": "101", "user_id": rpc.uid})],
        },
    )
    (row,) = rpc("repair.pbx.connection", "read", [connection_id], ["webhook_token"])
    hook = f"{url}/repair_call_center/webhook/{row['webhook_token']}/{provider}"
    all_events = [
        BUILDERS[provider](
            url=hook,
            key="bench-key",
            secret="bench-secret",
            salt="bench-secret",
            caller=caller(n + 1),
            line="74950000000",
            extension="101",
        )
        for n in range(calls + warmup)
    ]
    latencies = []
    timed_events = 0
    start = None
    for n, events in enumerate(all_events):
        if n == warmup:
            start = time.perf_counter()
        for event_url, form, headers in events:
            t0 = time.perf_counter()
            response = session.post(event_url, data=form, headers=headers, timeout=30)
            if response.status_code != 200:
                raise SystemExit(
                    f"{provider}: HTTP {response.status_code} {response.text[:200]}"
                )
            if n >= warmup:
                latencies.append((time.perf_counter() - t0) * 1000)
                timed_events += 1
    elapsed = time.perf_counter() - start
    return connection_id, {
        "events": timed_events,
        "per_call": len(all_events[0]),
        "seconds": elapsed,
        "per_s": timed_events / elapsed,
        "median_ms": statistics.median(latencies),
        "p95_ms": sorted(latencies)[int(0.95 * (len(latencies) - 1))],
    }


def run_stock(session, url, db, uid, password, count, warmup):
    """``crm.lead`` create through /jsonrpc, as an external site would."""
    ids, latencies = [], []
    start = None
    for n in range(count + warmup):
        if n == warmup:
            start = time.perf_counter()
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": n,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    db,
                    uid,
                    password,
                    "crm.lead",
                    "create",
                    [{"name": f"Bench stock lead {n}", "phone": caller(n + 1)}],
                ],
            },
        }
        t0 = time.perf_counter()
        answer = session.post(f"{url}/jsonrpc", json=payload, timeout=30).json()
        if "error" in answer:
            raise SystemExit(f"stock: {answer['error']}")
        if n >= warmup:
            latencies.append((time.perf_counter() - t0) * 1000)
        ids.append(answer["result"])
    elapsed = time.perf_counter() - start
    return ids, {
        "events": count,
        "seconds": elapsed,
        "per_s": count / elapsed,
        "median_ms": statistics.median(latencies),
        "p95_ms": sorted(latencies)[int(0.95 * (len(latencies) - 1))],
    }


def last_lead_id(rpc):
    ids = rpc(
        "crm.lead",
        "search",
        [],
        order="id desc",
        limit=1,
        context={"active_test": False},
    )
    return ids[0] if ids else 0


def cleanup(rpc, connection_ids, stock_ids, first_lead_id):
    """Delete what the run created: calls of our connections, their events,
    the leads created since the run started (calls of known clients were
    linked to their existing leads, which stay), the stock leads."""
    calls = rpc(
        "repair.call.log",
        "search_read",
        [("connection_id", "in", connection_ids)],
        ["lead_id"],
    )
    lead_ids = sorted(
        {
            c["lead_id"][0]
            for c in calls
            if c["lead_id"] and c["lead_id"][0] > first_lead_id
        }
        | set(stock_ids)
    )
    rpc(
        "repair.call.event",
        "unlink",
        rpc("repair.call.event", "search", [("connection_id", "in", connection_ids)]),
    )
    activities = rpc(
        "mail.activity",
        "search",
        [("res_model", "=", "crm.lead"), ("res_id", "in", lead_ids)],
    )
    if activities:
        rpc("mail.activity", "unlink", activities)
    rpc("repair.call.log", "unlink", [c["id"] for c in calls])
    if lead_ids:
        rpc("crm.lead", "unlink", lead_ids)
    rpc("repair.pbx.connection", "unlink", connection_ids)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rsc_call")
    parser.add_argument("--url", help="use this running server (one worker)")
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--calls", type=int, default=300, help="calls per provider")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)

    server = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        server, url = start_server(args)
    try:
        rpc = Rpc(url, args.db, args.login, args.password)
        results, connection_ids, stock_ids = {}, [], []
        first_lead_id = last_lead_id(rpc)
        try:
            with requests.Session() as session:
                for provider in BUILDERS:
                    connection_id, results[provider] = run_provider(
                        session, rpc, url, provider, args.calls, args.warmup
                    )
                    connection_ids.append(connection_id)
                    log("%s: %.1f events/s", provider, results[provider]["per_s"])
                count = max(r["events"] for r in results.values())
                stock_ids, results["stock"] = run_stock(
                    session, url, args.db, rpc.uid, args.password, count, args.warmup
                )
                log("stock: %.1f creates/s", results["stock"]["per_s"])
        finally:
            cleanup(rpc, connection_ids, stock_ids, first_lead_id)
    finally:
        if server:
            server.terminate()
            server.wait(30)
    load = os.getloadavg()
    out = [
        f"One Odoo worker (--workers=0), {args.calls} calls per provider after "
        f"{args.warmup} warm-up calls, one keep-alive session; load average "
        f"before the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on "
        f"{os.cpu_count()} cores.",
        "",
        "| way | requests | events/s | median ms | p95 ms | ratio vs stock |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    stock = results["stock"]["per_s"]
    labels = {
        "mango": "Mango events/call + events/summary (signed)",
        "zadarma": "Zadarma NOTIFY_START/ANSWER/END (signed)",
        "stock": "stock: crm.lead create via /jsonrpc",
    }
    for way, res in results.items():
        out.append(
            f"| {labels[way]} | {res['events']} | {res['per_s']:.1f} "
            f"| {res['median_ms']:.1f} | {res['p95_ms']:.1f} "
            f"| ×{res['per_s'] / stock:.2f} |"
        )
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: from the card terminal's approval to posted, reconciled entries.

Two ways are timed on the same kind of order (a repair's sale order of one
service line settled at the till, invoiced, paid in full by card):

1. ours:  ``repair.pos.transaction._rpt_apply(approval)`` (repair_pos_terminal):
   the terminal's answer is checked, the row locked, the till order recorded
   through Odoo's invoiced-order path, the invoice and the payment entry posted
   and reconciled, the card data written on the journal items, the repair
   marked paid and a note posted on it;
2. stock: ``pos.order.sync_from_ui([order])`` with ``to_invoice`` and the
   context ``generate_pdf=False`` (Odoo's own invoiced POS order, without
   rendering the invoice PDF), the same order with a plain bank method.

Then each session (one per way) is closed and its closing is timed: "zero
extra work at closing" means both closings cost the same.

Everything happens in one transaction that is rolled back: the database is
left as it was. It must have ``repair_pos_terminal`` installed; the script
creates its own company in rubles with the generic chart, a branch, two tills
and the repairs. The terminal is not contacted (the approval is the canned
answer the bridge client returns), so only the posting is measured. Only
127.0.0.1 is contacted. See benchmarks/README.md.
"""

import argparse
import os
import statistics
import sys
import time
import uuid

DB_HOST = "127.0.0.1"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARMUP = 3


def log(message, *args):
    print(message % args if args else message, file=sys.stderr, flush=True)


def default_addons_path():
    import odoo

    odoo_pkg = os.path.dirname(os.path.abspath(odoo.__file__))
    odoo_src = os.path.dirname(odoo_pkg)
    paths = [os.path.join(odoo_pkg, "addons"), os.path.join(odoo_src, "addons")]
    return ",".join(p for p in paths + [REPO_ROOT] if os.path.isdir(p))


def setup(env, orders):
    """A RUB company, a branch, two open tills, ``orders`` repairs per way."""
    from odoo import Command

    rub = env.ref("base.RUB")
    rub.active = True
    company = env["res.company"].create(
        {
            "name": "Bench service center",
            "currency_id": rub.id,
            "country_id": env.ref("base.ru").id,
        }
    )
    # Odoo refuses to open a till as the superuser: work as the administrator.
    env = env(user=env.ref("base.user_admin").id, su=True)
    env.user.company_ids = [Command.link(company.id)]
    env.user.company_id = company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading(
        "generic_coa", company=company, install_demo=False
    )
    company.currency_id = rub
    branch = env["stock.warehouse"].create({"name": "Bench branch", "code": "BNB"})
    journal = env["account.journal"].create(
        {"name": "Bench card", "type": "bank", "code": "BNC"}
    )
    terminal_method = env["pos.payment.method"].create(
        {
            "name": "Bench terminal",
            "journal_id": journal.id,
            "use_payment_terminal": "repair_bridge",
            "rpt_terminal_url": "http://127.0.0.1:9",
        }
    )
    bank_method = env["pos.payment.method"].create(
        {"name": "Bench bank (stock)", "journal_id": journal.id}
    )
    configs = {}
    for way, method in (("ours", terminal_method), ("stock", bank_method)):
        config = env["pos.config"].create(
            {
                "name": f"Bench till {way}",
                "picking_type_id": branch.pos_type_id.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        config.open_ui()
        config.current_session_id.set_opening_control(0, None)
        configs[way] = config
    service = env["product.product"].create(
        {
            "name": "Bench repair works",
            "type": "service",
            "list_price": 2500.0,
            "taxes_id": [Command.clear()],
        }
    )
    device = env["product.product"].create(
        {
            "name": "Bench phone",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench client {i}"} for i in range(2 * orders)]
    )
    sale_orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": service.id,
                            "product_uom_qty": 1.0,
                            "price_unit": 2500.0 + i,
                        }
                    )
                ],
            }
            for i, partner in enumerate(partners)
        ]
    )
    repairs = env["repair.order"].create(
        [
            {
                "picking_type_id": branch.repair_type_id.id,
                "product_id": device.id,
                "partner_id": so.partner_id.id,
                "sale_order_id": so.id,
            }
            for so in sale_orders[:orders]
        ]
    )
    session = configs["ours"].current_session_id
    transactions = env["repair.pos.transaction"].create(
        [
            {
                "name": uuid.uuid4().hex,
                "payment_method_id": terminal_method.id,
                "session_id": session.id,
                "branch_id": branch.id,
                "repair_id": repair.id,
                "company_id": company.id,
                "currency_id": rub.id,
                "amount": repair.sale_order_id.amount_total,
                "user_id": env.uid,
            }
            for repair in repairs
        ]
    )
    env.flush_all()
    return env, configs, transactions, sale_orders[orders:], bank_method


def approval(txn, number):
    return {
        "status": "approved",
        "approved": True,
        "response_code": "00",
        "rrn": f"{900000000000 + number}",
        "auth_code": f"B{number:05d}",
        "masked_pan": "220220******1234",
        "brand": "MIR",
        "terminal_id": "00099999",
        "ecr_txn_id": txn.name,
        "amount_minor": txn._rpt_amount_minor(),
        "slip_lines": ["ОДОБРЕНО"],
    }


def stock_order(env, config, sale_order, method):
    session = config.current_session_id
    line = sale_order.order_line
    return {
        "uuid": str(uuid.uuid4()),
        "name": f"Bench {sale_order.name}",
        "session_id": session.id,
        "user_id": env.uid,
        "partner_id": sale_order.partner_id.id,
        "pricelist_id": config.pricelist_id.id,
        "fiscal_position_id": False,
        "date_order": str(sale_order.date_order),
        "sequence_number": 0,
        "lines": [
            (
                0,
                0,
                {
                    "product_id": line.product_id.id,
                    "full_product_name": line.name,
                    "qty": 1.0,
                    "price_unit": line.price_unit,
                    "discount": 0.0,
                    "tax_ids": [(6, 0, [])],
                    "price_subtotal": line.price_subtotal,
                    "price_subtotal_incl": line.price_total,
                    "sale_order_origin_id": sale_order.id,
                    "sale_order_line_id": line.id,
                    "uuid": str(uuid.uuid4()),
                },
            )
        ],
        "payment_ids": [
            (
                0,
                0,
                {
                    "amount": sale_order.amount_total,
                    "payment_method_id": method.id,
                    "name": str(sale_order.date_order),
                },
            )
        ],
        "amount_paid": sale_order.amount_total,
        "amount_return": 0.0,
        "amount_tax": 0.0,
        "amount_total": sale_order.amount_total,
        "to_invoice": True,
        "last_order_preparation_change": "{}",
    }


def measure(env, func):
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    func()
    env.flush_all()
    elapsed = time.perf_counter() - start
    return elapsed * 1000.0, cr.sql_log_count - queries


def run(env, configs, transactions, stock_sales, bank_method):
    PosOrder = env["pos.order"].with_context(generate_pdf=False)
    results = {"ours": [], "stock": []}
    for i, (txn, sale_order) in enumerate(zip(transactions, stock_sales, strict=True)):
        answer = approval(txn, i)
        vals = stock_order(env, configs["stock"], sale_order, bank_method)
        # Alternate which way goes first so neither profits from warm caches.
        ways = [
            ("ours", lambda txn=txn, answer=answer: txn._rpt_apply(answer)),
            ("stock", lambda vals=vals: PosOrder.sync_from_ui([vals])),
        ]
        if i % 2:
            ways.reverse()
        for way, func in ways:
            ms, queries = measure(env, func)
            if i >= WARMUP:
                results[way].append((ms, queries))
    # Sanity: everything is posted and reconciled.
    for txn in transactions:
        invoice = txn.pos_order_id.account_move
        assert txn.state == "posted" and invoice.state == "posted", txn.name
        assert invoice.payment_state in ("paid", "in_payment"), invoice.name
        assert txn.payment_move_id.line_ids[0].rpt_rrn == txn.rrn
    closing = {}
    for way, config in configs.items():
        session = config.current_session_id
        closing[way] = measure(env, session.close_session_from_ui)
        assert session.state == "closed", way
    return results, closing


def summary(rows):
    times = sorted(ms for ms, _q in rows)
    queries = [q for _ms, q in rows]
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, statistics.mean(queries)


def report(results, closing, info):
    ours, stock = summary(results["ours"]), summary(results["stock"])
    lines = [
        f"# Till posting benchmark ({info['orders']} orders per way, "
        f"{info['timed']} timed after {WARMUP} warm-up)",
        "",
        f"Odoo {info['odoo']}, PostgreSQL {info['pg']}, database `{info['db']}`, "
        f"{os.cpu_count()} CPUs, load {info['load']:.2f}.",
        "",
        "| way | median ms | p95 ms | queries / order |",
        "|---|---:|---:|---:|",
        f"| ours: approval → posted + reconciled | {ours[0]:.1f} | {ours[1]:.1f} "
        f"| {ours[2]:.0f} |",
        f"| stock: `sync_from_ui` to_invoice, no PDF | {stock[0]:.1f} | "
        f"{stock[1]:.1f} | {stock[2]:.0f} |",
        f"| **ratio ours / stock** | **{ours[0] / stock[0]:.2f}×** | "
        f"{ours[1] / stock[1]:.2f}× | {ours[2] / stock[2]:.2f}× |",
        "",
        "| session closing | ms | queries |",
        "|---|---:|---:|",
        f"| ours | {closing['ours'][0]:.0f} | {closing['ours'][1]} |",
        f"| stock | {closing['stock'][0]:.0f} | {closing['stock'][1]} |",
    ]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database with the addon")
    parser.add_argument("--orders", type=int, default=200, help="orders per way")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--db-user", default=os.environ.get("PGUSER"))
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.orders <= WARMUP:
        sys.exit(f"--orders must be more than {WARMUP}")
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    odoo_args = [
        "-d", args.db,
        "--db_host", DB_HOST,
        "--addons-path", args.addons_path or default_addons_path(),
        "--log-level", "warn",
    ]  # fmt: skip
    if args.db_user:
        odoo_args += ["--db_user", args.db_user]
    config.parse_config(odoo_args)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "repair.pos.transaction" not in env:
            sys.exit(f"repair_pos_terminal is not installed in {args.db!r}.")
        cr.execute("SHOW server_version")
        info = {
            "db": args.db,
            "orders": args.orders,
            "timed": args.orders - WARMUP,
            "odoo": odoo.release.version,
            "pg": cr.fetchone()[0],
        }
        log("Setting up %d repairs and %d sale orders…", args.orders, args.orders)
        env, configs, transactions, stock_sales, bank_method = setup(env, args.orders)
        log("Timing…")
        info["load"] = os.getloadavg()[0]
        results, closing = run(env, configs, transactions, stock_sales, bank_method)
        cr.rollback()
    print(report(results, closing, info))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark of the bill check against purchase orders and receipts (issue 4).

    python3 bench/matching.py

Creates its own database with the addon installed (dropped at the end, also on
failure), then:

1. one vendor bill of 1,000 lines against its purchase order of 1,000 lines
   (received, some lines billed at a higher price): the check from scratch
   (cold ORM cache, no finding recorded yet), timed and its SQL queries counted;
   the same for a bill of 100 lines, to show the query count does not grow with
   the lines;
2. 2,000 draft bills of 20 lines each (20 vendors, 20 purchase orders of 20
   lines partly billed by 100 bills each), checked in one batch, as the server
   action on the bill list does: bills per minute.

Seeding runs with the check off (company setting), so only the measured calls check.

Last line: ``BENCH matching big_bill_seconds=… big_bill_queries=… batch_bills_per_min=…``.
"""

import random
import time

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

BIG_LINES = 1000
SMALL_LINES = 100
BATCH_BILLS = 2000
BATCH_LINES = 20
VENDORS = 20
SEED_CHUNK = 100


def make_order(env, vendor, products, quantity, price_of):
    order = env["purchase.order"].create({
        "partner_id": vendor.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_qty": quantity, "price_unit": price_of(i),
                               "tax_ids": [(5, 0, 0)]}) for i, product in enumerate(products)],
    })
    order.button_confirm()
    order.order_line.write({"qty_received": quantity})
    return order


def bill_values(vendor, pols, quantity, ref, variance_every, rng):
    lines = []
    for i, pol in enumerate(pols):
        price = pol.price_unit * (1.03 if variance_every and i % variance_every == 0 else 1.0)
        lines.append((0, 0, {"product_id": pol.product_id.id, "quantity": quantity, "price_unit": round(price, 2),
                             "purchase_line_id": pol.id, "tax_ids": [(5, 0, 0)]}))
    return {"move_type": "in_invoice", "partner_id": vendor.id, "ref": ref, "invoice_date": "2026-01-15",
            "invoice_payment_term_id": False, "invoice_line_ids": lines}


def seed(env):
    rng = random.Random(4)
    company = env.company
    company.clerk_match_policy = "none"
    vendors = env["res.partner"].create([{"name": f"Bench vendor {i}", "supplier_rank": 1}
                                         for i in range(VENDORS + 1)])
    products = env["product.product"].create([{
        "name": f"Bench part {i}", "type": "consu", "purchase_method": "receive", "supplier_taxes_id": [(5, 0, 0)],
        "standard_price": 10.0,
    } for i in range(BIG_LINES)])
    env["clerk.match.tolerance"].create({"company_id": company.id, "price_pct": 1.0, "price_amount": 5.0,
                                         "qty_pct": 0.0, "total_pct": 1.0, "total_amount": 50.0})
    # 1. one big order and its bill; a smaller one for the query count comparison
    big_order = make_order(env, vendors[0], products, 10, lambda i: 5.0 + i % 50)
    big_bill = env["account.move"].create(bill_values(vendors[0], big_order.order_line, 10, "BIG-1", 10, rng))
    small_order = make_order(env, vendors[0], products[:SMALL_LINES], 10, lambda i: 5.0 + i % 50)
    small_bill = env["account.move"].create(
        bill_values(vendors[0], small_order.order_line, 10, "SMALL-1", 10, rng))
    # 2. 20 orders of 20 lines, each line billed 1 unit by 100 draft bills
    orders = [make_order(env, vendors[v + 1], products[v * BATCH_LINES:(v + 1) * BATCH_LINES], 100,
                         lambda i: 3.0 + i) for v in range(VENDORS)]
    bills = env["account.move"]
    for start in range(0, BATCH_BILLS, SEED_CHUNK):
        values = []
        for n in range(start, min(start + SEED_CHUNK, BATCH_BILLS)):
            order = orders[n % VENDORS]
            values.append(bill_values(order.partner_id, order.order_line, 1, f"B-{n:05d}",
                                      20 if n % 10 == 0 else 0, rng))
        bills |= env["account.move"].create(values)
        env.flush_all()
        env.invalidate_all()
    company.clerk_match_policy = "block"
    env.flush_all()
    return big_bill, small_bill, bills


def measure(env, bills):
    """Time and queries of one check of ``bills`` from scratch: no finding recorded, cold ORM cache."""
    env["clerk.discrepancy"].sudo().search([("move_id", "in", bills.ids)]).unlink()
    env.flush_all()
    with common.measure(env, cold=True, flush=True) as check:
        bills._clerk_match_check()
    return check.seconds, check.queries

def run():
    figures = {}
    with common.database("clerk_bench_matching") as registry:
        with common.environment(registry, common.QUIET) as env:
            cr = env.cr
            start = time.perf_counter()
            big_bill, small_bill, bills = seed(env)
            common.log(f"seeded a {BIG_LINES}-line bill, a {SMALL_LINES}-line bill and {len(bills)} bills of "
                       f"{BATCH_LINES} lines in {time.perf_counter() - start:.1f}s")
            measure(env, small_bill)  # warm-up: caches shared by every bill (currencies, companies, registry)
            small_seconds, small_queries = measure(env, small_bill)
            big_seconds, big_queries = measure(env, big_bill)
            findings = len(big_bill.clerk_discrepancy_ids)
            common.log(f"{SMALL_LINES}-line bill: {small_seconds:.3f}s, {small_queries} queries; "
                       f"{BIG_LINES}-line bill: {big_seconds:.3f}s, {big_queries} queries, {findings} findings, "
                       f"status {big_bill.clerk_match_status}")
            with common.measure(env, cold=True, flush=True) as again:
                big_bill._clerk_match_check()
            common.log(f"re-check of the {BIG_LINES}-line bill (findings recorded, unchanged): "
                       f"{again.seconds:.3f}s, {again.queries} queries")
            batch_seconds, batch_queries = measure(env, bills)
            statuses = {}
            for status in bills.mapped("clerk_match_status"):
                statuses[status] = statuses.get(status, 0) + 1
            common.log(f"batch of {len(bills)} bills x {BATCH_LINES} lines: {batch_seconds:.2f}s, "
                       f"{batch_queries} queries, statuses {statuses}")
            assert "none" not in statuses, "every bill must be checked"
            figures.update(big_seconds=big_seconds, big_queries=big_queries,
                           per_min=len(bills) / batch_seconds * 60.0)
            cr.rollback()
    common.bench("matching", big_bill_seconds=(figures["big_seconds"], 3), big_bill_queries=figures["big_queries"],
                 batch_bills_per_min=(figures["per_min"], 0))


if __name__ == "__main__":
    run()

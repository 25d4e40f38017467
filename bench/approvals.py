#!/usr/bin/env python3
"""Benchmark of billing-coordination approvals (issue 3).

    python3 bench/approvals.py

Creates its own database with the addon installed (dropped at the end, also on
failure), seeds 20 approval rules and 5,000 draft customer invoices, then:

1. evaluates which rules apply to all 5,000 in one batch, cold (rule cache
   cleared, ORM cache emptied), counting SQL queries;
2. posts 1,000 invoices that need no approval with the guard (``moves._post()``,
   the full chain: the gate with its approval reasons) and 1,000 without it.

"Without the guard" calls the ``_post`` that comes after the addon's posting gate
in the method resolution order: ``super(ClerkGate, moves)._post()`` where
``ClerkGate`` is the addon class that holds the gate. That skips the gate and
every extension of it (approvals included) and runs what Odoo and the modules
below the addon do, with no switch in production code. The batches alternate
(guard first, then without, then the other way round) so that warm-up and
sequence effects fall on both sides.

Last line: ``BENCH approvals moves=5000 eval_seconds=… eval_queries=… post_ratio=…``.
"""

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "dev"))
import clerkenv  # noqa: E402

clerkenv.ensure("bench")

import clerkdev  # noqa: E402

MOVES = 5000
RULES = 20
POSTED = 1000  # per side
BATCH = 100


def seed(env):
    """20 rules, 50 partners (some tagged), 5,000 draft invoices to evaluate, 2,000 small ones to post."""
    company = env.company
    rng = random.Random(42)
    tags = env["res.partner.category"].create([{"name": f"Bench tag {i}"} for i in range(3)])
    partners = env["res.partner"].create([{
        "name": f"Bench customer {i}",
        "category_id": [(6, 0, [tags[i % 3].id])] if i % 2 else [],
    } for i in range(50)])
    approvers = env["res.users"].create([{
        "name": f"Bench approver {i}", "login": f"bench_approver_{i}",
        "group_ids": [(6, 0, [env.ref("invoicing_clerk_tools.group_approver").id])],
    } for i in range(3)])
    sale_journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    rules = []
    for i in range(RULES):
        rule = {
            "name": f"Bench level {i}",
            "company_id": company.id,
            "sequence": 10 + i,
            "apply_out_invoice": i % 4 != 3,
            "apply_in_invoice": i % 4 == 3,
            "amount_min": 10000.0 + 2000.0 * i,  # small invoices (< 10,000) need no approval
            "amount_max": 0.0 if i % 3 else 10000.0 + 2000.0 * i + 30000.0,
            "approver_user_ids": [(6, 0, approvers[: 1 + i % 3].ids)],
            "min_approvals": 1 + (i % 2),
        }
        rule["min_approvals"] = min(rule["min_approvals"], 1 + i % 3)
        if i % 5 == 0:
            rule["domain"] = "[('invoice_origin', '=', False)]"
        if i % 5 == 1:
            rule["partner_category_ids"] = [(6, 0, [tags[i % 3].id])]
        if i % 5 == 2:
            rule["journal_ids"] = [(6, 0, sale_journal.ids)]
        if i % 7 == 3:
            rule["partner_ids"] = [(6, 0, partners[:10].ids)]
        rules.append(rule)
    env["clerk.approval.rule"].create(rules)

    def invoices(count, low, high):
        return env["account.move"].create([{
            "move_type": "out_invoice",
            "partner_id": partners[rng.randrange(50)].id,
            "invoice_date": "2026-01-15",
            "invoice_payment_term_id": False,
            "invoice_line_ids": [(0, 0, {"name": "Bench line", "quantity": 1,
                                         "price_unit": round(rng.uniform(low, high), 2), "tax_ids": [(5, 0, 0)]})],
        } for _ in range(count)])

    to_evaluate = env["account.move"]
    for start in range(0, MOVES, 1000):
        to_evaluate |= invoices(min(1000, MOVES - start), 100.0, 60000.0)
    to_post = invoices(2 * POSTED, 50.0, 5000.0)
    env.flush_all()
    return to_evaluate, to_post


def measure_eval(env, moves):
    env.registry.clear_cache()  # cold: the rule index is read again
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = env["clerk.approval.rule"]._rules_for_moves(moves)
    seconds = time.perf_counter() - start
    return seconds, cr.sql_log_count - queries, result


def measure_post(env, moves):
    from odoo.addons.invoicing_clerk_tools.models.account_move import AccountMove as ClerkGate

    def with_guard(batch):
        batch._post(soft=False)

    def without_guard(batch):
        super(ClerkGate, batch)._post(soft=False)

    timings = {"guard": 0.0, "plain": 0.0}
    queries = {"guard": 0, "plain": 0}
    batches = [moves[i:i + BATCH] for i in range(0, len(moves), BATCH)]
    for index in range(0, len(batches), 2):
        pair = [("guard", with_guard, batches[index]), ("plain", without_guard, batches[index + 1])]
        if (index // 2) % 2:
            pair.reverse()
        for side, post, batch in pair:
            env.invalidate_all()
            count = env.cr.sql_log_count
            start = time.perf_counter()
            post(batch)
            env.flush_all()
            timings[side] += time.perf_counter() - start
            queries[side] += env.cr.sql_log_count - count
    assert set(moves.mapped("state")) == {"posted"}, "every invoice should be posted"
    return timings, queries


def run():
    figures = {}
    with clerkdev.scratch_database("clerk_bench") as ctx:
        import odoo
        from odoo.modules.registry import Registry
        from odoo.tools import config

        config.parse_config(["-c", ctx["config"], "--log-level=warn"])
        registry = Registry(ctx["db"])
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {
                "tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True,
                "mail_create_nosubscribe": True})
            start = time.perf_counter()
            to_evaluate, to_post = seed(env)
            clerkdev.log(f"seeded {RULES} rules and {len(to_evaluate) + len(to_post)} draft invoices "
                         f"in {time.perf_counter() - start:.1f}s")

            seconds, queries, result = measure_eval(env, to_evaluate)
            matched = len(result)
            levels = sum(len(rules) for rules in result.values())
            clerkdev.log(f"rule evaluation: {len(to_evaluate)} moves, {matched} need approval ({levels} levels), "
                         f"{seconds:.3f}s, {queries} queries")
            gate_queries = cr.sql_log_count
            env.invalidate_all()
            reasons = to_post[:BATCH]._clerk_blocking_reasons()
            assert not any(reasons.values()), "the invoices to post must need no approval"
            clerkdev.log(f"gate on {BATCH} invoices needing no approval: {cr.sql_log_count - gate_queries} queries "
                         "(cold ORM cache)")

            timings, post_queries = measure_post(env, to_post)
            ratio = timings["guard"] / timings["plain"]
            clerkdev.log(f"posting {POSTED} invoices needing no approval: with guard {timings['guard']:.2f}s "
                         f"({post_queries['guard']} queries), without {timings['plain']:.2f}s "
                         f"({post_queries['plain']} queries)")
            figures.update(moves=len(to_evaluate), seconds=seconds, queries=queries, ratio=ratio)
            cr.rollback()
        Registry.delete(ctx["db"])
    print(f"BENCH approvals moves={figures['moves']} eval_seconds={figures['seconds']:.3f} "
          f"eval_queries={figures['queries']} post_ratio={figures['ratio']:.3f}", flush=True)


if __name__ == "__main__":
    run()

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

3. sends for approval, in one batch (*Send for Approval* on the list, as an
   Invoicing Clerk), the 2,500 draft invoices of another 5,000 that need 20
   more rules ("customer invoices above 1,000 + 100 × i", approvers a group of
   three): 50,000 frozen requests, the first rule asked (a To-Do per approver),
   a chatter message per invoice. The 5,000 are copies in SQL of two invoices
   made through the ORM (one of 5,000, one of 500), seeded after 1. and 2. so
   that their rules do not change what those measure.

Last line: ``BENCH approvals moves=5000 eval_seconds=… eval_queries=… post_ratio=… send_seconds=…
send_queries_per_move=…``. With ``--profile``, the most frequent query shapes of the sending are printed.
"""

import collections
import random
import re
import sys
import time

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

MOVES = 5000
RULES = 20
POSTED = 1000  # per side
BATCH = 100
SEND_MOVES = 5000  # half of them need the SEND_LEVELS rules
SEND_LEVELS = 20


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
            "name": f"Bench rule {i}",
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
    with common.measure(env, cold=True, clear_caches=True) as evaluation:  # cold: the rule index is read again
        result = env["clerk.approval.rule"]._rules_for_moves(moves)
    return evaluation.seconds, evaluation.queries, result

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
            with common.measure(env, cold=True, flush=True) as posting:
                post(batch)
            timings[side] += posting.seconds
            queries[side] += posting.queries
    assert set(moves.mapped("state")) == {"posted"}, "every invoice should be posted"
    return timings, queries


def seed_send(env):
    """20 rules for a group of 3 approvers; 5,000 draft invoices (SQL copies), 2,500 of them above every rule."""
    from odoo import Command

    company = env.company
    approver_group = env.ref("invoicing_clerk_tools.group_approver")
    board = env["res.groups"].create({"name": "Bench approval board"})
    env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"Bench board member {i}", "login": f"bench_board_{i}",
        "group_ids": [Command.set([approver_group.id, board.id])],
    } for i in range(3)])
    clerk = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench clerk", "login": "bench_clerk",
        "group_ids": [Command.set([env.ref("invoicing_clerk_tools.group_clerk").id,
                                   env.ref("account.group_account_invoice").id])]})
    env["clerk.approval.rule"].create([{
        "name": f"Board rule {i}", "company_id": company.id, "sequence": 100 + i, "apply_out_invoice": True,
        "amount_min": 1000.0 + 100.0 * i, "approver_kind": "group", "approver_group_id": board.id,
        "min_approvals": 1,
    } for i in range(SEND_LEVELS)])
    partners = env["res.partner"].create([{"name": f"Bench board customer {i}"} for i in range(50)])
    ids = []
    for price in (5000.0, 500.0):  # needs every rule / none
        template = env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partners[0].id, "invoice_date": "2026-01-15",
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "Bench line", "quantity": 1, "price_unit": price,
                                                 "tax_ids": [Command.clear()]})],
        })
        ids += [template.id, *common.clone_moves(
            env, template,
            "SELECT g AS n, (%s::int[])[1 + g %% 50] AS partner_id FROM generate_series(1, %s) g",
            [partners.ids, SEND_MOVES // 2 - 1],
            moves={"partner_id": "p.partner_id", "commercial_partner_id": "p.partner_id", "ref": "'SEND-' || p.n"},
            lines={"partner_id": "p.partner_id"})]
    env.invalidate_all()
    moves = env["account.move"].browse(ids)
    assert len(moves) == SEND_MOVES and set(moves.mapped("state")) == {"draft"}
    return clerk, moves


def profile_queries(cr):
    """Count the query shapes run on ``cr`` until the returned function is called; it prints the top 15."""
    counter = collections.Counter()
    execute = cr.execute

    def counting(query, params=None, log_exceptions=True):
        counter[re.sub(r"\d+", "N", str(getattr(query, "code", query)))[:160]] += 1
        return execute(query, params, log_exceptions)

    cr.execute = counting

    def stop():
        cr.execute = execute
        for text, count in counter.most_common(15):
            print(f"{count:7d} {' '.join(text.split())}", flush=True)

    return stop


def measure_send(env, clerk, moves):
    """Send ``moves`` for approval as ``clerk`` in one batch (the list's action), the ORM cache cold."""
    rules = env["clerk.approval.rule"]._rules_for_moves(moves)
    to_send = moves.filtered(lambda m: len(rules.get(m.id, ())) == SEND_LEVELS)
    assert len(to_send) == len(moves) // 2 and len(rules) == len(to_send), (len(to_send), len(rules))
    env.flush_all()
    as_clerk = to_send.with_env(env(user=clerk, context={}))
    stop = profile_queries(env.cr) if "--profile" in sys.argv else None
    with common.measure(env, cold=True, flush=True) as send:
        as_clerk.action_clerk_send_for_approval()
    if stop:
        stop()
    requests = env["clerk.approval.request"].search_count([("move_id", "in", to_send.ids)])
    asked = env["clerk.approval.request"].search_count([("move_id", "in", to_send.ids), ("state", "=", "pending")])
    activities = env["mail.activity"].search_count([("res_model", "=", "account.move"),
                                                    ("res_id", "in", to_send.ids)])
    assert requests == len(to_send) * SEND_LEVELS and asked == len(to_send), (requests, asked)
    assert set(to_send.mapped("clerk_approval_state")) == {"pending"}
    return send, len(to_send), requests, activities


def run():
    figures = {}
    with common.database("clerk_bench") as registry, common.environment(registry, common.QUIET) as env:
        start = time.perf_counter()
        to_evaluate, to_post = seed(env)
        common.log(f"seeded {RULES} rules and {len(to_evaluate) + len(to_post)} draft invoices "
                   f"in {time.perf_counter() - start:.1f}s")

        seconds, queries, result = measure_eval(env, to_evaluate)
        matched = len(result)
        levels = sum(len(rules) for rules in result.values())
        common.log(f"rule evaluation: {len(to_evaluate)} moves, {matched} need approval ({levels} rules), "
                   f"{seconds:.3f}s, {queries} queries")
        with common.measure(env, cold=True) as gate:
            reasons = to_post[:BATCH]._clerk_blocking_reasons()
        assert not any(reasons.values()), "the invoices to post must need no approval"
        common.log(f"gate on {BATCH} invoices needing no approval: {gate.queries} queries (cold ORM cache)")

        timings, post_queries = measure_post(env, to_post)
        ratio = timings["guard"] / timings["plain"]
        common.log(f"posting {POSTED} invoices needing no approval: with guard {timings['guard']:.2f}s "
                   f"({post_queries['guard']} queries), without {timings['plain']:.2f}s "
                   f"({post_queries['plain']} queries)")

        start = time.perf_counter()
        clerk, send_moves = seed_send(env)
        common.log(f"seeded {SEND_LEVELS} group rules and {len(send_moves)} draft invoices "
                   f"in {time.perf_counter() - start:.1f}s")
        send, sent, requests, activities = measure_send(env, clerk, send_moves)
        common.log(f"sending {sent} invoices for approval: {requests} requests, {activities} To-Dos, "
                   f"{send.seconds:.2f}s (CPU {send.cpu_seconds:.2f}s), {send.queries} queries "
                   f"({send.queries / sent:.2f} per invoice)")
        figures.update(moves=len(to_evaluate), seconds=seconds, queries=queries, ratio=ratio,
                       send_seconds=send.seconds, send_per_move=send.queries / sent)
        env.cr.rollback()
    common.bench("approvals", moves=figures["moves"], eval_seconds=(figures["seconds"], 3),
                 eval_queries=figures["queries"], post_ratio=(figures["ratio"], 3),
                 send_seconds=(figures["send_seconds"], 2), send_queries_per_move=(figures["send_per_move"], 2))


if __name__ == "__main__":
    run()

"""Benchmark: the aged open invoices XLSX export over 20,000 posted open customer invoices.

    python3 bench/aging_export.py

Makes its own database (dropped at the end), seeds the invoices, then measures
the export alone: rows/s, SQL queries and peak memory over the process's size
before the export. Target: under 3 s, fewer than 20 queries, under 100 MB.
"""

import time
from datetime import date, timedelta
from pathlib import Path

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

INVOICES = 20_000
CUSTOMERS = 500


def seed(env):
    """Post 20,000 invoices fast: one template invoice posted through the ORM, copied in SQL, checked by the ORM."""
    from odoo import Command

    company = env.company
    partners = env["res.partner"].create([{"name": f"Bench Customer {i:04d}"} for i in range(CUSTOMERS)])
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    template = env["account.move"].create({
        "move_type": "out_invoice", "partner_id": partners[0].id, "journal_id": journal.id,
        "invoice_date": date.today() - timedelta(days=60),
        "invoice_line_ids": [Command.create({"name": "Bench line", "quantity": 1, "price_unit": 100.0,
                                             "tax_ids": [Command.clear()]})],
    })
    template.action_post()

    # Copies of the posted template, each with its own partner, dates and number; the
    # amounts stay the template's so that headers and journal items agree.
    name = "'BENCH/' || lpad(p.n::text, 6, '0')"
    common.clone_moves(
        env, template,
        "SELECT g AS n, (%s::int[])[1 + g %% %s] AS partner_id, "
        "(current_date - (g %% 200 - 20) * interval '1 day')::date AS due FROM generate_series(1, %s) g",
        [partners.ids, len(partners), INVOICES - 1],
        moves={"name": name, "partner_id": "p.partner_id", "commercial_partner_id": "p.partner_id",
               "invoice_date": "p.due - 30", "invoice_date_due": "p.due", "date": "p.due - 30",
               "sequence_number": "p.n + 1", "payment_reference": name},
        lines={"move_name": name, "partner_id": "p.partner_id", "date": "p.due - 30", "invoice_date": "p.due - 30",
               "date_maturity": "CASE WHEN l.date_maturity IS NOT NULL THEN p.due END"})
    env.invalidate_all()
    moves = env["account.move"].search([("name", "=like", "BENCH/%")])
    assert len(moves) == INVOICES - 1
    sample = moves[::997]
    assert set(sample.mapped("state")) == {"posted"} and set(sample.mapped("payment_state")) == {"not_paid"}
    for move in sample:
        assert move.line_ids and move.amount_residual == template.amount_residual
        receivable = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
        assert receivable.partner_id == move.partner_id and receivable.date_maturity == move.invoice_date_due
    return template


def main():
    with common.database("clerk_bench_aging") as registry:
        with common.environment(registry, {"tracking_disable": True}) as env:
            started = time.time()
            seed(env)
            env.cr.commit()
            print(f"seeded {INVOICES} posted open invoices in {time.time() - started:.1f} s", flush=True)

        with common.environment(registry) as env:
            report = env["clerk.aging.report"]
            assert env["account.move"].search_count(report._open_invoice_domain()) >= INVOICES
            target = Path(registry.bench["workdir"]) / "aging.xlsx"
            env.invalidate_all()
            with common.PeakMemory() as memory, common.measure(env) as export:
                rows = report.export_xlsx(str(target), date.today())
    seconds, queries = export.seconds, export.queries
    peak_mb = memory.peak_over_start / 1024 / 1024
    print(f"exported {rows} rows in {seconds:.2f} s ({rows / seconds:.0f} rows/s), {queries} queries "
          f"({queries * 1000 / rows:.2f} per 1,000 rows), peak {peak_mb:.1f} MB over the size before the export")
    common.bench("aging_export", rows=rows, seconds=(seconds, 2), queries=queries, peak_mb=(peak_mb, 1),
                 rows_per_s=(rows / seconds, 0))

if __name__ == "__main__":
    main()

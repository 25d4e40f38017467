"""Benchmark: the aged open invoices XLSX export over 20,000 posted open customer invoices.

    python3 bench/aging_export.py

Makes its own database (dropped at the end), seeds the invoices, then measures
the export alone: rows/s, SQL queries and peak memory over the process's size
before the export. Target: under 3 s, fewer than 20 queries, under 100 MB.
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "dev"))
import clerkenv  # noqa: E402

clerkenv.ensure("bench")

import clerkdev  # noqa: E402

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
    cr = env.cr
    env.flush_all()

    def columns(table, own):
        cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
        return [name for (name,) in cr.fetchall() if name not in own and name != "id"]

    # Copies of the posted template, each with its own partner, dates and number; the
    # amounts stay the template's so that headers and journal items agree.
    move_own = ("name", "partner_id", "commercial_partner_id", "invoice_date", "invoice_date_due", "date",
                "sequence_number", "payment_reference")
    move_cols = columns("account_move", move_own)
    cr.execute("CREATE TEMP TABLE bench_seq AS SELECT g AS n, (%s::int[])[1 + g %% %s] AS partner_id, "
               "(current_date - (g %% 200 - 20) * interval '1 day')::date AS due FROM generate_series(1, %s) g",
               [partners.ids, len(partners), INVOICES - 1])
    cr.execute(f"""
        CREATE TEMP TABLE bench_map AS
        WITH inserted AS (
            INSERT INTO account_move ({", ".join(move_cols)}, {", ".join(move_own)})
            SELECT {", ".join("m." + c for c in move_cols)}, 'BENCH/' || lpad(s.n::text, 6, '0'), s.partner_id,
                   s.partner_id, s.due - 30, s.due, s.due - 30, s.n + 1, 'BENCH/' || lpad(s.n::text, 6, '0')
              FROM account_move m, bench_seq s WHERE m.id = %s
            RETURNING id, name)
        SELECT id, name FROM inserted
    """, [template.id])
    line_own = ("move_id", "move_name", "partner_id", "date", "invoice_date", "date_maturity")
    line_cols = columns("account_move_line", line_own)
    cr.execute(f"""
        INSERT INTO account_move_line ({", ".join(line_cols)}, {", ".join(line_own)})
        SELECT {", ".join("l." + c for c in line_cols)}, mv.id, mv.name, mv.partner_id, mv.date, mv.invoice_date,
               CASE WHEN l.date_maturity IS NOT NULL THEN mv.invoice_date_due END
          FROM account_move_line l, bench_map bm JOIN account_move mv ON mv.id = bm.id
         WHERE l.move_id = %s
    """, [template.id])
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
    with clerkdev.scratch_database("clerk_bench_aging") as ctx:
        import odoo
        from odoo.modules.registry import Registry
        from odoo.tools import config

        config.parse_config(["-c", ctx["config"], "--log-level=warn"])
        registry = Registry(ctx["db"])
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            started = time.time()
            seed(env)
            cr.commit()
            print(f"seeded {INVOICES} posted open invoices in {time.time() - started:.1f} s", flush=True)

        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            report = env["clerk.aging.report"]
            assert env["account.move"].search_count(report._open_invoice_domain()) >= INVOICES
            target = Path(ctx["workdir"]) / "aging.xlsx"
            env.invalidate_all()
            with clerkdev.PeakMemory() as memory:
                queries_before = cr.sql_log_count
                started = time.perf_counter()
                rows = report.export_xlsx(str(target), date.today())
                seconds = time.perf_counter() - started
                queries = cr.sql_log_count - queries_before
    peak_mb = memory.peak_over_start / 1024 / 1024
    print(f"exported {rows} rows in {seconds:.2f} s ({rows / seconds:.0f} rows/s), {queries} queries "
          f"({queries * 1000 / rows:.2f} per 1,000 rows), peak {peak_mb:.1f} MB over the size before the export")
    print(f"BENCH aging_export rows={rows} seconds={seconds:.2f} queries={queries} peak_mb={peak_mb:.1f} "
          f"rows_per_s={rows / seconds:.0f}")


if __name__ == "__main__":
    main()

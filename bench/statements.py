"""Benchmark: all monthly statements of account, and the clerk dashboard, at volume.

    python3 bench/statements.py [--pdf-sample N]

Makes its own database (dropped at the end) and seeds 2,000 customers flagged
for statements with 20,000 posted documents (16,000 invoices and 4,000
unreconciled customer payments, spread over the last four months), all
assigned to clerks of one team. Then measures:

1. the statement run for last month (``clerk.statement.log._run``) with
   PDF rendering and mail queueing, on ``--pdf-sample`` customers (default 200):
   wkhtmltopdf costs about a second per call here, so the full 2,000 would
   not show the rest of the work; the per-statement cost is extrapolated and
   printed;
2. the data and XLSX of all 2,000 statements (the figures of every customer,
   written through the shared XLSX helper) plus the queueing of every log
   (planning the period, the logs created once): ``seconds``, ``queries`` and
   ``peak_mb`` of the BENCH line are this part;
3. the clerk dashboard (every card, count and total) for a team leader in
   "My Team" scope: ``dashboard_seconds`` and ``dashboard_queries``.

Last line:

    BENCH statements customers=… seconds=… queries=… peak_mb=… dashboard_seconds=… dashboard_queries=…
"""

import io
import sys
import time
from datetime import timedelta

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

CUSTOMERS = 2000
INVOICES = 16000
PAYMENTS = 4000
DASHBOARD_SPEC = {"name": {}, "description": {}, "record_count": {}, "amount_total": {}, "amount_field": {},
                  "currency_id": {"fields": {"display_name": {}}}, "color": {}}


def copy_moves(env, template, count, partners, days_back, prefix):
    """``count`` SQL copies of the posted ``template`` move (and its lines): own partner, dates and number."""
    name = f"'{prefix}' || lpad(p.n::text, 6, '0')"
    common.clone_moves(
        env, template,
        """SELECT n, (%(partners)s)[1 + n %% %(count)s] AS partner_id,
                  (%(today)s::date - (n %% %(days)s) * interval '1 day')::date AS day
             FROM generate_series(1, %(moves)s) AS n""",
        {"partners": partners.ids, "count": len(partners), "today": env.context["bench_today"],
         "days": days_back, "moves": count},
        moves={"name": name, "partner_id": "p.partner_id", "commercial_partner_id": "p.partner_id", "date": "p.day",
               "invoice_date": "CASE WHEN m.invoice_date IS NULL THEN NULL ELSE p.day END",
               "invoice_date_due": "CASE WHEN m.invoice_date_due IS NULL THEN NULL ELSE p.day + 30 END",
               "payment_reference": name, "sequence_number": "p.n + 1000"},
        lines={"partner_id": "p.partner_id", "date": "p.day",
               "invoice_date": "CASE WHEN l.invoice_date IS NULL THEN NULL ELSE p.day END",
               "date_maturity": "CASE WHEN l.date_maturity IS NULL THEN NULL ELSE p.day + 30 END",
               "move_name": name})

def seed(env, today):
    from odoo import Command

    company = env.company
    group_team = env.ref("invoicing_clerk_tools.group_clerk_team_view")
    group_clerk = env.ref("invoicing_clerk_tools.group_clerk")
    clerks = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"Bench Clerk {i}", "login": f"bench_clerk_{i}", "company_id": company.id,
        "company_ids": [Command.set(company.ids)],
        "group_ids": [Command.set([(group_team if i == 0 else group_clerk).id])],
    } for i in range(5)])
    env["clerk.team"].create({"name": "Bench team", "company_id": company.id, "leader_id": clerks[0].id,
                              "member_ids": [Command.set(clerks.ids)]})
    partners = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True).create([{
        "name": f"Bench customer {i:04d}", "email": f"customer{i}@bench.example.com", "is_company": True,
        "clerk_statement_send": True, "clerk_user_id": clerks[i % len(clerks)].id,
        "street": "Main Street 1", "city": "Springfield", "country_id": company.country_id.id or False,
    } for i in range(CUSTOMERS)])
    Move = env["account.move"].with_context(tracking_disable=True)
    invoice = Move.create({
        "move_type": "out_invoice", "partner_id": partners[0].id, "invoice_date": today - timedelta(days=40),
        "invoice_payment_term_id": False,
        "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 120.0,
                                             "tax_ids": [Command.clear()]})],
    })
    invoice.action_post()
    journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    method_line = journal.inbound_payment_method_line_ids[:1]
    if not method_line.payment_account_id:
        method_line.payment_account_id = env["account.chart.template"].ref(
            "account_journal_payment_debit_account_id", raise_if_not_found=False) or company.transfer_account_id
    payment = env["account.payment"].create({
        "payment_type": "inbound", "partner_type": "customer", "partner_id": partners[0].id, "amount": 50.0,
        "date": today - timedelta(days=40), "journal_id": journal.id, "payment_method_line_id": method_line.id})
    payment.action_post()
    assert payment.move_id, "the bench needs payments with journal entries (outstanding account)"
    env.flush_all()
    env = env(context=dict(env.context, bench_today=today))
    copy_moves(env, invoice, INVOICES - 1, partners, 120, "BINV/")
    copy_moves(env, payment.move_id, PAYMENTS, partners, 120, "BPAY/")
    env.cr.execute("UPDATE account_move SET clerk_user_id = p.clerk_user_id FROM res_partner p "
                   "WHERE p.id = account_move.partner_id AND account_move.name LIKE 'B%%'")
    env.invalidate_all()
    # checked through the ORM
    Move = env["account.move"]
    assert Move.search_count([("name", "=like", "BINV/%"), ("state", "=", "posted"),
                              ("payment_state", "=", "not_paid")]) == INVOICES - 1
    sample = Move.search([("name", "=like", "BPAY/%")], limit=1)
    receivable = sample.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
    assert receivable.balance == -50.0 and not receivable.reconciled and receivable.partner_id == sample.partner_id
    env.cr.commit()
    return clerks, partners


def main():
    sample_size = int(sys.argv[sys.argv.index("--pdf-sample") + 1]) if "--pdf-sample" in sys.argv else 200
    with common.database("clerk_bench_statements") as registry:
        import odoo
        from odoo.tools import config

        statement = sys.modules["odoo.addons.invoicing_clerk_tools.tools.statement"]
        with common.environment(registry) as env:
            cr = env.cr
            today = odoo.fields.Date.context_today(env["res.users"])
            started = time.monotonic()
            clerks, partners = seed(env, today)
            common.log(f"seeded {CUSTOMERS} customers, {INVOICES} invoices, {PAYMENTS} payments in "
                       f"{time.monotonic() - started:.0f} s")
            company = env.company
            date_from, date_to = statement.previous_month(today)
            Log = env["clerk.statement.log"]
            Mail = env["mail.mail"]

            # 1. rendering and queueing, batch by batch as the run does, on a sample of customers
            # wkhtmltopdf loads the report's assets over HTTP, as from a running server
            from odoo.service import server

            server.ThreadedServer(odoo.http.root).http_spawn()
            env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{config['http_port']}")
            sample = partners[:sample_size]
            Log._ensure(company, sample, date_from, date_to, origin="cron")
            cr.commit()
            env.invalidate_all()
            mails_before = Mail.search_count([])
            start = time.monotonic()
            while batch := Log._claim(company, Log._batch_size()):
                batch._send()
                cr.commit()
            pdf_seconds = time.monotonic() - start
            rendered = Mail.search_count([]) - mails_before
            assert rendered == sample_size, rendered
            pdf_size = sum(len(raw or b"") for raw in Log.search([]).attachment_id.mapped("raw")) / rendered
            per_statement = pdf_seconds / rendered
            common.log(f"PDFs: {rendered} statements rendered and queued in {pdf_seconds:.1f} s "
                       f"({per_statement:.2f} s each, {pdf_size / 1024:.0f} KB each: all {CUSTOMERS} would take "
                       f"about {per_statement * CUSTOMERS / 60:.1f} min on this machine)")

            # 2. figures and XLSX of every customer, and the queueing of every log
            env.invalidate_all()
            buffer = io.BytesIO()
            with common.PeakMemory() as memory, common.measure(env) as run:
                counts = env["clerk.statement.report"].export_xlsx(buffer, company, partners, date_from, date_to)
                planned = Log._plan(company, date_from, date_to)
            seconds, queries = run.seconds, run.queries
            peak_mb = memory.peak_over_start / 1024 / 1024
            assert len(planned) == CUSTOMERS - sample_size, len(planned)
            common.log(f"data + XLSX of {CUSTOMERS} statements ({counts}) and {len(planned)} logs queued in "
                       f"{seconds:.2f} s, {queries} queries, peak {peak_mb:.1f} MB")
            cr.commit()

            # 3. the dashboard of the team leader, "My Team"
            Queue = env["clerk.queue"].with_user(clerks[0]).with_context(clerk_scope="team")
            Queue.web_search_read([], DASHBOARD_SPEC)  # warm the caches (rules, views), as a second load
            with common.measure(env, cold=True) as dashboard:
                cards = Queue.web_search_read([], DASHBOARD_SPEC)
            overdue = next(card for card in cards["records"] if card["name"] == "Overdue Customer Invoices")
            assert overdue["record_count"] > 1000, overdue
            common.log(f"dashboard: {cards['length']} cards in {dashboard.seconds:.3f} s, "
                       f"{dashboard.queries} queries")
    print(f"pdf_run statements={rendered} seconds={pdf_seconds:.1f} per_statement={per_statement:.3f}", flush=True)
    common.bench("statements", customers=CUSTOMERS, seconds=(seconds, 2), queries=queries, peak_mb=(peak_mb, 1),
                 dashboard_seconds=(dashboard.seconds, 3), dashboard_queries=dashboard.queries)


if __name__ == "__main__":
    main()

"""Benchmark: the customer portal's statement page and invoice list for a customer with many open invoices.

    python3 bench/portal.py

Makes its own database (dropped at the end), switches the customer portal on and gives one customer
first 200, then 2,000 posted open invoices (SQL copies of one posted invoice). Odoo's HTTP server runs in
this process; each page is fetched like a customer does, through HTTP:

- the statement page through the link of a reminder e-mail (token, no login): ``statement_seconds`` and
  ``statement_queries`` (SQL queries of the whole request, counted by Odoo's own query counter);
- Odoo's ``/my/invoices`` list of the customer's portal user (signed in): ``list_seconds``, ``list_queries``.

Each figure is the best of 3 fetches after one warm-up (templates compiled, caches filled), so that it
reads what a page costs rather than the machine's load. The line for 200 invoices is printed first, to show
that the queries do not grow with the invoices. Last line:

    BENCH portal open_items=2000 statement_seconds=… statement_queries=… list_seconds=… list_queries=…
"""

import re
import time
from datetime import timedelta

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

STEPS = (200, 2000)
RUNS = 3


def seed(env, today):
    from odoo import Command

    company = env.company
    company.clerk_portal_enabled = True
    customer = env["res.partner"].with_context(**common.QUIET).create({
        "name": "Bench Portal Customer", "email": "portal@bench.example.com", "is_company": True})
    contact = env["res.partner"].with_context(**common.QUIET).create({
        "name": "Bench Payables", "email": "payables@bench.example.com", "parent_id": customer.id})
    env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Payables", "login": "bench_portal", "password": "bench_portal", "partner_id": contact.id,
        "company_id": company.id, "company_ids": [Command.set(company.ids)],
        "group_ids": [Command.set([env.ref("base.group_portal").id])]})
    invoice = env["account.move"].with_context(**common.QUIET).create({
        "move_type": "out_invoice", "partner_id": customer.id, "invoice_date": today - timedelta(days=60),
        "invoice_payment_term_id": False,
        "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 120.0,
                                             "tax_ids": [Command.clear()]})],
    })
    invoice.action_post()
    env.cr.commit()
    return customer, invoice


def add_invoices(env, template, customer, count, start):
    """``count`` more posted open invoices of ``customer`` (SQL copies of ``template``), due over 90 days."""
    name = f"'BPORT/' || lpad((p.n + {start})::text, 6, '0')"
    common.clone_moves(
        env, template,
        "SELECT n, (%(today)s::date - (n %% 90) * interval '1 day')::date AS day FROM generate_series(1, %(count)s) n",
        {"today": env.context["bench_today"], "count": count},
        moves={"name": name, "date": "p.day", "invoice_date": "p.day", "invoice_date_due": "p.day + 30",
               "payment_reference": name, "sequence_number": f"p.n + {start} + 1000"},
        lines={"date": "p.day", "invoice_date": "p.day",
               "date_maturity": "CASE WHEN l.date_maturity IS NULL THEN NULL ELSE p.day + 30 END",
               "move_name": name})
    env.invalidate_all()
    open_count = env["account.move"].search_count([("partner_id", "=", customer.id), ("state", "=", "posted"),
                                                   ("payment_state", "=", "not_paid")])
    env.cr.commit()
    return open_count


def fetch(session, url):
    """Best wall time and query count of ``RUNS`` fetches of ``url`` (after a warm-up)."""
    from odoo import sql_db

    response = session.get(url, timeout=120)
    assert response.status_code == 200, (url, response.status_code)
    best = None
    for _run in range(RUNS):
        queries = sql_db.sql_counter
        start = time.perf_counter()
        response = session.get(url, timeout=120)
        seconds = time.perf_counter() - start
        queries = sql_db.sql_counter - queries
        assert response.status_code == 200, (url, response.status_code)
        if best is None or seconds < best[0]:
            best = (seconds, queries, response.text)
    return best


def main():
    import requests

    with common.database("clerk_bench_portal") as registry:
        import odoo
        from odoo.service import server
        from odoo.tools import config

        db = registry.bench["db"]
        config["dbfilter"] = f"^{db}$"
        config["http_interface"] = "127.0.0.1"
        config["max_cron_threads"] = 0
        http = server.ThreadedServer(odoo.http.root)
        http.http_spawn()
        base = f"http://127.0.0.1:{config['http_port']}"
        time.sleep(1)
        try:
            with common.environment(registry) as env:
                today = odoo.fields.Date.context_today(env["res.users"])
                customer, template = seed(env, today)
                link = customer._clerk_portal_statement_url(env.company)
                link = link[link.index("/my/clerk/statement"):]
            anonymous = requests.Session()
            anonymous.get(f"{base}/web/login?db={db}", timeout=60)
            signed_in = requests.Session()
            page = signed_in.get(f"{base}/web/login?db={db}", timeout=60).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            signed_in.post(f"{base}/web/login", data={"login": "bench_portal", "password": "bench_portal",
                                                      "csrf_token": csrf, "db": db}, timeout=60)
            done = 1
            figures = None
            for target in STEPS:
                with common.environment(registry, {"bench_today": today}) as env:
                    open_count = add_invoices(env, template.with_env(env), customer.with_env(env), target - done,
                                              done)
                done = target
                assert open_count == target, open_count
                statement = fetch(anonymous, f"{base}{link}")
                assert statement[2].count('name="move_ids"') == target, "every open invoice is on the page"
                listing = fetch(signed_in, f"{base}/my/invoices")
                assert "BPORT/" in listing[2], "the portal user sees the customer's invoices"
                figures = {"open_items": target, "statement_seconds": (statement[0], 3),
                           "statement_queries": statement[1], "list_seconds": (listing[0], 3),
                           "list_queries": listing[1]}
                if target != STEPS[-1]:
                    print("at", " ".join(f"{key}={value[0]:.3f}" if isinstance(value, tuple) else f"{key}={value}"
                                         for key, value in figures.items()), flush=True)
        finally:
            http.stop()
        common.bench("portal", **figures)


if __name__ == "__main__":
    main()

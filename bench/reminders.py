"""Benchmark of the payment reminder run.

    python3 bench/reminders.py

Creates a fresh database with the addon, seeds 20,000 open customer invoices
across 2,000 customers (5,000 of them due for a step today), runs the reminder
job twice the same day and drops the database (also on failure). Last line:

    BENCH reminders due=… first_seconds=… queries_per_100=… mails=… second_seconds=… second_created=…
"""

import collections
import contextlib
import re
import sys
import traceback
from datetime import timedelta

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

CUSTOMERS = 2000
INVOICES = 20000
DUE_TODAY = 5000  # due 5 days ago: the first step (day 5) is due today
OVERDUE_NOT_YET = 5000  # 1 to 4 days late: no step due yet
# the rest fall due in the coming weeks


def seed(env, today):
    """Customers through the ORM in batch; invoices copied in SQL from one posted through the ORM."""
    from odoo import Command

    company = env.company
    template = env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
    schedule = env["clerk.reminder.schedule"].create({
        "name": "Bench", "company_id": company.id, "min_interval_days": 3, "grouping": "customer",
        "step_ids": [
            Command.create({"name": "First", "offset_days": 5, "mail_template_id": template.id}),
            Command.create({"name": "Second", "offset_days": 15, "mail_template_id": template.id}),
            Command.create({"name": "Final", "offset_days": 30, "action": "call"}),
        ],
    })
    company.clerk_reminder_schedule_id = schedule
    partners = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True).create([
        {"name": f"Bench customer {i:04d}", "email": f"customer{i}@bench.example.com", "is_company": True}
        for i in range(CUSTOMERS)
    ])
    model = env["account.move"].with_context(tracking_disable=True).create({
        "move_type": "out_invoice", "partner_id": partners[0].id, "invoice_date": today - timedelta(days=40),
        "invoice_date_due": today - timedelta(days=5), "invoice_payment_term_id": False,
        "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 120.0,
                                             "tax_ids": [Command.clear()]})],
    })
    model.action_post()
    name = "'BENCH/' || lpad(p.n::text, 6, '0')"
    common.clone_moves(
        env, model,
        """SELECT n, (%(partners)s)[1 + n %% %(count)s] AS partner_id,
                  CASE WHEN n < %(due)s THEN %(today)s::date - 5
                       WHEN n < %(due)s + %(late)s THEN %(today)s::date - (1 + n %% 4)
                       ELSE %(today)s::date + (1 + n %% 40) END AS due
             FROM generate_series(1, %(invoices)s - 1) AS n""",
        {"partners": partners.ids, "count": CUSTOMERS, "due": DUE_TODAY, "late": OVERDUE_NOT_YET,
         "today": today, "invoices": INVOICES},
        moves={"name": name, "partner_id": "p.partner_id", "commercial_partner_id": "p.partner_id",
               "invoice_date_due": "p.due", "payment_reference": name, "sequence_number": "p.n + 1000"},
        lines={"partner_id": "p.partner_id", "move_name": name,
               "date_maturity": "CASE WHEN l.date_maturity IS NULL THEN NULL ELSE p.due END"})
    env.invalidate_all()
    # checked through the ORM
    Move = env["account.move"]
    open_domain = [("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                   ("payment_state", "in", ("not_paid", "partial"))]
    assert Move.search_count(open_domain) == INVOICES, Move.search_count(open_domain)
    sample = Move.search([*open_domain, ("name", "=like", "BENCH/%")], limit=1)
    assert sample.amount_residual == 120.0 and sample.line_ids, "seeded invoices are inconsistent"
    due = Move.search_count([*open_domain, ("invoice_date_due", "=", today - timedelta(days=5))])
    assert due == DUE_TODAY, due
    env.cr.commit()
    return due


@contextlib.contextmanager
def profile_queries(cr, enabled):
    """With ``--profile``: print the most frequent query shapes of the block."""
    if not enabled:
        yield
        return
    counter = collections.Counter()
    stacks = {}
    execute = cr.execute

    def counting(query, params=None, log_exceptions=True):
        text = re.sub(r"\d+", "N", str(getattr(query, "code", query)))[:200]
        counter[text] += 1
        if counter[text] == 50:
            stacks[text] = "".join(traceback.format_stack(limit=14)[:-1])
        return execute(query, params, log_exceptions)

    cr.execute = counting
    try:
        yield
    finally:
        cr.execute = execute
        for text, count in counter.most_common(15):
            print(count, " ".join(text.split()), flush=True)
            if count >= 50:
                print(stacks[text], flush=True)


def main():
    from odoo import fields

    with common.database("clerk_bench") as registry, common.environment(registry) as env:
        today = fields.Date.context_today(env["res.users"])
        common.log(f"seeding {INVOICES} invoices across {CUSTOMERS} customers")
        due = seed(env, today)
        Schedule = env["clerk.reminder.schedule"]
        Mail = env["mail.mail"]
        mails_before = Mail.search_count([])

        with common.measure(env, cold=True) as first_run, profile_queries(env.cr, "--profile" in sys.argv):
            first = Schedule._run(today=today)
        mails = Mail.search_count([]) - mails_before
        lines = env["clerk.reminder.line"].search_count([])
        communications = env["clerk.reminder.communication"].search_count([])
        common.log(f"first run: {first} in {first_run.seconds:.1f} s, {first_run.queries} queries, {mails} mails, "
                   f"{lines} lines in {communications} communications")
        assert lines == due, (lines, due)
        assert communications == first["messages"], (communications, first)

        with common.measure(env, cold=True) as second_run:
            second = Schedule._run(today=today)
        second_created = second["created"] + (Mail.search_count([]) - mails_before - mails)
        common.log(f"second run: {second} in {second_run.seconds:.1f} s")
    common.bench("reminders", due=due, first_seconds=(first_run.seconds, 1),
                 queries_per_100=(first_run.queries * 100 / due, 1), mails=mails,
                 second_seconds=(second_run.seconds, 1), second_created=second_created)


if __name__ == "__main__":
    main()

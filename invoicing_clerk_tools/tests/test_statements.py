import io
import json
import re
from datetime import date
from urllib.parse import urlencode

import openpyxl
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase
from odoo.tools import mute_logger

from .common import ClerkCommon

MARCH = (date(2025, 3, 1), date(2025, 3, 31))
RUN_DAY = date(2025, 4, 5)


class StatementCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2024-01-01", 2.0), ("2025-03-20", 2.5)])
        cls.Log = cls.env["clerk.statement.log"].sudo()
        cls.Report = cls.env["clerk.statement.report"]
        cls.customer = cls.env["res.partner"].create({
            "name": "Statement Co", "email": "statements@customer.example.com", "is_company": True, "lang": "en_US"})

    @classmethod
    def pay(cls, invoice, amount, on, currency=None):
        wizard = cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "payment_date": on, "amount": amount, "currency_id": (currency or invoice.currency_id).id})
        return wizard._create_payments()

    def invoice(self, amount, on, due, move_type="out_invoice", currency=None, partner=None, company=None):
        values = {"currency_id": currency.id} if currency else {}
        return self.make_invoice(move_type=move_type, partner=partner or self.customer, amount=amount,
                                 invoice_date=on, due_date=due, post=True, company=company, **values)

    def run_statements(self, on, companies=None):
        """The run as the cron performs it, in a cursor of its own (committing through ``_commit_progress``)."""
        self.env.flush_all()
        with freeze_time(on), self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = self.env(cr=cr)
            stats = env["clerk.statement.log"].sudo()._run(
                today=on, companies=(companies or self.company).with_env(env))
        self.env.invalidate_all()
        return stats


class TestStatementFigures(StatementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # before the period
        cls.inv1 = cls.make_invoice(partner=cls.customer, amount=1000.0, invoice_date="2025-02-10",
                                    due_date="2025-03-12", post=True)
        cls.pay(cls.inv1, 400.0, "2025-02-20")
        cls.inv2 = cls.make_invoice(partner=cls.customer, amount=300.0, invoice_date="2025-02-15",
                                    due_date="2025-03-17", post=True, currency_id=cls.eur.id)
        # in the period, first and last day included
        cls.inv3 = cls.make_invoice(partner=cls.customer, amount=500.0, invoice_date="2025-03-01",
                                    due_date="2025-03-15", post=True)
        cls.refund = cls.make_invoice(move_type="out_refund", partner=cls.customer, amount=100.0,
                                      invoice_date="2025-03-10", due_date="2025-03-10", post=True)
        cls.pay(cls.inv1, 600.0, "2025-03-25")
        cls.pay(cls.inv2, 200.0, "2025-03-25")  # at a new rate: an exchange difference in USD only
        cls.inv5 = cls.make_invoice(partner=cls.customer, amount=70.0, invoice_date="2025-03-31",
                                    due_date="2025-03-31", post=True)
        # after the period
        cls.make_invoice(partner=cls.customer, amount=50.0, invoice_date="2025-04-01", due_date="2025-04-30",
                         post=True)
        cls.pay(cls.inv3, 500.0, "2025-04-02")

    def statements(self):
        figures = self.Report._statements(self.company, self.customer, *MARCH)
        return {cs.currency: cs for cs in figures[self.customer.id]}

    def test_company_currency_statement(self):
        usd = self.statements()["USD"]
        self.assertEqual(usd.opening, 600.0)  # 1000 invoiced, 400 paid in February
        self.assertEqual([(line.movement.number, line.movement.kind, line.debit, line.credit, line.balance)
                          for line in usd.lines], [
            (self.inv3.name, "invoice", 500.0, 0.0, 1100.0),
            (self.refund.name, "credit_note", 0.0, 100.0, 1000.0),
            (usd.lines[2].movement.number, "payment", 0.0, 600.0, 400.0),
            (self.inv5.name, "invoice", 70.0, 0.0, 470.0),
        ])
        self.assertEqual(usd.closing, 470.0)
        # open on March 31: invoice 3 (paid only on April 2), the credit note and invoice 5
        self.assertEqual({aged.item.number: aged.item.amount_residual for aged in usd.open_items},
                         {self.inv3.name: 500.0, self.refund.name: -100.0, self.inv5.name: 70.0})
        self.assertEqual(usd.buckets, {"current": 70.0, "1_30": 400.0, "31_60": 0.0, "61_90": 0.0, "90_plus": 0.0})
        self.assertEqual(usd.total_open, usd.closing)

    def test_foreign_currency_statement_is_exact(self):
        eur = self.statements()["EUR"]
        self.assertEqual(eur.opening, 300.0)
        self.assertEqual([(line.movement.kind, line.credit, line.balance) for line in eur.lines],
                         [("payment", 200.0, 100.0)])  # no line for the exchange difference
        self.assertEqual(eur.closing, 100.0)
        [aged] = eur.open_items
        self.assertEqual((aged.item.number, aged.item.amount_residual, aged.days, aged.bucket),
                         (self.inv2.name, 100.0, 14, "1_30"))

    def test_next_period_opens_where_this_one_closed(self):
        april = self.Report._statements(self.company, self.customer, date(2025, 4, 1), date(2025, 4, 30))
        usd = {cs.currency: cs for cs in april[self.customer.id]}["USD"]
        self.assertEqual(usd.opening, 470.0)
        self.assertEqual(usd.closing, 470.0 + 50.0 - 500.0)

    def test_xlsx_export(self):
        buffer = io.BytesIO()
        counts = self.Report.with_user(self.clerk).export_xlsx(buffer, self.company, self.customer, *MARCH)
        self.assertEqual(counts, {"Summary": 2, "Statement": 4 + 2 + 1 + 2, "Open Items": 4})
        book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
        header, *summary = book["Summary"].iter_rows(min_row=3, values_only=True)
        summary = {row[header.index("Currency")]: dict(zip(header, row, strict=True)) for row in summary}
        self.assertEqual((summary["USD"]["Opening Balance"], summary["USD"]["Closing Balance"],
                          summary["USD"]["Amount Due"]), (600.0, 470.0, 470.0))
        self.assertEqual(summary["EUR"]["Closing Balance"], 100.0)
        self.assertEqual(summary["USD"]["Payment Reference"], f"CUST/{self.customer.id}")
        self.assertEqual(summary["USD"]["Customer"], self.customer.display_name)
        rows = list(book["Statement"].iter_rows(min_row=4, values_only=True))
        closing = [row for row in rows if row[3] == "Closing Balance"]
        self.assertEqual(sorted((row[1], row[9]) for row in closing), [("EUR", 100.0), ("USD", 470.0)])

    def test_pdf_shows_the_figures(self):
        log = self.Log._ensure(self.company, self.customer, *MARCH)
        html = self.env["ir.actions.report"].with_user(self.clerk)._render_qweb_html(
            "invoicing_clerk_tools.action_report_clerk_statement", log.ids)[0].decode()
        self.assertIn("Statement of Account", html)
        self.assertIn(self.inv3.name, html)
        self.assertIn("470.00", html)
        self.assertIn(self.company.name, html)

    def test_pdf_in_the_customers_language(self):
        """The statement follows the customer's language, down to the kinds of lines and the age buckets."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["invoicing_clerk_tools"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        log = self.Log._ensure(self.company, self.customer, *MARCH)
        html = self.env["ir.actions.report"].with_user(self.clerk)._render_qweb_html(
            "invoicing_clerk_tools.action_report_clerk_statement", log.ids)[0].decode()
        self.assertIn("Non échu", html)
        self.assertIn("Avoir", html)
        self.assertNotIn("Credit Note", html)

    def test_bad_period_is_refused(self):
        with self.assertRaisesRegex(UserError, "Statement period"):
            self.Report._statements(self.company, self.customer, date(2025, 3, 31), date(2025, 3, 1))


class TestStatementSending(StatementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.clerk_statement_send = True
        cls.customer_2 = cls.env["res.partner"].create({"name": "Second Co", "email": "second@example.com",
                                                        "clerk_statement_send": True})
        cls.customer_3 = cls.env["res.partner"].create({"name": "Third Co", "email": "third@example.com",
                                                        "clerk_statement_send": True})
        cls.idle = cls.env["res.partner"].create({"name": "Idle Co", "email": "idle@example.com",
                                                  "clerk_statement_send": True})
        cls.not_flagged = cls.env["res.partner"].create({"name": "Quiet Co", "email": "quiet@example.com"})
        for partner in (cls.customer, cls.customer_2, cls.customer_3, cls.not_flagged):
            cls.make_invoice(partner=partner, amount=100.0, invoice_date="2025-03-03", due_date="2025-04-02",
                             post=True)
        # paid long ago: nothing open, no movement in March
        old = cls.make_invoice(partner=cls.idle, amount=10.0, invoice_date="2024-01-03", post=True)
        cls.pay(old, 10.0, "2024-01-05")

    def mails(self, partners):
        return self.env["mail.mail"].sudo().search([("model", "=", "res.partner"), ("res_id", "in", partners.ids)])

    def test_monthly_run_sends_once(self):
        flagged = self.customer | self.customer_2 | self.customer_3
        stats = self.run_statements(RUN_DAY)
        logs = self.Log.search([("date_from", "=", MARCH[0])])
        self.assertEqual(logs.partner_id, flagged)  # not the idle one, not the one without the flag
        self.assertEqual(set(logs.mapped("state")), {"queued"})
        self.assertEqual(set(logs.mapped("origin")), {"cron"})
        self.assertEqual(stats["sent"], 3)
        mails = self.mails(flagged)
        self.assertEqual(len(mails), 3)
        self.assertTrue(all(mail.attachment_ids for mail in mails))
        self.assertIn("statement of account", mails[0].subject)
        self.assertEqual(logs.mapped("summary"), ["USD 100.00"] * 3)
        # the same month again, and later in the month: nothing new
        self.run_statements(RUN_DAY)
        self.run_statements(date(2025, 4, 20))
        self.assertEqual(self.Log.search_count([]), 3)
        self.assertEqual(len(self.mails(flagged)), 3)

    def test_crash_then_resume(self):
        self.env["ir.config_parameter"].set_param("invoicing_clerk_tools.statement_batch_size", "1")
        template = self.env.ref("invoicing_clerk_tools.mail_template_clerk_statement")
        self.customer_2.ref = "CRASH"
        template.sudo().subject = "{{ object.partner_id.ref == 'CRASH' and (1 / 0) or 'Statement' }}"
        crashed = None
        try:  # (not assertRaises: it would roll the test cursor back to before the block)
            self.run_statements(RUN_DAY)
        except UserError as error:
            crashed = error
        self.assertIn("Failed to render", str(crashed))
        logs = self.Log.search([])
        self.assertEqual(len(logs), 3)  # the whole period was planned and committed first
        self.assertEqual(logs.filtered(lambda log: log.state == "queued").partner_id, self.customer)
        self.customer_2.ref = False
        self.run_statements(RUN_DAY)
        self.assertEqual(set(self.Log.search([]).mapped("state")), {"queued"})
        self.assertEqual(len(self.mails(self.customer | self.customer_2 | self.customer_3)), 3)

    def test_failure_is_retried_at_next_run(self):
        self.customer_3.email = False
        self.run_statements(RUN_DAY)
        log = self.Log.search([("partner_id", "=", self.customer_3.id)])
        self.assertEqual((log.state, log.failure_reason, log.attempt_count), ("failed", "no_email", 1))
        self.customer_3.email = "third@example.com"
        self.run_statements(date(2025, 4, 6))
        log.invalidate_recordset()
        self.assertEqual((log.state, log.attempt_count), ("queued", 2))
        self.assertEqual(self.Log.search_count([("partner_id", "=", self.customer_3.id)]), 1)

    def test_sent_and_retried_through_the_shared_communication_machinery(self):
        Mixin = self.env["clerk.communication.mixin"]
        self.assertEqual(set(Mixin._communication_models()),
                         {"clerk.statement.log", "clerk.reminder.communication"})
        self.env["mail.blacklist"].create({"email": self.customer.email})
        self.run_statements(RUN_DAY)
        log = self.Log.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((log.state, log.failure_reason, log.recipient_id), ("failed", "blacklisted", self.customer))
        self.env["mail.blacklist"].search([("email", "=", self.customer.email)]).action_archive()
        self.run_statements(RUN_DAY)  # not retried twice the same day
        self.assertEqual((log.state, log.attempt_count), ("failed", 1))
        self.run_statements(date(2025, 4, 6))
        self.assertEqual((log.state, log.attempt_count, log.last_attempt_date), ("queued", 2, date(2025, 4, 6)))
        log.mail_id.unlink()  # the queued mail disappeared without a result: failed, retried the next day
        self.run_statements(date(2025, 4, 7))
        self.assertEqual((log.state, log.attempt_count), ("queued", 3))
        self.assertTrue(log.mail_id)

    def test_mail_result_comes_back(self):
        self.run_statements(RUN_DAY)
        log = self.Log.search([("partner_id", "=", self.customer.id)])
        log.mail_id._postprocess_sent_message(success_pids=[], success_emails=[], failure_reason="refused",
                                              failure_type="mail_smtp")
        self.assertEqual((log.state, log.failure_reason, log.failure_detail), ("failed", "smtp", "refused"))
        log.mail_id._postprocess_sent_message(success_pids=[], success_emails=[])
        self.assertEqual(log.state, "sent")

    def test_manual_send_from_customer(self):
        Wizard = self.env["clerk.statement.wizard"].with_user(self.clerk)
        wizard = Wizard.create({"partner_ids": self.customer.ids, "date_from": MARCH[0], "date_to": MARCH[1]})
        wizard.action_send()
        log = self.Log.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((log.state, log.origin, log.user_id), ("queued", "manual", self.clerk))
        self.assertTrue(log.attachment_id)
        # again: refused quietly unless asked, then the same log is sent again
        Wizard.create({"partner_ids": self.customer.ids, "date_from": MARCH[0], "date_to": MARCH[1]}).action_send()
        self.assertEqual(log.attempt_count, 1)
        Wizard.create({"partner_ids": self.customer.ids, "date_from": MARCH[0], "date_to": MARCH[1],
                       "resend": True}).action_send()
        self.assertEqual((log.attempt_count, self.Log.search_count([("partner_id", "=", self.customer.id)])), (2, 1))
        # the monthly run does not send the period again
        self.run_statements(RUN_DAY)
        self.assertEqual(len(self.mails(self.customer)), 2)

    def test_empty_statement_only_when_asked(self):
        Wizard = self.env["clerk.statement.wizard"].with_user(self.clerk)
        Wizard.create({"partner_ids": self.idle.ids, "date_from": MARCH[0], "date_to": MARCH[1]}).action_send()
        log = self.Log.search([("partner_id", "=", self.idle.id)])
        self.assertEqual(log.state, "skipped")
        Wizard.create({"partner_ids": self.idle.ids, "date_from": MARCH[0], "date_to": MARCH[1],
                       "include_empty": True}).action_send()
        self.assertEqual(log.state, "queued")

    def test_selection_is_queued_for_the_job(self):
        partners = self.customer | self.customer_2
        wizard = self.env["clerk.statement.wizard"].with_user(self.clerk).create(
            {"partner_ids": partners.ids, "date_from": MARCH[0], "date_to": MARCH[1]})
        wizard.action_send()
        logs = self.Log.search([("partner_id", "in", partners.ids)])
        self.assertEqual(set(logs.mapped("state")), {"pending"})  # nothing rendered in the request
        self.assertFalse(self.mails(partners))
        self.run_statements(RUN_DAY)
        self.assertEqual(set(logs.mapped("state")), {"queued"})

    def test_access(self):
        with self.assertRaises(AccessError):
            self.env["clerk.statement.wizard"].with_user(self.outsider).create(
                {"partner_ids": self.customer.ids, "date_from": MARCH[0], "date_to": MARCH[1]}).action_send()
        self.run_statements(RUN_DAY)
        log = self.Log.with_user(self.clerk).search([("partner_id", "=", self.customer.id)])
        with self.assertRaises(AccessError):
            log.write({"state": "pending"})
        with self.assertRaises(AccessError):
            log.unlink()

    def test_unique_per_customer_and_period(self):
        first = self.Log._ensure(self.company, self.customer, *MARCH)
        again = self.Log._ensure(self.company, self.customer, *MARCH)
        self.assertEqual(first, again)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.Log.sudo().create({"company_id": self.company.id, "partner_id": self.customer.id,
                                    "date_from": MARCH[0], "date_to": MARCH[1]})


class TestStatementMultiCompany(StatementCommon):
    def test_each_company_its_own_header_and_figures(self):
        other = self.setup_other_company(name="Other Statements Co")["company"]
        self.make_invoice(partner=self.customer, amount=100.0, invoice_date="2025-03-03", post=True)
        self.make_invoice(partner=self.customer, amount=40.0, invoice_date="2025-03-04", post=True, company=other)
        log_a = self.Log._ensure(self.company, self.customer, *MARCH)
        log_b = self.Log._ensure(other, self.customer, *MARCH)
        Report = self.env["ir.actions.report"].sudo()
        report = "invoicing_clerk_tools.action_report_clerk_statement"
        html_a = Report._render_qweb_html(report, log_a.ids)[0].decode()
        html_b = Report._render_qweb_html(report, log_b.ids)[0].decode()
        self.assertIn(self.company.name, html_a)
        self.assertNotIn(other.name, html_a)
        self.assertIn(other.name, html_b)
        self.assertNotIn(self.company.name, html_b)
        self.assertIn("100.00", html_a)
        self.assertIn("40.00", html_b)
        self.assertNotIn("140.00", html_a + html_b)
        # a clerk of the first company does not see the other company's statements
        self.assertFalse(self.Log.with_user(self.clerk).search([("id", "=", log_b.id)]))


class TestStatementPrintedFromTheBrowser(HttpCase, StatementCommon):
    """*Print PDF* as the web client does it: the report action the button returns, then the report route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.ref = "STC-9"
        cls.inv_old = cls.make_invoice(partner=cls.customer, amount=1000.0, invoice_date="2025-02-10",
                                       due_date="2025-03-12", post=True)
        cls.pay(cls.inv_old, 400.0, "2025-02-20")
        cls.inv_new = cls.make_invoice(partner=cls.customer, amount=250.0, invoice_date="2025-03-03",
                                       due_date="2025-04-02", post=True)
        cls.pay(cls.inv_old, 100.0, "2025-03-20")
        cls.other = cls.env["res.partner"].create({"name": "Other Buyer Ltd", "is_company": True})
        cls.make_invoice(partner=cls.other, amount=77.0, invoice_date="2025-03-05", due_date="2025-03-05", post=True)
        cls.bank = cls.env["res.partner.bank"].create({
            "acc_number": "BE71 0961 2345 6769", "partner_id": cls.company.partner_id.id,
            "allow_out_payment": True})

    @staticmethod
    def browser_url(action, converter="pdf"):
        """The URL the web client builds for a report action (web/static/src/webclient/actions/reports/utils.js)."""
        url = f"/report/{converter}/{action['report_name']}"
        if action.get("data"):
            return url + "?" + urlencode({"options": json.dumps(action["data"]),
                                          "context": json.dumps(action.get("context") or {}, default=str)})
        if (action.get("context") or {}).get("active_ids"):
            url += "/" + ",".join(map(str, action["context"]["active_ids"]))
        return url

    def fetch(self, action):
        self.assertEqual(action["type"], "ir.actions.report")
        response = self.url_open(self.browser_url(action))
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.text

    @staticmethod
    def page(html):
        """The statement itself (without what differs between two documents: the title, the record's name)."""
        return re.findall(r'<div class="page clerk_statement">.*?clerk_statement_end', html, re.S)

    def assert_statement(self, html):
        self.assertIn("Statement of Account", html)
        self.assertIn(self.customer.name, html)
        for text in ("600.00", "750.00",  # opening, closing (and amount due)
                     self.inv_old.name, self.inv_new.name, "500.00",  # open items, the old one 19 days overdue
                     "CUST/STC-9", "BE71 0961 2345 6769", "upon receipt"):
            self.assertIn(text, html)
        self.assertRegex(html, r">\s*19\s*<")  # days overdue of the old invoice on 31 March
        self.assertNotIn(self.other.name, html)

    def test_print_pdf_from_wizard_customer_selection_and_log(self):
        self.authenticate(self.clerk.login, self.clerk.login)
        Wizard = self.env["clerk.statement.wizard"].with_user(self.clerk)
        # from a customer: the wizard with its default period (last month), then March
        wizard = Wizard.with_context(self.customer.action_clerk_statement_wizard()["context"]).create({})
        self.assertEqual(wizard.partner_ids, self.customer)
        self.assertIn(self.customer.name, self.fetch(wizard.action_print()))
        wizard.write({"date_from": MARCH[0], "date_to": MARCH[1]})
        action = wizard.action_print()
        self.assertFalse(self.browser_url(action).split("?")[0].endswith(str(self.customer.id)))  # no ids in it
        from_wizard = self.fetch(action)
        self.assert_statement(from_wizard)
        # an action made before the customers were put in ``data``: the ids are in its context only
        del action["data"]["partner_ids"]
        self.assert_statement(self.fetch(action))
        # from a selection of customers: one statement each
        selection = Wizard.with_context(active_model="res.partner", active_ids=(self.customer | self.other).ids,
                                        default_partner_ids=(self.customer | self.other).ids).create(
            {"date_from": MARCH[0], "date_to": MARCH[1]})
        both = self.fetch(selection.action_print())
        self.assertIn(self.customer.name, both)
        self.assertIn(self.other.name, both)
        self.assertEqual(len(self.page(both)), 2)
        # from the statement log: the same statement
        log = self.Log._ensure(self.company, self.customer, *MARCH)
        report = self.env.ref("invoicing_clerk_tools.action_report_clerk_statement").with_user(self.clerk)
        from_log = self.fetch(report.report_action(log))
        self.assert_statement(from_log)
        self.assertEqual(self.page(from_log), self.page(from_wizard))
        self.assertEqual(len(self.page(from_log)), 1)

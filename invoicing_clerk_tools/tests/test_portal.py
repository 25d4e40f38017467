"""Customer portal: statement link, disputes and promises to pay, through HTTP as customers do."""

import io
import re
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import ClerkCommon
from .test_reminders import DUE, ReminderCommon

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


class PortalCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the test user configures the portal and resolves disputes: a Clerk Manager
        cls.env.user.group_ids = [Command.link(cls.env.ref("invoicing_clerk_tools.group_manager").id)]
        cls.company.write({"clerk_portal_enabled": True, "clerk_promise_max_days": 30,
                           "clerk_dispute_grace_days": 5})
        cls.partner_a.write({"email": "a@customer.example.com", "clerk_user_id": cls.clerk.id})
        cls.partner_b.write({"email": "b@customer.example.com"})
        today = fields.Date.today()
        cls.inv_1 = cls.make_invoice(amount=100.0, invoice_date=today - timedelta(days=40),
                                     due_date=today - timedelta(days=10), post=True)
        cls.inv_2 = cls.make_invoice(amount=250.0, invoice_date=today - timedelta(days=20),
                                     due_date=today + timedelta(days=10), post=True)
        cls.inv_b = cls.make_invoice(partner=cls.partner_b, amount=999.0, invoice_date=today, post=True)
        cls.reason = cls.env.ref("invoicing_clerk_tools.dispute_reason_price")
        cls.Access = cls.env["clerk.portal.access"]
        cls.Dispute = cls.env["clerk.dispute"].sudo()
        cls.Promise = cls.env["clerk.payment.promise"].sudo()


@tagged("post_install", "-at_install")
class TestPortalHttp(HttpCase, PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls.env["res.users"].create({
            "name": "Anna Portal", "login": "portal_anna", "password": "portal_anna",
            "partner_id": cls.partner_a.id, "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
            "group_ids": [Command.set([cls.env.ref("base.group_portal").id])],
        })

    def statement_link(self, partner=None):
        url = (partner or self.partner_a)._clerk_portal_statement_url(self.company)
        return url[len(self.base_url()):]

    def csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        return re.search(r'(?:name="csrf_token" value="|csrf_token: ")([^"]+)"', page.text).group(1)

    def post(self, url, data, files=None, page=None):
        data = dict(data, csrf_token=self.csrf(page or url))
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    # ------------------------------------------------------------------ statement
    def test_statement_by_token(self):
        link = self.statement_link()
        self.assertIn("access_token=", link)
        response = self.url_open(link)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_1.name, response.text)
        self.assertIn(self.inv_2.name, response.text)
        self.assertNotIn(self.inv_b.name, response.text)
        self.assertIn("350.00", response.text)  # the balance
        access = self.Access.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(access.expiry_date, fields.Date.today() + timedelta(days=90))

    def test_statement_refused_without_the_right_token(self):
        link = self.statement_link()
        path, token = link.split("?access_token=")
        for url in (path, f"{path}?access_token=wrong", f"{path}?access_token=",
                    f"{path}/pdf", f"{path}/xlsx?access_token=x"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(self.inv_1.name, response.text)
        # the token of customer B does not open A's statement, nor the next id (guessed)
        link_b = self.statement_link(self.partner_b)
        token_b = link_b.split("?access_token=")[1]
        self.assertEqual(self.url_open(f"{path}?access_token={token_b}").status_code, 404)
        self.assertEqual(self.url_open(f"/my/clerk/statement/999999?access_token={token}").status_code, 404)

    def test_statement_token_expires_and_is_revoked(self):
        link = self.statement_link()
        access = self.Access.sudo().search([("partner_id", "=", self.partner_a.id)])
        access.expiry_date = fields.Date.today() - timedelta(days=1)
        response = self.url_open(link)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.inv_1.name, response.text)
        link = self.statement_link()  # a new e-mail carries the link again: valid again
        self.assertEqual(self.url_open(link).status_code, 200)
        self.partner_a.with_user(self.clerk).action_clerk_revoke_portal_links()
        self.assertEqual(self.url_open(link).status_code, 404)
        self.company.clerk_portal_enabled = False
        self.assertFalse(self.partner_a._clerk_portal_statement_url(self.company))

    def test_statement_downloads(self):
        link = self.statement_link()
        path, query = link.split("?")
        xlsx = self.url_open(f"{path}/xlsx?{query}")
        self.assertEqual(xlsx.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Open Items"]
        numbers = {row[2] for row in sheet.iter_rows(values_only=True)}
        self.assertIn(self.inv_1.name, numbers)
        self.assertNotIn(self.inv_b.name, numbers)
        self.assertEqual(self.url_open(f"{path}/xlsx?{query}&date_from=2020-01-01").status_code, 400)
        self.assertEqual(self.url_open(f"{path}/xlsx?{query}&date_to=nonsense").status_code, 400)
        pdf = self.url_open(f"{path}/pdf?{query}")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        # in test mode Odoo renders reports as HTML (no wkhtmltopdf): the customer's figures are there
        self.assertIn(self.inv_1.name.encode(), pdf.content)
        self.assertNotIn(self.inv_b.name.encode(), pdf.content)

    def test_portal_user_sees_own_statement_only(self):
        self.authenticate("portal_anna", "portal_anna")
        response = self.url_open("/my/clerk/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_1.name, response.text)
        self.assertIn(f'href="/my/invoices/{self.inv_1.id}"', response.text)
        other = self.Access._for(self.partner_b, self.company)
        self.assertEqual(self.url_open(other.access_url).status_code, 404)
        self.assertIn("Statement of Account", self.url_open("/my").text)

    def test_statement_invoice_link(self):
        path, query = self.statement_link().split("?")
        response = self.url_open(f"{path}/invoice/{self.inv_1.id}?{query}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/my/invoices/{self.inv_1.id}?access_token={self.inv_1.access_token}",
                      response.headers["Location"])
        self.assertEqual(self.url_open(f"{path}/invoice/{self.inv_b.id}?{query}",
                                       allow_redirects=False).status_code, 404)

    def test_other_company_invoices_stay_out(self):
        other = self.setup_other_company()["company"]
        other.clerk_portal_enabled = True
        foreign = self.make_invoice(amount=444.0, company=other, post=True)
        response = self.url_open(self.statement_link())
        self.assertIn(self.inv_1.name, response.text)
        self.assertNotIn("444.00", response.text)
        path, query = self.statement_link().split("?")
        self.assertEqual(self.url_open(f"{path}/invoice/{foreign.id}?{query}",
                                       allow_redirects=False).status_code, 404)

    def test_nothing_while_the_company_has_it_off(self):
        link = self.statement_link()
        self.company.clerk_portal_enabled = False
        self.assertEqual(self.url_open(link).status_code, 404)
        page = self.url_open(self.inv_1.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("clerk_portal", page.text)
        self.assertEqual(self.dispute(self.inv_1).status_code, 404)
        self.assertFalse(self.Dispute.search([]))

    # ------------------------------------------------------------------ dispute
    def dispute(self, move, data=None, files=None, token=None, page=None):
        page = page or move.get_portal_url()
        token = move.access_token if token is None else token
        values = {"reason_id": self.reason.id, "message": "Price should be 90 <b>not</b> 100",
                  "access_token": token, **(data or {})}
        return self.post(f"/my/invoices/{move.id}/clerk_dispute", values, files=files, page=page)

    def test_dispute_from_the_invoice_page(self):
        page = self.url_open(self.inv_1.get_portal_url())
        self.assertIn('id="clerk_dispute_form"', page.text)
        response = self.dispute(self.inv_1, files=[("files", ("../../order.pdf", PDF, "application/pdf"))])
        self.assertEqual(response.status_code, 303)
        dispute = self.Dispute.search([("move_id", "=", self.inv_1.id)])
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.reason_id, self.reason)
        self.assertEqual(dispute.message, "Price should be 90 <b>not</b> 100")
        self.assertEqual(dispute.attachment_ids.name, "order.pdf")
        self.assertEqual(dispute.author_id, self.partner_a)
        self.assertTrue(self.inv_1.clerk_dispute)
        self.assertEqual(self.inv_1.clerk_dispute_reason, self.reason.name)
        activity = dispute.activity_id
        self.assertEqual(activity.user_id, self.clerk)
        self.assertEqual(activity.res_id, self.inv_1.id)
        bodies = self.inv_1.message_ids.mapped("body")
        self.assertTrue(any("&lt;b&gt;not&lt;/b&gt;" in body for body in bodies), "the text is escaped")
        told = self.inv_1.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertIn("received your dispute", told[:1].body)
        queue = self.env.ref("invoicing_clerk_tools.queue_disputes")
        self.assertIn(self.inv_1, self.env["account.move"].search(queue._get_domain([self.clerk.id])))
        # again: already in dispute
        again = self.post(f"/my/invoices/{self.inv_1.id}/clerk_dispute",
                          {"reason_id": self.reason.id, "message": "again", "access_token": self.inv_1.access_token},
                          page=self.inv_1.get_portal_url())
        self.assertEqual(again.status_code, 409)  # already in dispute: refused, nothing more recorded
        self.assertIn("already in dispute", again.text)
        self.assertEqual(self.Dispute.search_count([("move_id", "=", self.inv_1.id)]), 1)

    def test_dispute_refused(self):
        cases = [
            ({"reason_id": 0}, None, 400),
            ({"message": "   "}, None, 400),
            ({"reason_id": "abc"}, None, 400),
            ({}, [("files", ("invoice.pdf", EXE, "application/pdf"))], 400),  # disguised executable
            ({}, [("files", ("big.pdf", PDF + b"0" * (11 * 1024 * 1024), "application/pdf"))], 400),
            ({}, [("files", ("empty.pdf", b"", "application/pdf"))], 400),
        ]
        attachments = self.env["ir.attachment"].search_count([])
        for data, files, status in cases:
            response = self.dispute(self.inv_1, data, files)
            self.assertEqual(response.status_code, status, (data, files and files[0][1][0]))
        self.assertFalse(self.Dispute.search([("move_id", "=", self.inv_1.id)]))
        self.assertFalse(self.inv_1.clerk_dispute)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_dispute_access(self):
        # another customer's invoice with my token, a wrong token, no token, a guessed id
        self.assertEqual(self.dispute(self.inv_b, token=self.inv_1._portal_ensure_token()).status_code, 404)
        self.assertEqual(self.dispute(self.inv_1, token="wrong").status_code, 404)
        self.assertEqual(self.dispute(self.inv_1, token="").status_code, 404)
        self.assertEqual(self.dispute(self.inv_b.browse(999999), token="x", page=self.inv_1.get_portal_url())
                         .status_code, 404)
        self.assertFalse(self.Dispute.search([]))
        # no CSRF token
        response = self.url_open(f"/my/invoices/{self.inv_1.id}/clerk_dispute", data={
            "reason_id": self.reason.id, "message": "x", "access_token": self.inv_1._portal_ensure_token()})
        self.assertIn(response.status_code, (400, 403))
        self.assertFalse(self.Dispute.search([]))

    def test_submissions_limited_per_hour(self):
        token = self.inv_2._portal_ensure_token()
        statuses = []
        for day in range(4):
            response = self.post(f"/my/invoices/{self.inv_2.id}/clerk_promise", {
                "access_token": token, "promise_date": str(fields.Date.today() + timedelta(days=day + 1))},
                page=self.inv_2.get_portal_url())
            statuses.append(response.status_code)
        self.assertEqual(statuses, [303, 303, 303, 429])
        self.assertEqual(self.Promise.search_count([("move_id", "=", self.inv_2.id)]), 3)

    # ------------------------------------------------------------------ promise
    def test_promise_from_the_statement(self):
        link = self.statement_link()
        path, query = link.split("?")
        token = query.split("=")[1]
        pay_by = fields.Date.today() + timedelta(days=12)
        response = self.post(f"{path}/promise", {"access_token": token, "promise_date": str(pay_by),
                                                 "move_ids": [self.inv_1.id, self.inv_2.id]}, page=link)
        self.assertEqual(response.status_code, 303)
        self.assertEqual((self.inv_1 | self.inv_2).mapped("clerk_promise_date"), [pay_by, pay_by])
        promises = self.Promise.search([("move_id", "in", (self.inv_1 | self.inv_2).ids)])
        self.assertEqual(len(promises), 2)
        self.assertEqual(set(promises.mapped("state")), {"open"})
        page = self.url_open(response.headers["Location"])
        self.assertIn("Promised for", page.text)
        self.assertIn("promise to pay is recorded", page.text)

    def test_promise_refused(self):
        link = self.statement_link()
        path, query = link.split("?")
        token = query.split("=")[1]
        today = fields.Date.today()
        cases = [
            ({"promise_date": str(today + timedelta(days=31)), "move_ids": [self.inv_1.id]}, 400),
            ({"promise_date": str(today - timedelta(days=1)), "move_ids": [self.inv_1.id]}, 400),
            ({"promise_date": "soon", "move_ids": [self.inv_1.id]}, 400),
            ({"promise_date": str(today), "move_ids": [self.inv_1.id], "amount": "100.01"}, 400),
            ({"promise_date": str(today), "move_ids": [self.inv_1.id, self.inv_2.id], "amount": "10"}, 400),
            ({"promise_date": str(today), "move_ids": []}, 400),
            ({"promise_date": str(today), "move_ids": [self.inv_1.id, self.inv_b.id]}, 404),
            ({"promise_date": str(today), "move_ids": ["x"]}, 400),
        ]
        for data, status in cases:
            response = self.post(f"{path}/promise", dict(data, access_token=token), page=link)
            self.assertEqual(response.status_code, status, data)
        self.assertFalse(self.Promise.search([]))
        self.assertFalse(self.inv_1.clerk_promise_date)
        response = self.post(f"{path}/promise", {"access_token": "bad", "promise_date": str(today),
                                                 "move_ids": [self.inv_1.id]}, page=link)
        self.assertEqual(response.status_code, 404)

    def test_partial_promise_on_the_invoice_page(self):
        pay_by = fields.Date.today() + timedelta(days=3)
        response = self.post(f"/my/invoices/{self.inv_1.id}/clerk_promise", {
            "access_token": self.inv_1._portal_ensure_token(), "promise_date": str(pay_by), "amount": "40,50",
            "note": "rest next month"}, page=self.inv_1.get_portal_url())
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.inv_1.clerk_promise_date, pay_by)
        self.assertEqual(self.inv_1.clerk_promise_amount, 40.5)
        self.assertEqual(self.Promise.search([("move_id", "=", self.inv_1.id)]).note, "rest next month")
        told = self.inv_1.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertIn("recorded your promise", told[:1].body)

    def test_portal_tour(self):
        """A customer opens the link from a reminder e-mail, disputes one invoice and promises to pay another."""
        template = self.env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
        self.assertIn("clerk_portal_statement_url", template.body_html)
        link = self.statement_link()
        self.start_tour(link, "invoicing_clerk_tools_portal")
        self.assertTrue(self.inv_1.clerk_dispute)
        self.assertEqual(self.Dispute.search([("move_id", "=", self.inv_1.id)]).reason_id, self.reason)
        self.assertTrue(self.inv_2.clerk_promise_date)
        self.assertFalse(self.inv_1.clerk_promise_date)


class TestPortalResolution(ReminderCommon):
    """The clerk's side: accept or reject a dispute; the reminder run honours disputes and promises."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"clerk_portal_enabled": True, "clerk_dispute_grace_days": 5})
        cls.partner_a.clerk_user_id = cls.clerk
        cls.reason = cls.env.ref("invoicing_clerk_tools.dispute_reason_price")

    def raise_dispute(self, move):
        return self.env["clerk.dispute"].sudo()._portal_raise(move, self.reason, "wrong", [], self.partner_a)

    def test_reminder_run_skips_disputed_and_promised_invoices(self):
        disputed, promised, plain = self.invoice(), self.invoice(), self.invoice()
        with freeze_time(DUE - timedelta(days=1)):
            self.raise_dispute(disputed)
            self.env["clerk.payment.promise"].sudo()._portal_promise(
                promised, DUE + timedelta(days=20), None, "", self.partner_a)
        self.run_reminders(DUE + timedelta(days=5))
        self.assertFalse(self.logs(disputed | promised))
        self.assertEqual(len(self.logs(plain)), 1)

    def test_reminder_mail_carries_the_statement_link(self):
        move = self.invoice()
        self.run_reminders(DUE + timedelta(days=5))
        body = self.mails_for(move).body_html
        access = self.env["clerk.portal.access"].sudo().search([("partner_id", "=", self.partner_a.id)])
        self.assertIn(f"/my/clerk/statement/{access.id}?access_token={access.access_token}", body)
        self.company.clerk_portal_enabled = False
        other = self.invoice(partner=self.partner_b)
        self.run_reminders(DUE + timedelta(days=5))
        self.assertNotIn("/my/clerk/statement/", self.mails_for(other).body_html)

    def test_rejected_dispute_resumes_after_grace(self):
        move = self.invoice()
        with freeze_time(DUE + timedelta(days=1)):
            dispute = self.raise_dispute(move)
            wizard = self.env["clerk.dispute.reject.wizard"].with_user(self.clerk).create({
                "dispute_id": dispute.id, "answer": "The price is the one of your order 42."})
            wizard.action_reject()
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(dispute.resolved_uid, self.clerk)
        self.assertEqual(dispute.grace_until, DUE + timedelta(days=6))
        self.assertTrue(move.clerk_dispute)
        told = move.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertIn("order 42", told[:1].body)
        self.assertFalse(dispute.activity_id.exists().filtered("active"), "the clerk's To-Do is done")
        self.run_reminders(DUE + timedelta(days=5))
        self.assertFalse(self.logs(move))
        self.run_reminders(DUE + timedelta(days=6))
        self.assertFalse(move.clerk_dispute)
        self.assertTrue(dispute.reminders_resumed)
        self.assertEqual(len(self.logs(move)), 1)

    def test_accepted_dispute_corrected_by_credit_note(self):
        move = self.invoice()
        dispute = self.raise_dispute(move)
        action = dispute.with_user(self.clerk).action_accept()
        wizard = self.env[action["res_model"]].with_user(self.clerk).with_context(action["context"]).create(
            {"reason_code": "price"})
        wizard.line_ids.new_price_unit = 90.0
        result = wizard.action_confirm()
        note = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(note.move_type, "out_refund")
        self.assertEqual(dispute.state, "accepted")
        self.assertEqual(dispute.correction_move_id, note)
        self.assertFalse(move.clerk_dispute)
        told = move.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertIn("You were right", told[:1].body)
        with self.assertRaises(UserError):
            dispute.with_user(self.clerk).action_open_reject()

    def test_only_clerks_resolve_and_history_stays(self):
        dispute = self.raise_dispute(self.invoice())
        with self.assertRaises(AccessError):
            dispute.with_user(self.outsider).action_reject("no")
        with self.assertRaises(AccessError):
            dispute.with_user(self.clerk).write({"message": "changed"})
        with self.assertRaises(AccessError):
            dispute.with_user(self.manager).unlink()

    def test_broken_promise_reminds_the_customer(self):
        move = self.invoice()
        with freeze_time(DUE):
            self.env["clerk.payment.promise"].sudo()._portal_promise(
                move, DUE + timedelta(days=3), None, "", self.partner_a)
        self.run_reminders(DUE + timedelta(days=5))
        promise = self.env["clerk.payment.promise"].search([("move_id", "=", move.id)])
        self.assertEqual(promise.state, "broken")
        told = move.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertIn("not received the payment", told[:1].body)
        self.assertTrue(move.activity_ids.filtered(lambda a: "broken" in (a.summary or "")))

    def test_reason_company_and_access(self):
        other = self.setup_other_company()["company"]
        reason = self.env["clerk.dispute.reason"].create({"name": "Other company only", "company_id": other.id})
        with self.assertRaises(ValidationError):
            self.env["clerk.dispute"].sudo()._portal_raise(self.invoice(), reason, "x", [], self.partner_a)
        with self.assertRaises(AccessError):
            self.env["clerk.dispute.reason"].with_user(self.clerk).create({"name": "x"})
        self.env["clerk.dispute.reason"].with_user(self.manager).create({"name": "Manager's reason"})


class TestPortalGuest(PortalCommon):
    """Installed and not configured, the portal changes nothing; its records are the clerks' only."""

    def test_off_for_a_new_company(self):
        company = self.env["res.company"].create({"name": "Just Installed"})
        self.assertFalse(company.clerk_portal_enabled)
        self.assertFalse(self.partner_a._clerk_portal_statement_url(company))

    def test_outsiders_cannot_read_portal_records(self):
        dispute = self.Dispute._portal_raise(self.inv_1, self.reason, "wrong", [], self.partner_a)
        for model in ("clerk.dispute", "clerk.payment.promise", "clerk.portal.access", "clerk.dispute.reason"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.outsider).check_access("read")
        with self.assertRaises(AccessError):
            self.inv_1.with_user(self.outsider).read(["clerk_dispute_ids"])
        with self.assertRaises(AccessError):
            self.partner_a.with_user(self.outsider).action_clerk_revoke_portal_links()
        self.assertEqual(self.inv_1.with_user(self.clerk).clerk_dispute_ids, dispute)
        # a clerk of another company does not see it
        other = self.setup_other_company()["company"]
        stranger = self._create_clerk_user("clerk_far", "Far Clerk", "group_clerk", companies=other)
        self.assertFalse(self.env["clerk.dispute"].with_user(stranger).search([]))

"""End to end: the schedule, Odoo's mail queue and a real SMTP server on 127.0.0.1."""

from odoo import Command

from .smtp import deliver_to_sink, smtp_sink
from .test_reminders import ReminderCommon, day


class TestReminderMailEndToEnd(ReminderCommon):
    def store_pdf(self, move):
        """The invoice's stored PDF, as sending the invoice leaves it."""
        self.env["ir.attachment"].create({
            "name": f"{move.name.replace('/', '_')}.pdf", "raw": b"%PDF-1.4 stored invoice " + move.name.encode(),
            "mimetype": "application/pdf", "res_model": "account.move", "res_id": move.id,
            "res_field": "invoice_pdf_report_file",
        })
        move.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertTrue(move.invoice_pdf_report_id)

    def test_reminders_reach_the_smtp_server_once(self):
        self.steps["Second"].attach_pdf = True
        collections = self.env["res.partner"].create({
            "name": "Accounts Payable", "email": "ap@customer-b.example.com", "parent_id": self.partner_b.id})
        self.partner_b.clerk_collections_contact_id = collections
        self.schedule.write({"recipient": "collections", "backlog": "due"})  # ``old`` gets the Second step at once
        old = self.invoice(due=day(-10), amount=300.0)
        recent = self.invoice(due=day(0), amount=200.0)
        other = self.invoice(partner=self.partner_b, due=day(-10), amount=80.0)
        self.store_pdf(old)  # ``other`` has no stored PDF: sent without it, and the log says so
        with smtp_sink() as (messages, port), deliver_to_sink(self.env, port):
            self.run_reminders(day(5))
            self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", (old | recent | other).ids),
                                          ("state", "=", "outgoing")]).send()
            self.assertEqual(len(messages), 2)
            self.run_reminders(day(5))
            self.run_reminders(day(6))
            self.env["mail.mail"].search([("state", "=", "outgoing")]).send()
            self.assertEqual(len(messages), 2, "a second run sent again")
        by_rcpt = {tuple(m["rcpt"]): m["message"] for m in messages}
        to_a = by_rcpt[("a@customer.example.com",)]
        to_b = by_rcpt[("ap@customer-b.example.com",)]
        self.assertIn(old.name, to_a["Subject"])
        self.assertIn(recent.name, to_a["Subject"])
        body_a = to_a.get_body(("html",)).get_content()
        for move in (old, recent):
            self.assertIn(move.name, body_a)
        self.assertIn("500.00", body_a)  # the total of both invoices
        attachments = [part.get_filename() for part in to_a.iter_attachments()]
        self.assertEqual(attachments, [old.invoice_pdf_report_id.name])
        self.assertEqual(list(to_b.iter_attachments()), [])
        self.assertIn(other.name, to_b.get_body(("html",)).get_content())
        self.assertIn(self.company.name, to_a.get_body(("html",)).get_content())
        logs = self.logs(old | recent | other)
        self.assertEqual(set(logs.mapped("state")), {"sent"})
        self.assertIn(other.name, self.logs(other).pdf_note)
        self.assertEqual(self.logs(other).recipient_id, collections)

    def test_rendered_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.template.with_context(lang="fr_FR").subject = "Rappel de paiement {{ object.move_id.name }}"
        self.partner_a.lang = "fr_FR"
        move = self.invoice()
        with smtp_sink() as (messages, port), deliver_to_sink(self.env, port):
            self.run_reminders(day(5))
            self.logs(move).mail_id.send()
        self.assertEqual(messages[0]["message"]["Subject"], f"Rappel de paiement {move.name}")

    def test_company_header_in_multi_company(self):
        other = self.setup_other_company(name="Northwind Collections")["company"]
        other.email = "billing@northwind.example.com"
        schedule = self.Schedule.create({"name": "Other", "company_id": other.id, "min_interval_days": 0,
                                         "step_ids": [Command.create({"name": "First", "offset_days": 5,
                                                                      "mail_template_id": self.template.id})]})
        other.clerk_reminder_schedule_id = schedule
        move = self.invoice(company=other)
        with smtp_sink() as (messages, port), deliver_to_sink(self.env, port):
            self.run_reminders(day(5), companies=other)
            self.logs(move).mail_id.send()
        message = messages[0]["message"]
        self.assertIn("billing@northwind.example.com", message["From"])
        self.assertIn("Northwind Collections", message.get_body(("html",)).get_content())

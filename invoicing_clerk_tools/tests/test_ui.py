from odoo import Command, fields
from odoo.tests import HttpCase

from .common import ClerkCommon
from .test_aging_export import read_sheet


class TestClerkUi(HttpCase, ClerkCommon):
    def test_clerk_workspace_tour_and_aging_download(self):
        """The clerk finds her draft on the workspace and sends it for approval from the list; the approver
        approves it from To Approve, seeing the customer; the aging export downloads."""
        self.env["clerk.approval.rule"].sudo().create({
            "name": "Tour invoices over 1,000", "company_id": self.company.id, "apply_out_invoice": True,
            "amount_min": 1000.0, "approver_user_ids": [Command.set(self.approver.ids)],
        })
        customer = self.env["res.partner"].create({"name": "Tour Customer", "clerk_user_id": self.clerk.id})
        draft = self.make_invoice(partner=customer, amount=4500.0)
        overdue = self.make_invoice(partner=customer, amount=77.0, due_date="2020-01-31", invoice_date="2020-01-01",
                                    post=True)
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_workspace_open_action",
                        "invoicing_clerk_tools_workspace", login=self.clerk.login)
        self.assertEqual(draft.clerk_approval_state, "pending")
        self.assertEqual(draft.clerk_approval_requester_id, self.clerk)
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_workspace_open_action",
                        "invoicing_clerk_tools_workspace_approve", login=self.approver.login)
        self.assertEqual(draft.clerk_approval_state, "approved")
        self.assertEqual(draft.with_user(self.clerk).clerk_approval_decision_ids.comment,
                         "Price agreed with the customer")
        # The aging export of the overdue invoices, in the clerk's session.
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(f"/invoicing_clerk_tools/aging.xlsx?company_ids={self.company.id}")
        self.assertEqual(response.status_code, 200)
        rows = read_sheet(response.content)
        self.assertIn(overdue.name, {row["Number"] for row in rows})


class TestReminderUi(HttpCase, ClerkCommon):
    def test_manager_creates_schedule_and_clerk_confirms(self):
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_reminder_schedule_action",
                        "invoicing_clerk_tools_reminder_schedule", login=self.manager.login)
        schedule = self.env["clerk.reminder.schedule"].sudo().search([("name", "=", "Tour follow-up")])
        self.assertEqual(schedule.step_ids.mapped("offset_days"), [-3, 7, 21])
        self.assertEqual(schedule.company_id, self.company)

        template = self.env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
        manual = self.env["clerk.reminder.schedule"].sudo().create({
            "name": "Manual", "company_id": self.company.id, "min_interval_days": 0,
            "step_ids": [Command.create({"name": "Check first", "offset_days": 5, "manual": True,
                                         "mail_template_id": template.id})],
        })
        self.company.clerk_reminder_schedule_id = manual
        self.partner_a.email = "a@customer.example.com"
        self.partner_a.clerk_user_id = self.clerk  # the workspace opens on the clerk's own queues
        invoice = self.make_invoice(amount=88.0, invoice_date="2020-01-01", due_date="2020-01-31", post=True)
        Log = self.env["clerk.reminder.communication"].sudo()
        messages = self.env["clerk.reminder.schedule"].sudo()._plan(
            fields.Date.today(), self.company)
        self.env["clerk.reminder.schedule"].sudo()._perform_batch(messages, fields.Date.today())
        log = Log.search([("line_ids.move_id", "=", invoice.id)])
        self.assertEqual(log.state, "to_confirm")
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_workspace_action",
                        "invoicing_clerk_tools_reminder_confirm", login=self.clerk.login)
        log.invalidate_recordset()
        self.assertEqual(log.state, "queued")
        self.assertEqual(log.user_id, self.clerk)
        self.assertTrue(log.mail_id)


class TestAssignmentUi(HttpCase, ClerkCommon):
    def test_clerk_follows_a_card_and_reassigns(self):
        self.partner_a.clerk_user_id = self.clerk
        invoice = self.make_invoice(amount=55.0, invoice_date=fields.Date.subtract(fields.Date.today(), days=40),
                                    due_date=fields.Date.subtract(fields.Date.today(), days=10), post=True,
                                    ref="TOUR-REASSIGN")
        self.assertEqual(invoice.clerk_user_id, self.clerk)
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_workspace_action",
                        "invoicing_clerk_tools_reassign", login=self.clerk.login)
        invoice.invalidate_recordset()
        self.assertEqual(invoice.clerk_user_id, self.clerk_2)

from odoo import Command
from odoo.tests import HttpCase

from .common import ClerkCommon


class TestApprovalUi(HttpCase, ClerkCommon):
    def test_send_approve_from_workspace_then_post(self):
        self.env["clerk.approval.rule"].sudo().create({
            "name": "Bills over 1,000", "company_id": self.company.id, "apply_in_invoice": True,
            "amount_min": 1000.0, "approver_user_ids": [Command.set(self.approver.ids)],
        })
        bill = self.make_invoice(move_type="in_invoice", amount=4200.0, user=self.clerk)
        url = f"/odoo/account.move/{bill.id}"
        self.start_tour(url, "invoicing_clerk_tools_approval_send", login=self.clerk.login)
        self.assertEqual(bill.clerk_approval_state, "pending")
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_workspace_action",
                        "invoicing_clerk_tools_approval_approve", login=self.approver.login)
        self.assertEqual(bill.clerk_approval_state, "approved")
        self.assertEqual(bill.clerk_approval_decision_ids.comment, "Matches the purchase order")
        self.start_tour(url, "invoicing_clerk_tools_approval_post", login=self.clerk.login)
        self.assertEqual(bill.state, "posted")

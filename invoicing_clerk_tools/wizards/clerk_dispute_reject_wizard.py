from odoo import fields, models


class ClerkDisputeRejectWizard(models.TransientModel):
    _name = "clerk.dispute.reject.wizard"
    _description = "Reject a Customer's Dispute"

    dispute_id = fields.Many2one("clerk.dispute", string="Dispute", required=True, readonly=True)
    answer = fields.Text(string="Answer to the Customer", required=True,
                         help="Sent to the customer by e-mail and shown on the invoice's portal page.")
    grace_days = fields.Integer(related="dispute_id.company_id.clerk_dispute_grace_days",
                                string="Reminders Resume After (Days)")

    def action_reject(self):
        self.ensure_one()
        self.dispute_id.action_reject(self.answer)
        return {"type": "ir.actions.act_window_close"}

from odoo import fields, models
from odoo.exceptions import UserError


class ClerkApprovalDecisionWizard(models.TransientModel):
    _name = "clerk.approval.decision.wizard"
    _description = "Approve or Reject"

    move_ids = fields.Many2many("account.move", string="Documents", required=True)
    decision = fields.Selection([("approve", "Approve"), ("reject", "Reject")], required=True, default="approve")
    comment = fields.Text(help="Approving: an optional comment. Rejecting: the reason, required; the requester "
                               "receives it.")

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "reject":
            if not (self.comment or "").strip():
                raise UserError(self.env._("A rejection needs a reason: fill in the Reason field."))
            self.move_ids.clerk_reject(self.comment)
        else:
            self.move_ids.clerk_approve(self.comment)
        return {"type": "ir.actions.act_window_close"}

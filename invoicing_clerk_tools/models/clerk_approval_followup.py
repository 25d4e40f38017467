from odoo import fields, models


class ClerkApprovalFollowup(models.Model):
    """A nudge or an escalation sent for a request: at most one of each kind per request."""

    _name = "clerk.approval.followup"
    _inherit = ["clerk.history.mixin"]
    _description = "Approval Follow-up (Nudge or Escalation)"
    _order = "date desc, id desc"

    request_id = fields.Many2one("clerk.approval.request", string="Request", required=True, readonly=True,
                                 index=True, ondelete="restrict")
    move_id = fields.Many2one(related="request_id.move_id", store=True, index=True, string="Document")
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    kind = fields.Selection([("nudge", "Nudge"), ("escalation", "Escalation")], required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    notified_user_ids = fields.Many2many("res.users", string="Sent To", readonly=True)

    _once_per_request = models.Constraint(
        "UNIQUE(request_id, kind)",
        "A request is nudged at most once and escalated at most once.",
    )

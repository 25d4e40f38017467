from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkApprovalDecision(models.Model):
    """An approval or a rejection of one rule, with who decided, when, for whom and why."""

    _name = "clerk.approval.decision"
    _inherit = ["clerk.history.mixin"]
    _description = "Approval Decision"
    _order = "date, id"
    _check_company_auto = True

    request_id = fields.Many2one("clerk.approval.request", string="Request", required=True, readonly=True,
                                 index=True, ondelete="restrict")
    move_id = fields.Many2one(related="request_id.move_id", store=True, index=True, string="Document")
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    rule_name = fields.Char(related="request_id.name", string="Rule")
    decision = fields.Selection([("approve", "Approved"), ("reject", "Rejected")], required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Decided By", required=True, readonly=True,
                              help="Who clicked: the approver, or the substitute standing in for them.")
    approver_id = fields.Many2one("res.users", string="Approver", required=True, readonly=True,
                                  help="The approver this decision counts for.")
    is_substitute = fields.Boolean(string="By Substitute", compute="_compute_is_substitute", store=True)
    comment = fields.Text(readonly=True, help="The approver's comment; for a rejection, its reason.")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    # One decision per person and rule, whoever clicks: the database refuses a second one even if two
    # transactions decide at the same moment (decisions are also serialised, see ``_clerk_lock_decisions``).
    _request_user_unique = models.Constraint(
        "UNIQUE(request_id, user_id)", "You already decided on this approval rule: a decision counts once.")
    _request_approver_unique = models.Constraint(
        "UNIQUE(request_id, approver_id)",
        "A decision was already recorded for this approver on this approval rule: a decision counts once.")

    @api.depends("user_id", "approver_id")
    def _compute_is_substitute(self):
        for decision in self:
            decision.is_substitute = decision.user_id != decision.approver_id

    def _who(self):
        self.ensure_one()
        if self.is_substitute:
            return self.env._("%(user)s for %(approver)s", user=self.user_id.name, approver=self.approver_id.name)
        return self.user_id.name

    def _summary(self):
        self.ensure_one()
        label = dict(self._fields["decision"]._description_selection(self.env))[self.decision]
        text = f"{label}: {self._who()}, {fields.Datetime.to_string(self.date)}"
        return f"{text}: {self.comment}" if self.comment else text

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.browse().check_access("create")
            raise UserError(self.env._("Decisions are recorded by the Approve and Reject buttons of the document."))
        for vals in vals_list:
            if vals.get("decision") == "reject" and not (vals.get("comment") or "").strip():
                raise UserError(self.env._("A rejection needs a reason: fill in the Reason field."))
        return super().create(vals_list)

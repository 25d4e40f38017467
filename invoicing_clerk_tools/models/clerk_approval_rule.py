from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkApprovalRule(models.Model):
    """One approval rule: which documents need it, who approves, how many approvals, follow-up delays."""

    _name = "clerk.approval.rule"
    _inherit = ["clerk.move.rule.mixin"]
    _description = "Approval Rule"

    name = fields.Char(string="Rule Name", required=True, translate=True, tracking=True,
                       help="Name of the approval rule, as approvers and clerks see it, e.g. 'Bills over 5,000'.")
    active = fields.Boolean(tracking=True,
                            help="Archived rules apply to no new request; requests sent stay as sent.")
    sequence = fields.Integer(tracking=True,
                              help="Rules are asked in this order: approvers of a rule are asked only when every "
                                   "rule before it is approved. Rules with the same sequence are asked together.")

    # Who approves
    approver_kind = fields.Selection([
        ("users", "Named Users"),
        ("group", "A Group (any member)"),
        ("field", "A User Field of the Document"),
    ], string="Approvers Are", required=True, default="users", tracking=True,
        help="Named users; or any member of a group; or the user in a field of the document (e.g. the salesperson).")
    approver_user_ids = fields.Many2many("res.users", "clerk_approval_rule_approver_rel", "rule_id", "user_id",
                                         string="Approvers", domain="[('share', '=', False)]", tracking=True)
    approver_group_id = fields.Many2one("res.groups", string="Approver Group", tracking=True,
                                        help="Any member of this group may approve.")
    approver_field_id = fields.Many2one(
        "ir.model.fields", string="Approver Field", ondelete="cascade", tracking=True,
        domain="[('model', '=', 'account.move'), ('ttype', '=', 'many2one'), ('relation', '=', 'res.users')]",
        help="The user in this field of the document approves, e.g. Salesperson.")
    min_approvals = fields.Integer(string="Approvals Needed", default=1, tracking=True,
                                   help="How many distinct approvers must approve this rule.")
    allow_self_approval = fields.Boolean(
        string="Requester May Approve", default=False, tracking=True,
        help="Off (four-eyes): the person who sent the document for approval cannot approve it.")

    # Follow-up
    nudge_days = fields.Integer(string="Nudge After (Days)", default=0, tracking=True,
                                help="Approvers are nudged once when the rule waits this many days; 0: never.")
    escalation_days = fields.Integer(string="Escalate After (Days)", default=0, tracking=True,
                                     help="The request escalates once when the rule waits this many days; 0: never.")
    escalation_user_id = fields.Many2one("res.users", string="Escalate To", domain="[('share', '=', False)]",
                                         tracking=True)
    escalation_group_id = fields.Many2one("res.groups", string="Escalate To Group", tracking=True)

    # ------------------------------------------------------------ checks
    def _configuration_fields(self):
        return [*super()._configuration_fields(), "approver_kind", "approver_user_ids", "approver_group_id",
                "approver_field_id", "min_approvals", "nudge_days", "escalation_days", "escalation_user_id",
                "escalation_group_id"]

    def _configuration_problems(self):
        problems = super()._configuration_problems()
        _ = self.env._
        capacity = {
            "users": len(self.approver_user_ids),
            "group": len(self.approver_group_id.all_user_ids.filtered(lambda u: not u.share)),
            "field": 1 if self.approver_field_id else 0,
        }.get(self.approver_kind, 0)
        if not capacity:
            problems.append({
                "users": _("Approvers: the rule has no approver; add at least one user."),
                "group": _("Approver Group: the rule has no approver; choose a group with members."),
                "field": _("Approver Field: the rule has no approver; choose a user field such as Salesperson."),
            }.get(self.approver_kind, _("Approvers Are: choose named users, a group or a user field.")))
        if self.min_approvals < 1:
            problems.append(_("Approvals Needed must be at least 1."))
        elif capacity and self.min_approvals > capacity:
            problems.append(_(
                "Approvals Needed (%(needed)s) is more than the approvers can give (%(capacity)s): lower it or add "
                "approvers.", needed=self.min_approvals, capacity=capacity))
        if self.nudge_days < 0 or self.escalation_days < 0:
            problems.append(_("Nudge After / Escalate After cannot be negative; use 0 for never."))
        elif self.escalation_days and not (self.escalation_user_id or self.escalation_group_id):
            problems.append(_(
                "Escalate To: the rule escalates after %(days)s days but names nobody; choose a user or a group, "
                "or set Escalate After to 0.", days=self.escalation_days))
        return problems

    # ------------------------------------------------------------ cache
    @api.ondelete(at_uninstall=False)
    def _unlink_if_unused(self):
        if self.env["clerk.approval.request"].sudo().search_count([("rule_id", "in", self.ids)], limit=1):
            raise UserError(self.env._(
                "An approval rule that has been used keeps the history of its requests: archive it instead."))

    # ------------------------------------------------------------ approvers
    def _approvers_for(self, move):
        """The users who may approve this rule for ``move`` (group members for a group rule)."""
        self.ensure_one()
        if self.approver_kind == "users":
            return self.approver_user_ids.filtered("active")
        if self.approver_kind == "group":
            return self.approver_group_id.all_user_ids.filtered(lambda u: u.active and not u.share)
        return move[self.approver_field_id.name] if self.approver_field_id else self.env["res.users"]

    def _approvers_label(self):
        self.ensure_one()
        if self.approver_kind == "users":
            return ", ".join(self.approver_user_ids.mapped("name"))
        if self.approver_kind == "group":
            return self.env._("any member of %s", self.approver_group_id.name)
        return self.env._("the %s of the document", self.approver_field_id.field_description)

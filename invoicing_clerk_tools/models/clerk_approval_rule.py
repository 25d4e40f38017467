from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval

from ..tools import approval
from .clerk_move_rule_mixin import TYPE_FIELDS


class ClerkApprovalRule(models.Model):
    """One approval level: which documents need it, who approves, how many approvals, follow-up delays."""

    _name = "clerk.approval.rule"
    _inherit = ["clerk.move.rule.mixin"]
    _description = "Approval Rule (one level)"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Level", required=True, translate=True,
                       help="Name of the approval level, as approvers and clerks see it, e.g. 'Bills over 5,000'.")
    active = fields.Boolean(default=True, help="Archived rules apply to no new request; requests sent stay as sent.")
    sequence = fields.Integer(default=10, help="Levels are asked in this order: approvers of a level are asked "
                                               "only when every level before it is approved. Levels with the same "
                                               "sequence are asked together.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 help="The rule applies to documents of this company only.")
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")

    # Which documents
    journal_ids = fields.Many2many("account.journal", string="Journals", check_company=True,
                                   domain="[('type', 'in', ('sale', 'purchase'))]",
                                   help="Only documents of these journals; empty: every journal.")
    amount_min = fields.Monetary(string="Minimum Total", currency_field="currency_id",
                                 help="The rule applies from this total (taxes included, in company currency; "
                                      "documents in other currencies are converted at their date).")
    amount_max = fields.Monetary(string="Maximum Total", currency_field="currency_id",
                                 help="The rule applies up to this total (included); 0: no upper limit.")
    partner_ids = fields.Many2many("res.partner", string="Partners",
                                   help="Only documents of these customers or vendors; empty: every partner.")
    partner_category_ids = fields.Many2many("res.partner.category", string="Partner Tags",
                                            help="Only documents whose partner has one of these tags; empty: any.")
    domain = fields.Char(string="Extra Conditions", default="[]",
                         help="A domain on journal entries for anything else, e.g. "
                              "[('invoice_origin', '=', False)]. Leave [] for none.")

    # Who approves
    approver_kind = fields.Selection([
        ("users", "Named Users"),
        ("group", "A Group (any member)"),
        ("field", "A User Field of the Document"),
    ], string="Approvers Are", required=True, default="users",
        help="Named users; or any member of a group; or the user in a field of the document (e.g. the salesperson).")
    approver_user_ids = fields.Many2many("res.users", "clerk_approval_rule_approver_rel", "rule_id", "user_id",
                                         string="Approvers", domain="[('share', '=', False)]")
    approver_group_id = fields.Many2one("res.groups", string="Approver Group",
                                        help="Any member of this group may approve.")
    approver_field_id = fields.Many2one(
        "ir.model.fields", string="Approver Field", ondelete="cascade",
        domain="[('model', '=', 'account.move'), ('ttype', '=', 'many2one'), ('relation', '=', 'res.users')]",
        help="The user in this field of the document approves, e.g. Salesperson.")
    min_approvals = fields.Integer(string="Approvals Needed", default=1,
                                   help="How many distinct approvers must approve this level.")
    allow_self_approval = fields.Boolean(
        string="Requester May Approve", default=False,
        help="Off (four-eyes): the person who sent the document for approval cannot approve it.")

    # Follow-up
    reminder_days = fields.Integer(string="Remind After (Days)", default=0,
                                   help="Approvers are reminded once when the level waits this many days; 0: never.")
    escalation_days = fields.Integer(string="Escalate After (Days)", default=0,
                                     help="The request escalates once when the level waits this many days; 0: never.")
    escalation_user_id = fields.Many2one("res.users", string="Escalate To", domain="[('share', '=', False)]")
    escalation_group_id = fields.Many2one("res.groups", string="Escalate To Group")

    # ------------------------------------------------------------ checks
    @api.constrains("apply_out_invoice", "apply_out_refund", "apply_in_invoice", "apply_in_refund",
                    "approver_kind", "approver_user_ids", "approver_group_id", "approver_field_id", "min_approvals",
                    "amount_min", "amount_max", "reminder_days", "escalation_days", "escalation_user_id",
                    "escalation_group_id")
    def _check_configuration(self):
        messages = self._error_messages()
        for rule in self:
            errors = approval.rule_config_errors(
                kind=rule.approver_kind,
                user_count=len(rule.approver_user_ids),
                group_set=bool(rule.approver_group_id),
                group_member_count=len(rule.approver_group_id.all_user_ids.filtered(lambda u: not u.share)),
                field_set=bool(rule.approver_field_id),
                min_approvals=rule.min_approvals,
                amount_min=rule.amount_min,
                amount_max=rule.amount_max,
                reminder_days=rule.reminder_days,
                escalation_days=rule.escalation_days,
                escalation_target=bool(rule.escalation_user_id or rule.escalation_group_id),
                document_types=sum(rule[name] for name in TYPE_FIELDS.values()),
            )
            if errors:
                raise ValidationError(self.env._("Approval rule %(rule)s: %(problems)s", rule=rule.name,
                                                 problems=" ".join(messages[code](rule) for code in errors)))

    def _error_messages(self):
        _ = self.env._
        return {
            "no_document_type": lambda r: _(
                "Documents: tick at least one of Customer Invoices, Customer Credit Notes, Vendor Bills, "
                "Vendor Refunds."),
            "no_approver": lambda r: {
                "users": _("Approvers: the level has no approver; add at least one user."),
                "group": _("Approver Group: the level has no approver; choose a group."),
                "field": _("Approver Field: the level has no approver; choose a user field such as Salesperson."),
            }.get(r.approver_kind, _("Approvers Are: choose named users, a group or a user field.")),
            "negative_amount": lambda r: _(
                "Minimum Total / Maximum Total: amounts cannot be negative; use 0 for no limit."),
            "min_above_max": lambda r: _(
                "Minimum Total (%(min)s) is above Maximum Total (%(max)s): lower the minimum or raise the maximum "
                "(0 for no maximum).", min=r.amount_min, max=r.amount_max),
            "min_approvals_low": lambda r: _("Approvals Needed must be at least 1."),
            "min_approvals_high": lambda r: _(
                "Approvals Needed (%(needed)s) is more than the approvers can give (%(capacity)s): lower it or add "
                "approvers.", needed=r.min_approvals, capacity={
                    "users": len(r.approver_user_ids),
                    "group": len(r.approver_group_id.all_user_ids.filtered(lambda u: not u.share)),
                    "field": 1,
                }[r.approver_kind]),
            "negative_delay": lambda r: _(
                "Remind After / Escalate After cannot be negative; use 0 for never."),
            "no_escalation_target": lambda r: _(
                "Escalate To: the level escalates after %(days)s days but names nobody; choose a user or a group, "
                "or set Escalate After to 0.", days=r.escalation_days),
        }

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            try:
                rule._get_domain()
            except Exception as error:  # noqa: BLE001 - every parse or field error is reported the same way
                raise ValidationError(self.env._(
                    "Extra Conditions of approval rule %(rule)s are not a valid domain on journal entries "
                    "(%(error)s): write a list such as [('invoice_origin', '=', False)] using existing fields.",
                    rule=rule.name, error=error)) from error

    @api.model
    def _domain_eval_context(self):
        return {
            "context_today": lambda: fields.Date.context_today(self),
            "datetime": safe_datetime,
            "relativedelta": safe_dateutil.relativedelta.relativedelta,
        }

    def _get_domain(self):
        self.ensure_one()
        value = safe_eval(self.domain or "[]", self._domain_eval_context())
        if not isinstance(value, list | tuple):
            raise ValueError(self.env._("a domain is a list"))
        domain = Domain(value)
        domain.validate(self.env["account.move"])
        return domain

    # ------------------------------------------------------------ cache
    @api.ondelete(at_uninstall=False)
    def _unlink_if_unused(self):
        if self.env["clerk.approval.request"].sudo().search_count([("rule_id", "in", self.ids)], limit=1):
            raise UserError(self.env._(
                "An approval rule that has been used keeps the history of its requests: archive it instead."))

    # ------------------------------------------------------------ matching
    @api.model
    def _rules_for_moves(self, moves):
        """``{move_id: rules}`` (sorted by sequence) of the rules applying to each move that has one.

        One pass for the whole recordset: a cached index settles moves of a
        company and type without rules, the other criteria are checked in
        memory, extra conditions take one query per distinct domain.
        """
        index = self._rule_index()
        if not index:
            return {}
        candidates = [move for move in moves if (move.company_id.id, move.move_type) in index]
        if not candidates:
            return {}
        moves = moves.browse([move.id for move in candidates])
        rule_ids = sorted({rid for move in candidates for rid in index[move.company_id.id, move.move_type]})
        rules = self.sudo().browse(rule_ids)
        rules.fetch(["sequence", "amount_min", "amount_max", "domain", "journal_ids", "partner_ids",
                     "partner_category_ids", *TYPE_FIELDS.values()])
        criteria = {rule.id: {
            "move_types": {move_type for move_type, name in TYPE_FIELDS.items() if rule[name]},
            "journal_ids": set(rule.journal_ids.ids),
            "partner_ids": set(rule.partner_ids.ids),
            "tag_ids": set(rule.partner_category_ids.ids),
            "amount_min": rule.amount_min,
            "amount_max": rule.amount_max,
        } for rule in rules}
        need_tags = any(c["tag_ids"] for c in criteria.values())
        moves.fetch(["company_id", "move_type", "journal_id", "amount_total_signed", "partner_id",
                     "commercial_partner_id"])
        if need_tags:
            (moves.partner_id | moves.commercial_partner_id).fetch(["category_id"])
        matched = defaultdict(list)  # rule_id -> [move_id]
        for move in moves:
            partners = move.partner_id | move.commercial_partner_id
            facts = {
                "move_type": move.move_type,
                "journal_id": move.journal_id.id,
                "amount": move.amount_total_signed,
                "partner_ids": partners.ids,
                "tag_ids": partners.category_id.ids if need_tags else (),
            }
            for rule_id in index[move.company_id.id, move.move_type]:
                if approval.rule_matches(facts, criteria[rule_id]):
                    matched[rule_id].append(move.id)
        # Extra conditions: one query per distinct domain, on the moves that met the other criteria.
        by_domain = defaultdict(list)
        for rule in rules:
            if matched.get(rule.id) and (rule.domain or "[]").strip() not in ("[]", ""):
                by_domain[rule.domain.strip()].append(rule)
        Move = self.env["account.move"].sudo().with_context(active_test=False)
        for rules_of_domain in by_domain.values():
            candidate_ids = sorted({mid for rule in rules_of_domain for mid in matched[rule.id]})
            kept = set(Move._search(Domain("id", "in", candidate_ids) & rules_of_domain[0]._get_domain()))
            for rule in rules_of_domain:
                matched[rule.id] = [mid for mid in matched[rule.id] if mid in kept]
        result = defaultdict(list)
        for rule in rules.sorted(lambda r: (r.sequence, r.id)):
            for move_id in matched.get(rule.id, ()):
                result[move_id].append(rule.id)
        return {move_id: rules.browse(ids) for move_id, ids in result.items()}

    # ------------------------------------------------------------ approvers
    def _approvers_for(self, move):
        """The users who may approve this level for ``move`` (group members for a group level)."""
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

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import format_amount, ormcache
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval

from ..tools import rules as rule_tools

# The kinds of documents a rule can apply to: move type -> the rule's check box.
TYPE_FIELDS = {
    "out_invoice": "apply_out_invoice",
    "out_refund": "apply_out_refund",
    "in_invoice": "apply_in_invoice",
    "in_refund": "apply_in_refund",
}
CRITERIA_FIELDS = ("journal_ids", "partner_ids", "partner_category_ids", "amount_min", "amount_max", "domain",
                   *TYPE_FIELDS.values())


class ClerkMoveRuleMixin(models.AbstractModel):
    """A rule that selects invoices and bills (approval rules, document rules): the criteria, their checks,
    and in one batch which rules apply to which moves, from a cache cleared whenever a rule changes.
    Its changes are tracked in its chatter."""

    _name = "clerk.move.rule.mixin"
    _inherit = ["clerk.cached.config.mixin", "mail.thread"]
    _description = "Invoicing Clerk Rule on Invoices and Bills"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True, help="Archived rules apply to nothing new.")
    sequence = fields.Integer(default=10, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 tracking=True, help="The rule applies to documents of this company only.")
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")

    apply_out_invoice = fields.Boolean(string="Customer Invoices", default=False, tracking=True)
    apply_out_refund = fields.Boolean(string="Customer Credit Notes", default=False, tracking=True)
    apply_in_invoice = fields.Boolean(string="Vendor Bills", default=False, tracking=True)
    apply_in_refund = fields.Boolean(string="Vendor Refunds", default=False, tracking=True)
    journal_ids = fields.Many2many("account.journal", string="Journals", check_company=True, tracking=True,
                                   domain="[('type', 'in', ('sale', 'purchase'))]",
                                   help="Only documents of these journals; empty: every journal.")
    partner_ids = fields.Many2many("res.partner", string="Partners", tracking=True,
                                   help="Only documents of these customers or vendors; empty: every partner.")
    partner_category_ids = fields.Many2many("res.partner.category", string="Partner Tags", tracking=True,
                                            help="Only documents whose partner has one of these tags; empty: any.")
    amount_min = fields.Monetary(string="Minimum Total", currency_field="currency_id", tracking=True,
                                 help="The rule applies from this total (taxes included, in company currency; "
                                      "documents in other currencies are converted at their date); 0: any total.")
    amount_max = fields.Monetary(string="Maximum Total", currency_field="currency_id", tracking=True,
                                 help="The rule applies up to this total (included). Stored as 0 when the rule "
                                      "has no maximum.")
    no_amount_max = fields.Boolean(
        string="No Maximum", compute="_compute_no_amount_max", inverse="_inverse_no_amount_max",
        help="The rule applies to every total from the minimum up. Untick it to enter a maximum.")
    amount_range = fields.Char(string="Total", compute="_compute_amount_range",
                               help="The totals the rule applies to, in company currency.")
    domain = fields.Char(string="Extra Conditions", default="[]", tracking=True,
                         help="A domain on journal entries for anything else, e.g. "
                              "[('invoice_origin', '=', False)]. Leave [] for none.")

    # ------------------------------------------------------------ amount range
    @api.depends("amount_max")
    def _compute_no_amount_max(self):
        for rule in self:
            rule.no_amount_max = not rule.amount_max

    def _inverse_no_amount_max(self):
        for rule in self:
            if rule.no_amount_max:
                rule.amount_max = 0.0
            elif not rule.amount_max:
                raise ValidationError(self.env._(
                    "Maximum Total of %(rule)s: enter the largest total the rule applies to, or tick No Maximum.",
                    rule=rule.name))

    @api.onchange("no_amount_max")
    def _onchange_no_amount_max(self):
        if self.no_amount_max:
            self.amount_max = 0.0

    @api.depends("amount_min", "amount_max", "currency_id")
    @api.depends_context("lang")
    def _compute_amount_range(self):
        _ = self.env._
        for rule in self:
            low, high = (format_amount(self.env, amount, rule.currency_id) if rule.currency_id else str(amount)
                         for amount in (rule.amount_min, rule.amount_max))
            if rule.amount_max:
                rule.amount_range = (_("%(low)s to %(high)s", low=low, high=high) if rule.amount_min
                                     else _("Up to %(high)s", high=high))
            else:
                rule.amount_range = _("From %(low)s", low=low) if rule.amount_min else _("Any total")

    # ------------------------------------------------------------ configuration checks
    def _configuration_fields(self):
        """The fields whose change re-checks the configuration (a model adds its own)."""
        return list(CRITERIA_FIELDS)

    def _configuration_problems(self):
        """What is wrong with this rule, each naming the field and the fix (a model adds its own)."""
        self.ensure_one()
        _ = self.env._
        labels = {name: self._fields[name]._description_string(self.env) for name in ("amount_min", "amount_max")}
        problems = []
        if not any(self[name] for name in TYPE_FIELDS.values()):
            problems.append(_("Documents: tick at least one of Customer Invoices, Customer Credit Notes, "
                              "Vendor Bills, Vendor Refunds."))
        for name in ("amount_min", "amount_max"):
            if self[name] < 0:
                problems.append(_("%(field)s cannot be negative.", field=labels[name]))
        if self.amount_max and 0 <= self.amount_min and self.amount_min > self.amount_max:
            problems.append(_(
                "%(min_label)s (%(min)s) is above %(max_label)s (%(max)s): lower the minimum, raise the maximum "
                "or tick No Maximum.", min_label=labels["amount_min"], min=self.amount_min,
                max_label=labels["amount_max"], max=self.amount_max))
        try:
            self._get_domain()
        except Exception as error:  # noqa: BLE001 - every parse or field error is reported the same way
            problems.append(_(
                "Extra Conditions are not a valid domain on journal entries (%(error)s): write a list such as "
                "[('invoice_origin', '=', False)] using existing fields.", error=error))
        return problems

    @api.constrains(lambda self: self._configuration_fields())
    def _check_configuration(self):
        for rule in self:
            if problems := rule._configuration_problems():
                kind = self.env["ir.model"]._get(self._name).name  # the model's name in the user's language
                raise ValidationError(self.env._("%(kind)s %(rule)s: %(problems)s", kind=kind, rule=rule.name,
                                                 problems=" ".join(problems)))

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
    @api.model
    @ormcache()
    def _rule_index(self):
        """``{(company_id, move_type): (rule_id, ...)}`` of the active rules; cached, cleared when rules change."""
        index = defaultdict(list)
        rules = self.sudo().with_context(active_test=True).search_fetch(
            [], ["company_id", *TYPE_FIELDS.values()], order="sequence, id")
        for rule in rules:
            for move_type, field_name in TYPE_FIELDS.items():
                if rule[field_name]:
                    index[rule.company_id.id, move_type].append(rule.id)
        return {key: tuple(ids) for key, ids in index.items()}

    @api.model
    @ormcache()
    def _rule_criteria(self):
        """``{rule_id: criteria}`` of the active rules (see ``tools.rules.rule_matches``), plus what a model
        adds in ``_rule_extra_criteria``; cached like the index."""
        rules = self.sudo().with_context(active_test=True).search([])
        rules.fetch(["sequence", *CRITERIA_FIELDS])
        return {rule.id: {
            "sequence": rule.sequence,
            "move_types": frozenset(t for t, name in TYPE_FIELDS.items() if rule[name]),
            "journal_ids": frozenset(rule.journal_ids.ids),
            "partner_ids": frozenset(rule.partner_ids.ids),
            "tag_ids": frozenset(rule.partner_category_ids.ids),
            "amount_min": rule.amount_min,
            "amount_max": rule.amount_max,
            "domain": (rule.domain or "[]").strip() or "[]",
            **rule._rule_extra_criteria(),
        } for rule in rules}

    def _rule_extra_criteria(self):
        """What a model keeps of each rule in the cache besides the shared criteria (plain values)."""
        return {}

    # ------------------------------------------------------------ which rules apply
    @api.model
    def _rules_for_moves(self, moves):
        """``{move_id: rules}`` (sorted by sequence) of the active rules applying to each move that has one.

        One pass for the whole recordset: the cached index settles moves of a company and type without
        rules, the other criteria are checked in memory, extra conditions take one query per distinct
        domain, partner tags one query when a rule uses them.
        """
        index = self._rule_index()
        if not index:
            return {}
        moves = moves._origin.filtered("id")
        moves.fetch(["company_id", "move_type", "journal_id", "amount_total_signed", "partner_id",
                     "commercial_partner_id"])
        candidates = [move for move in moves if (move.company_id.id, move.move_type) in index]
        if not candidates:
            return {}
        criteria = self._rule_criteria()
        need_tags = any(criteria[rid]["tag_ids"] for move in candidates
                        for rid in index[move.company_id.id, move.move_type] if rid in criteria)
        if need_tags:
            moves.browse([move.id for move in candidates]).partner_id.fetch(["category_id"])
            moves.browse([move.id for move in candidates]).commercial_partner_id.fetch(["category_id"])
        matched = defaultdict(list)  # rule_id -> [move_id]
        for move in candidates:
            partners = move.partner_id | move.commercial_partner_id
            facts = {
                "move_type": move.move_type,
                "journal_id": move.journal_id.id,
                "amount": move.amount_total_signed,
                "partner_ids": partners.ids,
                "tag_ids": partners.category_id.ids if need_tags else (),
            }
            for rule_id in index[move.company_id.id, move.move_type]:
                if rule_id in criteria and rule_tools.rule_matches(facts, criteria[rule_id]):
                    matched[rule_id].append(move.id)
        # Extra conditions: one query per distinct domain, on the moves that met the other criteria.
        by_domain = defaultdict(list)
        for rule_id in matched:
            if criteria[rule_id]["domain"] != "[]":
                by_domain[criteria[rule_id]["domain"]].append(rule_id)
        Move = self.env["account.move"].sudo().with_context(active_test=False)
        for domain_rule_ids in by_domain.values():
            candidate_ids = sorted({mid for rid in domain_rule_ids for mid in matched[rid]})
            domain = self.sudo().browse(domain_rule_ids[0])._get_domain()
            kept = set(Move._search(Domain("id", "in", candidate_ids) & domain))
            for rule_id in domain_rule_ids:
                matched[rule_id] = [mid for mid in matched[rule_id] if mid in kept]
        result = defaultdict(list)
        for rule_id in sorted(matched, key=lambda rid: (criteria[rid]["sequence"], rid)):
            for move_id in matched[rule_id]:
                result[move_id].append(rule_id)
        Rule = self.sudo()
        return {move_id: Rule.browse(ids) for move_id, ids in result.items()}

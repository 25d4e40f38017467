
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from ..tools import documents
from .clerk_move_rule_mixin import TYPE_FIELDS


class ClerkDocumentRule(models.Model):
    """Which supporting documents an invoice or bill must have, and what happens when one is missing."""

    _name = "clerk.document.rule"
    _inherit = ["clerk.move.rule.mixin"]
    _description = "Document Requirement Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, help="e.g. 'Vendor bills over 1,000: PO and delivery note'.")
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 help="The rule applies to documents of this company only.")
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    journal_ids = fields.Many2many("account.journal", string="Journals", check_company=True,
                                   domain="[('type', 'in', ('sale', 'purchase'))]",
                                   help="Only documents of these journals; empty: every journal.")
    partner_ids = fields.Many2many("res.partner", string="Partners",
                                   help="Only documents of these customers or vendors; empty: every partner.")
    partner_category_ids = fields.Many2many("res.partner.category", string="Partner Tags",
                                            help="Only documents whose partner has one of these tags; empty: any.")
    amount_min = fields.Monetary(
        string="From Total", currency_field="currency_id",
        help="The rule applies from this total (taxes included, in company currency); 0: any total.")
    category_ids = fields.Many2many("clerk.document.category", string="Required Documents",
                                    help="The categories of documents that must be attached.")
    mode = fields.Selection([
        (documents.BLOCK, "Blocks Posting"),
        (documents.APPROVAL, "Requires an Approval Level"),
        (documents.WARN, "Warning Only"),
    ], string="When Missing", required=True, default=documents.BLOCK,
        help="Blocks Posting: the document cannot be posted until every required category is attached. "
             "Requires an Approval Level: a missing document sends the document to the approval level chosen "
             "below instead. Warning Only: a banner on the document, nothing is blocked.")
    keep_documents = fields.Boolean(
        string="Keep Once Posted", default=True,
        help="The required documents are kept for audit once the document is posted: they cannot be deleted or "
             "replaced, only superseded by a new version.")
    approval_rule_id = fields.Many2one(
        "clerk.approval.rule", string="Approval Level", check_company=True, ondelete="restrict",
        domain="[('clerk_missing_documents_only', '=', True)]",
        help="The approval level asked when a required document is missing (an approval rule marked "
             "'Only When Documents Are Missing').")

    # ------------------------------------------------------------ checks
    @api.constrains("category_ids", "amount_min", "mode", "approval_rule_id", *TYPE_FIELDS.values())
    def _check_configuration(self):
        _ = self.env._
        for rule in self:
            if not rule.category_ids:
                raise ValidationError(_(
                    "Document rule %s: Required Documents is empty; choose at least one category.", rule.name))
            if rule.amount_min < 0:
                raise ValidationError(_(
                    "Document rule %s: From Total cannot be negative; use 0 for any total.", rule.name))
            types = {move_type for move_type, name in TYPE_FIELDS.items() if rule[name]}
            if not types:
                raise ValidationError(_(
                    "Document rule %s: tick at least one of Customer Invoices, Customer Credit Notes, "
                    "Vendor Bills, Vendor Refunds.", rule.name))
            if rule.mode == documents.APPROVAL:
                level = rule.approval_rule_id
                if not level:
                    raise ValidationError(_(
                        "Document rule %s requires an approval level when a document is missing: choose the "
                        "Approval Level (an approval rule marked 'Only When Documents Are Missing').", rule.name))
                if not level.clerk_missing_documents_only:
                    raise ValidationError(_(
                        "Document rule %(rule)s: approval level %(level)s must be marked 'Only When Documents Are "
                        "Missing', otherwise it would apply to every document.", rule=rule.name, level=level.name))
                uncovered = [move_type for move_type in types if not level[TYPE_FIELDS[move_type]]]
                if uncovered:
                    labels = dict(self.env["account.move"]._fields["move_type"]._description_selection(self.env))
                    raise ValidationError(_(
                        "Document rule %(rule)s: approval level %(level)s does not apply to %(types)s; tick them on "
                        "the approval rule too.", rule=rule.name, level=level.name,
                        types=", ".join(labels[t] for t in uncovered)))

    # ------------------------------------------------------------ cache
    @api.model
    @ormcache()
    def _rule_criteria(self):
        """``{rule_id: criteria}`` of active rules (the facts matched in memory); cached like the index."""
        rules = self.sudo().with_context(active_test=True).search([])
        rules.fetch(["amount_min", "mode", "approval_rule_id", "journal_ids", "partner_ids", "partner_category_ids",
                     "category_ids", "keep_documents", *TYPE_FIELDS.values()])
        return {rule.id: {
            "move_types": frozenset(t for t, name in TYPE_FIELDS.items() if rule[name]),
            "journal_ids": frozenset(rule.journal_ids.ids),
            "partner_ids": frozenset(rule.partner_ids.ids),
            "tag_ids": frozenset(rule.partner_category_ids.ids),
            "amount_min": rule.amount_min,
            "mode": rule.mode,
            "approval_rule_id": rule.approval_rule_id.id,
            "category_ids": tuple(rule.category_ids.ids),
            "keep": rule.keep_documents,
        } for rule in rules}

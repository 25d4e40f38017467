from odoo import fields, models

from ..tools import documents
from .clerk_move_rule_mixin import TYPE_FIELDS


class ClerkDocumentRule(models.Model):
    """Which supporting documents an invoice or bill must have, and what happens when one is missing."""

    _name = "clerk.document.rule"
    _inherit = ["clerk.move.rule.mixin"]
    _description = "Document Rule"

    name = fields.Char(tracking=True, help="e.g. 'Vendor bills over 1,000: PO and delivery note'.")
    amount_min = fields.Monetary(string="From Total", tracking=True)
    category_ids = fields.Many2many("clerk.document.category", string="Required Documents", tracking=True,
                                    help="The categories of documents that must be attached.")
    mode = fields.Selection([
        (documents.BLOCK, "Blocks Posting"),
        (documents.APPROVAL, "Requires an Approval Rule"),
        (documents.WARN, "Warning Only"),
    ], string="When Missing", required=True, default=documents.BLOCK, tracking=True,
        help="Blocks Posting: the document cannot be posted until every required category is attached. "
             "Requires an Approval Rule: a missing document sends the document to the approval rule chosen "
             "below instead. Warning Only: a banner on the document, nothing is blocked.")
    keep_documents = fields.Boolean(
        string="Keep Once Posted", default=True, tracking=True,
        help="The required documents are kept for audit once the document is posted: they cannot be deleted or "
             "replaced, only superseded by a new version.")
    approval_rule_id = fields.Many2one(
        "clerk.approval.rule", string="Approval Rule", check_company=True, ondelete="restrict", tracking=True,
        domain="[('clerk_missing_documents_only', '=', True)]",
        help="The approval rule asked when a required document is missing (an approval rule marked "
             "'Only When Documents Are Missing').")

    # ------------------------------------------------------------ checks
    def _configuration_fields(self):
        return [*super()._configuration_fields(), "category_ids", "mode", "approval_rule_id"]

    def _configuration_problems(self):
        problems = super()._configuration_problems()
        _ = self.env._
        if not self.category_ids:
            problems.append(_("Required Documents is empty; choose at least one category."))
        if self.mode != documents.APPROVAL:
            return problems
        level = self.approval_rule_id
        if not level:
            problems.append(_("It requires an approval rule when a document is missing: choose the Approval "
                              "Rule (an approval rule marked 'Only When Documents Are Missing')."))
        elif not level.clerk_missing_documents_only:
            problems.append(_("Approval rule %(level)s must be marked 'Only When Documents Are Missing', "
                              "otherwise it would apply to every document.", level=level.name))
        else:
            uncovered = [move_type for move_type, name in TYPE_FIELDS.items() if self[name] and not level[name]]
            if uncovered:
                labels = dict(self.env["account.move"]._fields["move_type"]._description_selection(self.env))
                problems.append(_("Approval rule %(level)s does not apply to %(types)s; tick them on the "
                                  "approval rule too.", level=level.name,
                                  types=", ".join(labels[t] for t in uncovered)))
        return problems

    def _rule_extra_criteria(self):
        return {"mode": self.mode, "approval_rule_id": self.approval_rule_id.id,
                "category_ids": tuple(self.category_ids.ids), "keep": self.keep_documents}

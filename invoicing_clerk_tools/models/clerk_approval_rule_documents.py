from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClerkApprovalRule(models.Model):
    """Approval rules asked only for documents that miss required supporting documents."""

    _inherit = "clerk.approval.rule"

    clerk_missing_documents_only = fields.Boolean(
        string="Only When Documents Are Missing", tracking=True,
        help="The rule applies only to documents missing a category required by a document rule in "
             "'Requires an Approval Rule' mode that names this rule (on top of the criteria above).")
    clerk_document_rule_ids = fields.One2many("clerk.document.rule", "approval_rule_id",
                                              string="Document Rules", readonly=True)

    @api.constrains("clerk_missing_documents_only")
    def _check_document_rules(self):
        for rule in self:
            if not rule.clerk_missing_documents_only and rule.clerk_document_rule_ids.filtered(
                    lambda r: r.mode == "approval"):
                raise ValidationError(self.env._(
                    "Approval rule %(rule)s is the approval rule of document rules (%(names)s): keep 'Only When "
                    "Documents Are Missing', or choose another rule on those document rules first.",
                    rule=rule.name, names=", ".join(rule.clerk_document_rule_ids.mapped("name"))))

    @api.model
    def _rules_for_moves(self, moves):
        """Rules marked 'Only When Documents Are Missing' are kept only for moves missing such documents."""
        result = super()._rules_for_moves(moves)
        if not result:
            return result
        rules = self.browse({rid for found in result.values() for rid in found.ids}).sudo()
        rules.fetch(["clerk_missing_documents_only"])
        conditional = {rule.id for rule in rules if rule.clerk_missing_documents_only}
        if not conditional:
            return result
        concerned = self.env["account.move"].browse(
            [move_id for move_id, found in result.items() if conditional.intersection(found.ids)])
        statuses = concerned._clerk_document_status()
        filtered = {}
        for move_id, found in result.items():
            wanted = statuses.get(move_id, {}).get("approval_rule_ids", set())
            kept = found.filtered(lambda r, w=wanted: r.id not in conditional or r.id in w)
            if kept:
                filtered[move_id] = kept
        return filtered

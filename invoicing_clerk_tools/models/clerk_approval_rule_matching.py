from odoo import api, fields, models
from odoo.tools import ormcache

from ..tools import matching


class ClerkApprovalRule(models.Model):
    """Approval rules that apply only to bills with open discrepancies (exceptions routed to approvers)."""

    _inherit = "clerk.approval.rule"

    clerk_open_discrepancies = fields.Boolean(
        string="Only Bills With Open Discrepancies", tracking=True,
        help="The rule applies only to documents with an open discrepancy beyond tolerance (bill check). With "
             "the company's exception policy 'Require an approval', such a rule replaces the posting block: "
             "the variance is routed to its approvers.")

    @api.model
    @ormcache()
    def _discrepancy_rule_companies(self):
        """Ids of the companies having an active rule for bills with open discrepancies; cached."""
        rules = self.sudo().with_context(active_test=True).search_fetch(
            [("clerk_open_discrepancies", "=", True), "|", ("apply_in_invoice", "=", True),
             ("apply_in_refund", "=", True)], ["company_id"])
        return frozenset(rules.company_id.ids)

    @api.model
    def _rules_for_moves(self, moves):
        result = super()._rules_for_moves(moves)
        flagged = {rule.id for rules in result.values() for rule in rules if rule.clerk_open_discrepancies}
        if not flagged:
            return result
        groups = self.env["clerk.discrepancy"].sudo()._read_group(
            [("move_id", "in", list(result)), ("state", "=", matching.OPEN), ("within_tolerance", "=", False)],
            ["move_id"])
        with_exceptions = {move.id for (move,) in groups}
        filtered = {}
        for move_id, rules in result.items():
            kept = rules if move_id in with_exceptions else rules.filtered(lambda r: r.id not in flagged)
            if kept:
                filtered[move_id] = kept
        return filtered

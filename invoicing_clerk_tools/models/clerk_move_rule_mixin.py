from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import ormcache

# The kinds of documents a rule can apply to: move type -> the rule's check box.
TYPE_FIELDS = {
    "out_invoice": "apply_out_invoice",
    "out_refund": "apply_out_refund",
    "in_invoice": "apply_in_invoice",
    "in_refund": "apply_in_refund",
}


class ClerkMoveRuleMixin(models.AbstractModel):
    """What approval rules and document rules share: the documents they apply to, and a cached index of
    the active rules per company and document type, cleared whenever a rule changes."""

    _name = "clerk.move.rule.mixin"
    _description = "Invoicing Clerk Rule on Invoices and Bills"

    apply_out_invoice = fields.Boolean(string="Customer Invoices", default=False)
    apply_out_refund = fields.Boolean(string="Customer Credit Notes", default=False)
    apply_in_invoice = fields.Boolean(string="Vendor Bills", default=False)
    apply_in_refund = fields.Boolean(string="Vendor Refunds", default=False)

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

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

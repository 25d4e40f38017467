from odoo import api, fields, models

from .account_move import BlockingReason


class AccountMove(models.Model):
    """The customer's missing billing details, shown on its draft customer invoices."""

    _inherit = "account.move"

    clerk_billing_issues = fields.Char(string="Customer Billing Details Missing",
                                       compute="_compute_clerk_billing_issues")

    @api.depends("partner_id", "state", "move_type")
    def _compute_clerk_billing_issues(self):
        self.clerk_billing_issues = False
        customer_docs = self.filtered(lambda m: m.state == "draft" and m.is_sale_document(include_receipts=True)
                                      and m.partner_id)
        for company in customer_docs.company_id:
            moves = customer_docs.filtered(lambda m, c=company: m.company_id == c)
            partners = moves.commercial_partner_id.with_company(company)
            issues = {partner.id: partner.clerk_billing_issues for partner in partners}
            for move in moves:
                move.clerk_billing_issues = issues.get(move.commercial_partner_id.id)

    def _clerk_panel_warnings(self):
        warnings = super()._clerk_panel_warnings()
        _ = self.env._
        for move in self.filtered("clerk_billing_issues"):
            message = _("Customer's billing details incomplete: %s.", move.clerk_billing_issues)
            if move.company_id.clerk_billing_check == "block":
                message += " " + _("Sending the invoice is refused until they are complete.")
            warnings.setdefault(move.id, []).append(BlockingReason(
                message, _("the clerk: complete the customer"),
                (("method", "action_clerk_complete_customer", _("Complete Customer")),)))
        return warnings

    def action_clerk_complete_customer(self):
        """The customer's form, to fill in what its billing details lack."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complete Customer"),
            "res_model": "res.partner",
            "res_id": self.commercial_partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

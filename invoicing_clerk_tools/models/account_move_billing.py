from odoo import api, fields, models


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

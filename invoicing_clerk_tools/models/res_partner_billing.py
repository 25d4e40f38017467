from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..tools import billing


class ResPartner(models.Model):
    """Are the customer's billing details complete for the current company? (rule in ``tools/billing.py``)"""

    _inherit = "res.partner"

    clerk_billing_complete = fields.Boolean(
        string="Billing Details Complete", compute="_compute_clerk_billing", search="_search_clerk_billing_complete",
        help="Invoicing address, billing e-mail (when invoices go by e-mail), VAT number (business customers in "
        "the EU, for a company in the EU) and payment terms are all filled in.")
    clerk_billing_issues = fields.Char(string="Billing Details Missing", compute="_compute_clerk_billing")

    @api.model
    def _clerk_billing_labels(self):
        return {
            billing.ADDRESS: self.env._("invoicing address (street, city, country)"),
            billing.EMAIL: self.env._("billing e-mail (invoices are sent by e-mail)"),
            billing.VAT: self.env._("VAT number"),
            billing.PAYMENT_TERMS: self.env._("payment terms"),
        }

    @api.model
    def _clerk_company_in_eu(self, company):
        europe = self.env.ref("base.europe", raise_if_not_found=False)
        return bool(europe and company.country_id and company.country_id in europe.country_ids)

    @api.depends_context("company")
    @api.depends("street", "city", "country_id", "email", "vat", "is_company", "invoice_sending_method",
                 "property_payment_term_id", "child_ids.type", "child_ids.city", "child_ids.country_id",
                 "child_ids.street", "child_ids.email")
    def _compute_clerk_billing(self):
        company = self.env.company
        company_in_eu = self._clerk_company_in_eu(company)
        europe = self.env.ref("base.europe", raise_if_not_found=False)
        eu_countries = set(europe.country_ids.ids) if europe else set()
        labels = self._clerk_billing_labels()
        partners = self.commercial_partner_id.with_company(company)
        partners.fetch(["street", "city", "country_id", "email", "vat", "is_company", "invoice_sending_method",
                        "property_payment_term_id", "child_ids"])
        partners.child_ids.fetch(["type", "street", "city", "country_id", "email"])
        missing = {}
        for partner in partners:
            addresses = [partner] + [child for child in partner.child_ids if child.type == "invoice"]
            missing[partner.id] = billing.missing(
                [(a.street, a.city, a.country_id, a.email) for a in addresses],
                partner.invoice_sending_method != "manual",
                billing.vat_required(company_in_eu, partner.is_company, partner.country_id.id in eu_countries),
                bool(partner.vat), bool(partner.property_payment_term_id))
        for partner in self:
            items = missing.get(partner.commercial_partner_id.id, [])
            partner.clerk_billing_complete = not items
            partner.clerk_billing_issues = ", ".join(labels[item] for item in items) or False

    @api.model
    def _clerk_billing_complete_domain(self, company):
        """The rule as a domain on commercial partners, for ``company`` (searches follow the same rule)."""
        invoice_child = [("type", "=", "invoice")]
        address = Domain([("street", "!=", False), ("city", "!=", False), ("country_id", "!=", False)])
        domain = address | Domain("child_ids", "any", Domain(invoice_child) & address)
        domain &= (Domain("invoice_sending_method", "=", "manual") | Domain("email", "!=", False)
                   | Domain("child_ids", "any", [*invoice_child, ("email", "!=", False)]))
        if self._clerk_company_in_eu(company):
            europe = self.env.ref("base.europe")
            domain &= (Domain("is_company", "=", False) | Domain("country_id", "not in", europe.country_ids.ids)
                       | Domain("vat", "!=", False))
        domain &= Domain("property_payment_term_id", "!=", False)
        return domain

    def _search_clerk_billing_complete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        complete = self.with_company(self.env.company)._clerk_billing_complete_domain(self.env.company)
        partners = self.with_company(self.env.company)._search(complete)
        positive = (operator == "=") == value
        return Domain("commercial_partner_id", "in" if positive else "not in", partners)

    @api.model
    def _clerk_check_billing(self, partners, company, what):
        """Raise a UserError naming the customers whose details block ``what`` in ``company`` (setting 'block')."""
        if company.clerk_billing_check != "block" or not partners:
            return
        partners = partners.commercial_partner_id.with_company(company)
        incomplete = partners.filtered(lambda partner: not partner.clerk_billing_complete)
        if incomplete:
            lines = "\n".join(f"- {partner.display_name}: {partner.clerk_billing_issues}" for partner in incomplete)
            raise UserError(self.env._(
                "%(what)s refused: complete these customers' billing details first (customer form, or the workspace "
                "card Customers to Complete):\n%(lines)s", what=what, lines=lines))

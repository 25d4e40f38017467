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

    def write(self, vals):
        computed = {"clerk_billing_complete", "clerk_billing_issues"} & vals.keys()
        if computed:
            raise UserError(self.env._(
                "%(fields)s of %(partners)s cannot be written: Invoicing Clerk Tools computes them from the "
                "customer's billing details; complete the invoicing address, billing e-mail, VAT number or payment "
                "terms instead.",
                fields=", ".join(self._fields[name]._description_string(self.env) for name in sorted(computed)),
                partners=", ".join(self.mapped("display_name"))))
        return super().write(vals)

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

    @api.model
    def _clerk_billing_rule(self, company):
        """``{item: domain}`` on commercial partners, in the order of ``billing.ITEMS``: a customer's details
        are complete for ``company`` when it matches every domain. The one statement of the rule: the
        fields compute it in memory (``filtered_domain``), searches and work queues in SQL."""
        invoice_address = Domain("type", "=", "invoice")
        address = Domain([("street", "!=", False), ("city", "!=", False), ("country_id", "!=", False)])
        rule = {
            # the customer, or one of its invoice addresses, has a street, a city and a country
            billing.ADDRESS: address | Domain("child_ids", "any", invoice_address & address),
            # invoices sent by hand need no e-mail; else the customer or an invoice address has one
            billing.EMAIL: Domain("invoice_sending_method", "=", "manual") | Domain("email", "!=", False)
            | Domain("child_ids", "any", invoice_address & Domain("email", "!=", False)),
            billing.PAYMENT_TERMS: Domain("property_payment_term_id", "!=", False),
        }
        if self._clerk_company_in_eu(company):
            # a company in the EU invoicing a business customer in the EU needs its VAT number
            europe = self.env.ref("base.europe")
            rule[billing.VAT] = (Domain("is_company", "=", False) | Domain("vat", "!=", False)
                                 | Domain("country_id", "not in", europe.country_ids.ids))
        return {item: rule[item] for item in billing.ITEMS if item in rule}

    @api.model
    def _clerk_billing_complete_domain(self, company):
        """Commercial partners whose billing details are complete for ``company``."""
        return Domain.AND(self._clerk_billing_rule(company).values())

    @api.depends_context("company")
    @api.depends("street", "city", "country_id", "email", "vat", "is_company", "invoice_sending_method",
                 "property_payment_term_id", "child_ids.type", "child_ids.city", "child_ids.country_id",
                 "child_ids.street", "child_ids.email")
    def _compute_clerk_billing(self):
        company = self.env.company
        labels = self._clerk_billing_labels()
        partners = self.commercial_partner_id.with_company(company)
        partners.fetch(["street", "city", "country_id", "email", "vat", "is_company", "invoice_sending_method",
                        "property_payment_term_id", "child_ids"])
        partners.child_ids.fetch(["type", "street", "city", "country_id", "email"])
        meeting = {item: set(partners.filtered_domain(domain).ids)
                   for item, domain in self._clerk_billing_rule(company).items()}
        for partner in self:
            commercial = partner.commercial_partner_id
            items = [item for item, ids in meeting.items() if commercial.id not in ids]
            partner.clerk_billing_complete = not items
            partner.clerk_billing_issues = ", ".join(
                commercial._clerk_address_issue() if item == billing.ADDRESS else labels[item] for item in items
            ) or False

    def _clerk_address_issue(self):
        """What the invoicing address lacks, named exactly (e.g. "country of the invoicing address")."""
        self.ensure_one()
        candidates = [self, *self.child_ids.filtered(lambda child: child.type == "invoice")]
        missing = billing.missing_address_parts(
            {part for part, value in ((billing.STREET, c.street), (billing.CITY, c.city),
                                      (billing.COUNTRY, c.country_id)) if value} for c in candidates)
        if len(missing) == len(billing.ADDRESS_PARTS):
            return self._clerk_billing_labels()[billing.ADDRESS]
        parts = {billing.STREET: self.env._("street"), billing.CITY: self.env._("city"),
                 billing.COUNTRY: self.env._("country")}
        return self.env._("%s of the invoicing address", self.env._(" and ").join(parts[p] for p in missing))

    def _search_clerk_billing_complete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        complete = self._clerk_billing_complete_domain(self.env.company)
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

import uuid
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain

from ..tools import portal

OPEN_ITEM_FIELDS = ["move_id", "currency_id", "amount_currency", "amount_residual_currency", "date",
                    "date_maturity"]


class ClerkPortalAccess(models.Model):
    """The customer's statement link of one company: its token, like an invoice's, and until when it works.

    One per customer (commercial partner) and company. A portal user of the customer reads it through the
    record rules; anybody else needs its token, which works until ``expiry_date`` (pushed forward by every
    e-mail that carries the link). *Revoke Links* on the customer gives it a new token: the old links die.
    """

    _name = "clerk.portal.access"
    _description = "Customer Statement Link"
    _inherit = ["portal.mixin"]
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    expiry_date = fields.Date(string="Link Valid Until", readonly=True)

    _partner_company_unique = models.Constraint(
        "UNIQUE (partner_id, company_id)", "A customer has one statement link per company.")

    def _compute_access_url(self):
        for access in self:
            access.access_url = f"/my/clerk/statement/{access.id}"

    @api.model
    def _for(self, partner, company):
        """The statement link record of ``partner``'s commercial partner in ``company`` (created when missing)."""
        partner = partner.commercial_partner_id
        Access = self.sudo()
        access = Access.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1)
        return access or Access.create({"partner_id": partner.id, "company_id": company.id})

    def _issue_url(self):
        """The full link with its token, valid for the company's number of days from today."""
        self.ensure_one()
        access = self.sudo()
        expiry = fields.Date.add(fields.Date.context_today(self), days=access.company_id.clerk_portal_link_days)
        if not access.access_token or not access.expiry_date or access.expiry_date < expiry:
            access.write({"expiry_date": expiry, "access_token": access.access_token or str(uuid.uuid4())})
        return access.get_base_url() + access.get_portal_url()

    def _revoke(self):
        self.sudo().write({"access_token": str(uuid.uuid4()), "expiry_date": False})

    def _token_expired(self, today):
        self.ensure_one()
        return not self.expiry_date or self.expiry_date < today

    # ------------------------------------------------------------------ statement
    def _open_items_domain(self):
        self.ensure_one()
        return Domain([
            ("company_id", "=", self.company_id.id),
            ("partner_id", "=", self.partner_id.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual_currency", "!=", 0.0),
        ])

    def _statement_values(self, today):
        """What the statement page shows: per currency the balance, what is overdue and the open items.

        Call on the record sudo-ed after the access check: reads only this customer's items of this company.
        A fixed number of queries whatever the number of items (the items, their documents, the currencies).
        """
        self.ensure_one()
        lines = self.env["account.move.line"].search_fetch(self._open_items_domain(), OPEN_ITEM_FIELDS,
                                                           order="date_maturity, date, id")
        lines.move_id.fetch(["name", "move_type", "invoice_date", "amount_total", "payment_state", "clerk_dispute",
                             "clerk_promise_date", "clerk_promise_amount", "ref"])
        per_currency = defaultdict(lambda: {"items": [], "balance": 0.0, "overdue": 0.0})
        for line in lines:
            move = line.move_id
            overdue = portal.days_overdue(line.date_maturity, today)
            group = per_currency[line.currency_id]
            group["balance"] += line.amount_residual_currency
            if overdue:
                group["overdue"] += line.amount_residual_currency
            group["items"].append({
                "move": move, "name": move.name, "ref": move.ref or "", "date": move.invoice_date or line.date,
                "due": line.date_maturity, "amount": line.amount_currency,
                "open": line.amount_residual_currency, "overdue": overdue,
                "is_invoice": move.move_type == "out_invoice",
                "status": portal.item_status(move.clerk_dispute, move.clerk_promise_date, today),
                "promise_date": move.clerk_promise_date,
            })
        currencies = sorted(per_currency, key=lambda currency: (currency != self.company_id.currency_id,
                                                                 currency.name))
        return [dict(per_currency[currency], currency=currency) for currency in currencies]

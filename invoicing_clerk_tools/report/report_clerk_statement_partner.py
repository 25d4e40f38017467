from odoo import api, fields, models
from odoo.exceptions import UserError


class ReportClerkStatementPartner(models.AbstractModel):
    """The PDF of statements printed from customers, for a period and company given in ``data``."""

    _name = "report.invoicing_clerk_tools.report_clerk_statement_partner"
    _description = "Statement of Account of Customers (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        if not data.get("date_from") or not data.get("date_to"):
            raise UserError(self.env._("Print statements from the Statement of Account wizard: it asks for the "
                                       "period."))
        company = self.env["res.company"].browse(data.get("company_id") or self.env.company.id)
        date_from, date_to = fields.Date.to_date(data["date_from"]), fields.Date.to_date(data["date_to"])
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        figures = self.env["clerk.statement.report"].with_company(company)._statements(
            company, partners, date_from, date_to)
        docs = [{
            "record": partner, "partner": partner, "company": company, "date_from": date_from, "date_to": date_to,
            "statements": figures.get(partner.id, []),
        } for partner in partners]
        return self.env["clerk.statement.report"]._report_values(docs, partners)

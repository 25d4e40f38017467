from odoo import api, fields, models
from odoo.exceptions import UserError


class ReportClerkStatementPartner(models.AbstractModel):
    """The PDF of statements printed from customers, for a period and company given in ``data``.

    The web client calls a report that has ``data`` as ``/report/pdf/<name>?options=<data>&context=<context>``:
    without the document ids. The customers are therefore read from ``data['partner_ids']`` (put there by the
    wizard), else from the ids in the URL, else from the action's ``active_ids``.
    """

    _name = "report.invoicing_clerk_tools.report_clerk_statement_partner"
    _description = "Statement of Account of Customers (PDF)"

    @api.model
    def _partner_ids(self, docids, data):
        if data.get("partner_ids"):
            return [int(partner_id) for partner_id in data["partner_ids"]]
        if docids:
            return docids
        context = data.get("context") or {}
        return context.get("active_ids") or self.env.context.get("active_ids") or []

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        if not data.get("date_from") or not data.get("date_to"):
            raise UserError(self.env._("Print statements from the Statement of Account wizard: it asks for the "
                                       "period."))
        partners = self.env["res.partner"].browse(self._partner_ids(docids, data)).commercial_partner_id
        if not partners:
            raise UserError(self.env._("Choose the customers whose statement to print."))
        company = self.env["res.company"].browse(data.get("company_id") or self.env.company.id)
        date_from, date_to = fields.Date.to_date(data["date_from"]), fields.Date.to_date(data["date_to"])
        figures = self.env["clerk.statement.report"].with_company(company)._statements(
            company, partners, date_from, date_to)
        today = fields.Date.context_today(self)
        docs = [{
            "record": partner, "partner": partner, "company": company, "date_from": date_from, "date_to": date_to,
            "statement_date": today, "statements": figures.get(partner.id, []),
        } for partner in partners]
        return self.env["clerk.statement.report"]._report_values(docs, partners)

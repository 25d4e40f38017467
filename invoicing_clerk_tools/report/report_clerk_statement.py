from odoo import api, fields, models


class ReportClerkStatement(models.AbstractModel):
    """The PDF of statement logs: one statement per log (its customer, company and period)."""

    _name = "report.invoicing_clerk_tools.report_clerk_statement"
    _description = "Statement of Account (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        logs = self.env["clerk.statement.log"].browse(docids)
        figures = logs._statements()
        today = fields.Date.context_today(self)
        docs = [{
            "record": log, "partner": log.partner_id, "company": log.company_id, "date_from": log.date_from,
            "date_to": log.date_to, "statement_date": today, "statements": figures[log.id],
        } for log in logs]
        return self.env["clerk.statement.report"]._report_values(docs, logs)

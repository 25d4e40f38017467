from odoo import fields, http
from odoo.http import request

from .common import clerk_companies, parse_ids, parse_period, xlsx_response


class ClerkDiscrepancyExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/discrepancies.xlsx", type="http", auth="user", methods=["GET"],
                readonly=True)
    def discrepancies_xlsx(self, date_from=None, date_to=None, company_ids=None, partner_ids=None, **kwargs):
        """The discrepancies of the companies asked for that the user may access, per vendor and period."""
        wanted = clerk_companies(company_ids, request.env._("the discrepancies"))
        start, end = parse_period(date_from, date_to)
        partners = parse_ids(partner_ids, "partner_ids")
        report = request.env["clerk.discrepancy.report"].with_context(allowed_company_ids=wanted)
        return xlsx_response(lambda spool: report.export_xlsx(spool, start, end, partners),
                             f"discrepancies_{fields.Date.today()}.xlsx")

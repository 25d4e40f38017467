from odoo import fields, http
from odoo.http import request

from .common import clerk_companies, parse_period, xlsx_response


class ClerkApprovalExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/approval_history.xlsx", type="http", auth="user", methods=["GET"],
                readonly=True)
    def approval_history_xlsx(self, date_from=None, date_to=None, company_ids=None, **kwargs):
        """The approval history of the companies asked for that the user may access."""
        wanted = clerk_companies(company_ids, request.env._("the approval history"))
        start, end = parse_period(date_from, date_to)
        report = request.env["clerk.approval.history.report"].with_context(allowed_company_ids=wanted)
        return xlsx_response(lambda spool: report.export_xlsx(spool, start, end),
                             f"approval_history_{fields.Date.today()}.xlsx")

from odoo import fields, http
from odoo.http import request

from .common import clerk_companies, parse_date, xlsx_response


class ClerkExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/aging.xlsx", type="http", auth="user", methods=["GET"], readonly=True)
    def aging_xlsx(self, as_of=None, company_ids=None, **kwargs):
        """The aged open invoices of the companies asked for that the user may access."""
        wanted = clerk_companies(company_ids, request.env._("the aged open invoices"))
        as_of_date = parse_date(as_of, "as_of", fields.Date.context_today(request.env.user))
        report = request.env["clerk.aging.report"].with_context(allowed_company_ids=wanted)
        return xlsx_response(lambda spool: report.export_xlsx(spool, as_of_date),
                             f"aged_open_invoices_{as_of_date.isoformat()}.xlsx")

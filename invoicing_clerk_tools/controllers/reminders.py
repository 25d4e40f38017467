from odoo import fields, http
from odoo.http import request

from .common import clerk_companies, parse_date, parse_period, xlsx_response


class ClerkReminderExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/reminder_log.xlsx", type="http", auth="user", methods=["GET"], readonly=True)
    def reminder_log_xlsx(self, date_from=None, date_to=None, company_ids=None, **kwargs):
        wanted = clerk_companies(company_ids, request.env._("payment reminder data"))
        start, end = parse_period(date_from, date_to)
        report = request.env["clerk.reminder.report"].with_context(allowed_company_ids=wanted)
        return xlsx_response(lambda spool: report.export_log_xlsx(spool, start, end), "reminder_log.xlsx")

    @http.route("/invoicing_clerk_tools/overdue_worklist.xlsx", type="http", auth="user", methods=["GET"],
                readonly=True)
    def overdue_worklist_xlsx(self, as_of=None, company_ids=None, **kwargs):
        wanted = clerk_companies(company_ids, request.env._("payment reminder data"))
        as_of_date = parse_date(as_of, "as_of", fields.Date.context_today(request.env.user))
        report = request.env["clerk.reminder.report"].with_context(allowed_company_ids=wanted)
        return xlsx_response(lambda spool: report.export_worklist_xlsx(spool, as_of_date),
                             f"overdue_worklist_{as_of_date.isoformat()}.xlsx")

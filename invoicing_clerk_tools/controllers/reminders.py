import tempfile

from werkzeug.exceptions import BadRequest, Forbidden
from werkzeug.wsgi import wrap_file

from odoo import fields, http
from odoo.http import content_disposition, request

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ClerkReminderExportController(http.Controller):
    def _companies(self, company_ids):
        env = request.env
        if not env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise Forbidden(env._("Only invoicing clerks may export payment follow-up data."))
        try:
            wanted = [int(cid) for cid in company_ids.split(",")] if company_ids else [env.company.id]
        except ValueError as error:
            raise BadRequest(env._("company_ids must be a comma-separated list of company ids.")) from error
        if not wanted or any(cid not in env.user.company_ids.ids for cid in wanted):
            raise Forbidden(env._("You may not export data of a company you have no access to."))
        return wanted

    def _date(self, value, default=None):
        try:
            return fields.Date.to_date(value) if value else default
        except ValueError as error:
            raise BadRequest(request.env._("Dates must be written YYYY-MM-DD.")) from error

    def _send(self, write, filename):
        spool = tempfile.TemporaryFile()
        write(spool)
        size = spool.tell()
        spool.seek(0)
        return request.make_response(wrap_file(request.httprequest.environ, spool), headers=[
            ("Content-Type", XLSX_TYPE),
            ("Content-Disposition", content_disposition(filename)),
            ("Content-Length", str(size)),
        ])

    @http.route("/invoicing_clerk_tools/reminder_log.xlsx", type="http", auth="user", methods=["GET"], readonly=True)
    def reminder_log_xlsx(self, date_from=None, date_to=None, company_ids=None, **kwargs):
        wanted = self._companies(company_ids)
        start, end = self._date(date_from), self._date(date_to)
        report = request.env["clerk.reminder.report"].with_context(allowed_company_ids=wanted)
        return self._send(lambda spool: report.export_log_xlsx(spool, start, end), "reminder_log.xlsx")

    @http.route("/invoicing_clerk_tools/overdue_worklist.xlsx", type="http", auth="user", methods=["GET"],
                readonly=True)
    def overdue_worklist_xlsx(self, as_of=None, company_ids=None, **kwargs):
        wanted = self._companies(company_ids)
        as_of_date = self._date(as_of, fields.Date.context_today(request.env.user))
        report = request.env["clerk.reminder.report"].with_context(allowed_company_ids=wanted)
        return self._send(lambda spool: report.export_worklist_xlsx(spool, as_of_date),
                          f"overdue_worklist_{as_of_date.isoformat()}.xlsx")

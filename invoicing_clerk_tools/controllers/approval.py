import tempfile

from werkzeug.exceptions import BadRequest, Forbidden
from werkzeug.wsgi import wrap_file

from odoo import fields, http
from odoo.http import content_disposition, request


class ClerkApprovalExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/approval_history.xlsx", type="http", auth="user", methods=["GET"],
                readonly=True)
    def approval_history_xlsx(self, date_from=None, date_to=None, company_ids=None, **kwargs):
        """The approval history of the companies asked for that the user may access."""
        env = request.env
        if not env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise Forbidden(env._("Only invoicing clerks may export the approval history."))
        try:
            start = fields.Date.to_date(date_from) if date_from else None
            end = fields.Date.to_date(date_to) if date_to else None
            wanted = [int(cid) for cid in company_ids.split(",")] if company_ids else [env.company.id]
        except ValueError as error:
            raise BadRequest(env._("date_from and date_to must be dates (YYYY-MM-DD) and company_ids a "
                                   "comma-separated list of company ids.")) from error
        if start and end and start > end:
            raise BadRequest(env._("date_from is after date_to."))
        allowed = env.user.company_ids.ids
        if not wanted or any(cid not in allowed for cid in wanted):
            raise Forbidden(env._("You may not export the history of a company you have no access to."))
        report = env["clerk.approval.history.report"].with_context(allowed_company_ids=wanted)
        spool = tempfile.TemporaryFile()
        report.export_xlsx(spool, start, end)
        size = spool.tell()
        spool.seek(0)
        return request.make_response(
            wrap_file(request.httprequest.environ, spool),
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(f"approval_history_{fields.Date.today()}.xlsx")),
                ("Content-Length", str(size)),
            ],
        )

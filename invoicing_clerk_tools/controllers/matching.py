import tempfile

from werkzeug.exceptions import BadRequest, Forbidden
from werkzeug.wsgi import wrap_file

from odoo import fields, http
from odoo.http import content_disposition, request


class ClerkDiscrepancyExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/discrepancies.xlsx", type="http", auth="user", methods=["GET"],
                readonly=True)
    def discrepancies_xlsx(self, date_from=None, date_to=None, company_ids=None, partner_ids=None, **kwargs):
        """The discrepancies of the companies asked for that the user may access, per vendor and period."""
        env = request.env
        if not env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise Forbidden(env._("Only invoicing clerks may export the discrepancies."))
        try:
            start = fields.Date.to_date(date_from) if date_from else None
            end = fields.Date.to_date(date_to) if date_to else None
            wanted = [int(cid) for cid in company_ids.split(",")] if company_ids else [env.company.id]
            partners = [int(pid) for pid in partner_ids.split(",")] if partner_ids else []
        except ValueError as error:
            raise BadRequest(env._("date_from and date_to must be dates (YYYY-MM-DD), company_ids and partner_ids "
                                   "comma-separated lists of ids.")) from error
        if start and end and start > end:
            raise BadRequest(env._("date_from is after date_to."))
        allowed = env.user.company_ids.ids
        if not wanted or any(cid not in allowed for cid in wanted):
            raise Forbidden(env._("You may not export the discrepancies of a company you have no access to."))
        report = env["clerk.discrepancy.report"].with_context(allowed_company_ids=wanted)
        spool = tempfile.TemporaryFile()
        report.export_xlsx(spool, start, end, partners)
        size = spool.tell()
        spool.seek(0)
        return request.make_response(
            wrap_file(request.httprequest.environ, spool),
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(f"discrepancies_{fields.Date.today()}.xlsx")),
                ("Content-Length", str(size)),
            ],
        )

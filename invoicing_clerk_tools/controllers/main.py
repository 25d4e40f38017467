import tempfile

from werkzeug.exceptions import BadRequest, Forbidden
from werkzeug.wsgi import wrap_file

from odoo import fields, http
from odoo.http import content_disposition, request


class ClerkExportController(http.Controller):
    @http.route("/invoicing_clerk_tools/aging.xlsx", type="http", auth="user", methods=["GET"], readonly=True)
    def aging_xlsx(self, as_of=None, company_ids=None, **kwargs):
        """The aged open invoices of the companies asked for that the user may access."""
        env = request.env
        if not env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise Forbidden(env._("Only invoicing clerks may export the aged open invoices."))
        try:
            as_of_date = fields.Date.to_date(as_of) if as_of else fields.Date.context_today(env.user)
            wanted = [int(cid) for cid in company_ids.split(",")] if company_ids else [env.company.id]
        except ValueError as error:
            raise BadRequest(env._("as_of must be a date (YYYY-MM-DD) and company_ids a comma-separated list "
                                   "of company ids.")) from error
        allowed = env.user.company_ids.ids
        if not wanted or any(cid not in allowed for cid in wanted):
            raise Forbidden(env._("You may not export invoices of a company you have no access to."))
        report = env["clerk.aging.report"].with_context(allowed_company_ids=wanted)
        spool = tempfile.TemporaryFile()
        report.export_xlsx(spool, as_of_date)
        size = spool.tell()
        spool.seek(0)
        filename = f"aged_open_invoices_{as_of_date.isoformat()}.xlsx"
        return request.make_response(
            wrap_file(request.httprequest.environ, spool),
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(filename)),
                ("Content-Length", str(size)),
            ],
        )

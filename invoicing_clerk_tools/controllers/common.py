"""What every XLSX download route of the addon checks and how it answers."""

import tempfile

from werkzeug.exceptions import BadRequest, Forbidden
from werkzeug.wsgi import wrap_file

from odoo import fields
from odoo.http import content_disposition, request

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clerk_companies(company_ids, what):
    """The ids in ``company_ids`` (comma-separated; default the current company) once the user is known to
    be a clerk with access to each of them: else Forbidden naming ``what`` could not be exported."""
    env = request.env
    if not env.user.has_group("invoicing_clerk_tools.group_clerk"):
        raise Forbidden(env._("Only invoicing clerks may export %s.", what))
    wanted = parse_ids(company_ids, "company_ids") or [env.company.id]
    if any(cid not in env.user.company_ids.ids for cid in wanted):
        raise Forbidden(env._("You may not export %s of a company you have no access to.", what))
    return wanted


def parse_ids(value, name):
    try:
        return [int(part) for part in value.split(",")] if value else []
    except ValueError as error:
        raise BadRequest(request.env._("%s must be a comma-separated list of ids.", name)) from error


def parse_date(value, name, default=None):
    try:
        return fields.Date.to_date(value) if value else default
    except ValueError as error:
        raise BadRequest(request.env._("%s must be a date written YYYY-MM-DD.", name)) from error


def parse_period(date_from, date_to):
    start, end = parse_date(date_from, "date_from"), parse_date(date_to, "date_to")
    if start and end and start > end:
        raise BadRequest(request.env._("date_from is after date_to: swap them."))
    return start, end


def xlsx_response(write, filename):
    """Let ``write`` fill a file on disk, then stream it: the workbook is never held in memory."""
    spool = tempfile.TemporaryFile()
    write(spool)
    size = spool.tell()
    spool.seek(0)
    return request.make_response(wrap_file(request.httprequest.environ, spool), headers=[
        ("Content-Type", XLSX_TYPE),
        ("Content-Disposition", content_disposition(filename)),
        ("Content-Length", str(size)),
    ])

"""The customer portal of the addon: the statement of account, disputes and promises to pay.

Extends Odoo's own portal: the statement link is secured like an invoice link (``portal.mixin`` token, checked
by ``_document_check_access``), the invoice page is Odoo's ``account.portal_invoice_page`` with two more forms.
Records are read with sudo only after the access check, and only the customer's own items of one company.
"""

from dateutil.relativedelta import relativedelta
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import fields, http
from odoo.addons.account.controllers.portal import PortalAccount
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools.misc import format_date, formatLang

from ..models.clerk_dispute import SubmissionLimit
from ..tools import portal
from .common import parse_period, xlsx_response

MAX_PERIOD_DAYS = 366
OPEN_STATES = ("not_paid", "partial")


class ClerkCustomerPortal(PortalAccount):
    # ------------------------------------------------------------------ access
    def _clerk_statement_access(self, access_id, access_token):
        """The statement link record (sudo) once the visitor is its portal user or holds its valid token."""
        try:
            access_sudo = self._document_check_access("clerk.portal.access", access_id, access_token)
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        if not access_sudo.company_id.clerk_portal_enabled:
            raise NotFound()
        if self._clerk_by_token(access_sudo) and access_sudo._token_expired(fields.Date.context_today(access_sudo)):
            raise Forbidden(request.env._("This link has expired: ask us for a new one, or sign in."))
        return access_sudo

    def _clerk_by_token(self, access_sudo):
        return not request.env["clerk.portal.access"].browse(access_sudo.id).has_access("read")

    def _clerk_invoice_access(self, invoice_id, access_token):
        """The invoice (sudo) once the visitor may see it, when its company uses the portal answers."""
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        if invoice_sudo.move_type != "out_invoice" or not invoice_sudo.company_id.clerk_portal_enabled:
            raise NotFound()
        return invoice_sudo

    def _clerk_author(self, move_sudo):
        user = request.env.user
        return move_sudo.partner_id if user._is_public() else user.partner_id

    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "clerk_statement_count" in counters:
            values["clerk_statement_count"] = len(self._clerk_user_companies())
        return values

    def _clerk_user_companies(self):
        """Companies using the portal answers where the signed-in customer has posted receivable items."""
        partner = request.env.user.partner_id.commercial_partner_id
        if request.env.user._is_public():
            return request.env["res.company"]
        groups = request.env["account.move.line"].sudo()._read_group(
            [("partner_id", "=", partner.id), ("parent_state", "=", "posted"),
             ("account_id.account_type", "=", "asset_receivable"), ("company_id.clerk_portal_enabled", "=", True)],
            ["company_id"])
        return request.env["res.company"].sudo().browse([company.id for (company,) in groups])

    @http.route("/my/clerk/statement", type="http", auth="user", website=True)
    def clerk_my_statement(self, company_id=None, **kw):
        """The signed-in customer's statement: of the company asked for, else of the first one."""
        companies = self._clerk_user_companies()
        if company_id:
            try:
                companies = companies.filtered(lambda company: company.id == int(company_id))
            except ValueError as error:
                raise BadRequest() from error
        if not companies:
            raise NotFound()
        access = request.env["clerk.portal.access"]._for(request.env.user.partner_id, companies[0])
        return request.redirect(access.access_url)

    # ------------------------------------------------------------------ statement
    @http.route("/my/clerk/statement/<int:access_id>", type="http", auth="public", website=True)
    def clerk_statement(self, access_id, access_token=None, **kw):
        access_sudo = self._clerk_statement_access(access_id, access_token)
        return request.render("invoicing_clerk_tools.portal_clerk_statement",
                              self._clerk_statement_values(access_sudo, access_token, **kw))

    def _clerk_statement_values(self, access_sudo, access_token, error=None, **kw):
        today = fields.Date.context_today(access_sudo)
        by_token = self._clerk_by_token(access_sudo)
        query = f"?access_token={access_token}" if by_token else ""
        company = access_sudo.company_id
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "clerk_statement",
            "access": access_sudo, "company": company, "customer": access_sudo.partner_id,
            "groups": access_sudo.with_company(company)._statement_values(today),
            "today": today, "by_token": by_token, "token_query": query,
            "access_token": access_token if by_token else None,
            "invoice_url": (lambda move: f"{access_sudo.access_url}/invoice/{move.id}{query}") if by_token
            else (lambda move: f"/my/invoices/{move.id}"),
            "promise_max_date": fields.Date.add(today, days=company.clerk_promise_max_days),
            "clerk_error": error, "clerk_done": kw.get("clerk_done"),
            # formatted in Python: the QWeb widgets cost about 0.2 ms a cell, too much for thousands of rows
            "money": lambda amount, currency: formatLang(request.env, amount, currency_obj=currency),
            "day": lambda day: format_date(request.env, day) if day else "",
            "other_companies": self._clerk_user_companies() - company if not by_token else company.browse(),
        })
        return values

    @http.route("/my/clerk/statement/<int:access_id>/invoice/<int:move_id>", type="http", auth="public",
                website=True)
    def clerk_statement_invoice(self, access_id, move_id, access_token=None, **kw):
        """From a statement link to Odoo's own page of one of its invoices (with the invoice's own token)."""
        access_sudo = self._clerk_statement_access(access_id, access_token)
        move_sudo = request.env["account.move"].sudo().browse(move_id).exists()
        if (not move_sudo or move_sudo.company_id != access_sudo.company_id or move_sudo.state != "posted"
                or move_sudo.commercial_partner_id != access_sudo.partner_id
                or move_sudo.move_type not in ("out_invoice", "out_refund")):
            raise NotFound()
        return request.redirect(move_sudo.get_portal_url())

    def _clerk_period(self, date_from, date_to):
        today = fields.Date.context_today(request.env.user)
        start, end = parse_period(date_from, date_to)
        end = end or today
        start = start or (end.replace(day=1) - relativedelta(months=2))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise BadRequest(request.env._("A statement covers at most a year: choose a shorter period."))
        return start, end

    @http.route("/my/clerk/statement/<int:access_id>/pdf", type="http", auth="public", readonly=True)
    def clerk_statement_pdf(self, access_id, access_token=None, date_from=None, date_to=None, **kw):
        access_sudo = self._clerk_statement_access(access_id, access_token)
        start, end = self._clerk_period(date_from, date_to)
        company = access_sudo.company_id
        report = request.env["ir.actions.report"].sudo().with_company(company).with_context(
            allowed_company_ids=company.ids)
        pdf, _type = report._render_qweb_pdf(
            "invoicing_clerk_tools.report_clerk_statement_partner", access_sudo.partner_id.ids,
            data={"partner_ids": access_sudo.partner_id.ids, "company_id": company.id,
                  "date_from": str(start), "date_to": str(end)})
        return request.make_response(pdf, headers=[
            ("Content-Type", "application/pdf"), ("Content-Length", str(len(pdf))),
            ("Content-Disposition", http.content_disposition(f"statement_{end.isoformat()}.pdf"))])

    @http.route("/my/clerk/statement/<int:access_id>/xlsx", type="http", auth="public", readonly=True)
    def clerk_statement_xlsx(self, access_id, access_token=None, date_from=None, date_to=None, **kw):
        access_sudo = self._clerk_statement_access(access_id, access_token)
        start, end = self._clerk_period(date_from, date_to)
        company = access_sudo.company_id
        report = request.env["clerk.statement.report"].sudo().with_company(company).with_context(
            allowed_company_ids=company.ids)
        return xlsx_response(lambda spool: report.export_xlsx(spool, company, access_sudo.partner_id, start, end),
                             f"statement_{end.isoformat()}.xlsx")

    @http.route("/my/clerk/statement/<int:access_id>/promise", type="http", auth="public", website=True,
                methods=["POST"])
    def clerk_statement_promise(self, access_id, access_token=None, **post):
        """A promise to pay one or several open invoices of the statement."""
        access_sudo = self._clerk_statement_access(access_id, access_token)
        try:
            move_ids = [int(value) for value in request.httprequest.form.getlist("move_ids")]
        except ValueError as error:
            raise BadRequest() from error
        moves = request.env["account.move"].sudo().search([
            ("id", "in", move_ids), ("company_id", "=", access_sudo.company_id.id),
            ("commercial_partner_id", "=", access_sudo.partner_id.id), ("move_type", "=", "out_invoice"),
            ("state", "=", "posted")])
        if len(moves) != len(set(move_ids)):
            raise NotFound()
        error = self._clerk_promise(moves, post)
        if error:
            values = self._clerk_statement_values(access_sudo, access_token, error=error)
            return request.render("invoicing_clerk_tools.portal_clerk_statement", values, status=error.status)
        return request.redirect(f"{access_sudo.access_url}?clerk_done=promise"
                                + (f"&access_token={access_token}" if self._clerk_by_token(access_sudo) else ""),
                                code=303)

    # ------------------------------------------------------------------ invoice page
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        company = invoice.company_id
        if invoice.move_type == "out_invoice" and invoice.state == "posted" and company.clerk_portal_enabled:
            today = fields.Date.context_today(invoice)
            values["clerk_portal"] = {
                "open": invoice.payment_state in OPEN_STATES,
                "reasons": request.env["clerk.dispute.reason"].sudo().search(
                    [("company_id", "in", [company.id, False])]),
                "dispute": request.env["clerk.dispute"].sudo().search([("move_id", "=", invoice.id)], limit=1),
                "promise_max_date": fields.Date.add(today, days=company.clerk_promise_max_days),
                "today": today,
                "error": kwargs.get("clerk_error"), "done": kwargs.get("clerk_done"),
                "statement_url": request.env["clerk.portal.access"]._for(invoice.partner_id, company).access_url
                if not access_token or request.env["account.move"].browse(invoice.id).has_access("read") else None,
            }
        return values

    def _clerk_invoice_reply(self, invoice_sudo, access_token, error, done):
        if error:
            values = self._invoice_get_page_view_values(invoice_sudo, access_token, clerk_error=error)
            return request.render("account.portal_invoice_page", values, status=error.status)
        return request.redirect(invoice_sudo.get_portal_url(query_string=f"&clerk_done={done}",
                                                            anchor="clerk_portal")
                                if access_token else f"/my/invoices/{invoice_sudo.id}?clerk_done={done}#clerk_portal",
                                code=303)

    @http.route("/my/invoices/<int:invoice_id>/clerk_dispute", type="http", auth="public", website=True,
                methods=["POST"])
    def clerk_invoice_dispute(self, invoice_id, access_token=None, reason_id=None, message=None, **post):
        invoice_sudo = self._clerk_invoice_access(invoice_id, access_token)
        try:
            reason = request.env["clerk.dispute.reason"].sudo().browse(int(reason_id or 0))
        except ValueError as error:
            raise BadRequest() from error
        files = [(upload.filename, upload.read()) for upload in request.httprequest.files.getlist("files")
                 if upload.filename]
        error = self._clerk_submit(lambda: request.env["clerk.dispute"].sudo()._portal_raise(
            invoice_sudo, reason, message, files, self._clerk_author(invoice_sudo)))
        return self._clerk_invoice_reply(invoice_sudo, access_token, error, "dispute")

    @http.route("/my/invoices/<int:invoice_id>/clerk_promise", type="http", auth="public", website=True,
                methods=["POST"])
    def clerk_invoice_promise(self, invoice_id, access_token=None, **post):
        invoice_sudo = self._clerk_invoice_access(invoice_id, access_token)
        error = self._clerk_promise(invoice_sudo, post)
        return self._clerk_invoice_reply(invoice_sudo, access_token, error, "promise")

    # ------------------------------------------------------------------ submissions
    def _clerk_promise(self, moves_sudo, post):
        try:
            promise_date = fields.Date.to_date(post.get("promise_date") or None)
            amount = portal.parse_amount(post.get("amount"))
        except ValueError:
            return SubmitError(request.env._("Pay By and Amount: enter a date and a plain amount such as 250.00."))
        return self._clerk_submit(lambda: request.env["clerk.payment.promise"].sudo()._portal_promise(
            moves_sudo, promise_date, amount, post.get("note"), self._clerk_author(moves_sudo[:1])))

    def _clerk_submit(self, record):
        """Run ``record`` in a savepoint: a refusal stores nothing and comes back as the message to show."""
        try:
            with request.env.cr.savepoint():
                record()
        except ValidationError as error:
            return SubmitError(error.args[0], 400)
        except SubmissionLimit as error:
            return SubmitError(error.args[0], 429)
        except UserError as error:
            return SubmitError(error.args[0], 409)
        return None


class SubmitError(str):
    """The message shown to the customer, with the HTTP status of the page that shows it."""

    def __new__(cls, message, status=400):
        error = super().__new__(cls, message)
        error.status = status
        return error

import logging
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from ..tools import statement
from .clerk_batch import batch_size, claim
from .clerk_communication_mixin import LAYOUT, OPEN_FIELDS

_logger = logging.getLogger(__name__)

REPORT = "invoicing_clerk_tools.action_report_clerk_statement"
TEMPLATE = "invoicing_clerk_tools.mail_template_clerk_statement"
BATCH_SIZE_PARAM = "invoicing_clerk_tools.statement_batch_size"
# One statement per step: its PDF takes wkhtmltopdf about a second, so each rendered document is committed
# on its own and a stopped run loses at most one (a larger batch can be set with the parameter above).
DEFAULT_BATCH_SIZE = 1


class ClerkStatementLog(models.Model):
    """One statement of account for one customer, company and period: its PDF, its mail and what became of it.

    (company, customer, period) is unique: the monthly run creates the period's
    logs once, then sends the pending ones batch by batch; a run that stops
    resumes with what is still pending. Sending, the mail's result and retries
    (a day later, a few attempts in all) are the communication mixin's, as for
    payment reminders.
    """

    _name = "clerk.statement.log"
    _description = "Statement of Account Sent"
    _inherit = ["clerk.communication.mixin", "clerk.history.mixin"]
    # what the statement run moves on; the customer, company and period stay as recorded
    _history_open_fields = OPEN_FIELDS | {"include_empty", "user_id", "attachment_id", "summary"}
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade", check_company=True)
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    state = fields.Selection([
        ("pending", "To Send"),
        ("queued", "In Mail Queue"),
        ("sent", "Sent"),
        ("failed", "Failed"),
        ("skipped", "Nothing to Send"),
    ], required=True, default="pending", readonly=True, index=True)
    origin = fields.Selection([("cron", "Monthly Run"), ("manual", "Sent by a Clerk")], required=True,
                              default="manual", readonly=True)
    include_empty = fields.Boolean(string="Send Even If Empty", readonly=True,
                                   help="Sent even when the customer had no movement and nothing open.")
    user_id = fields.Many2one("res.users", string="Asked By", readonly=True, default=lambda self: self.env.user)
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True, ondelete="set null")
    summary = fields.Char(string="Closing Balance", readonly=True,
                          help="Closing balance per currency, with what was overdue at the end of the period.")

    _unique_period = models.Constraint(
        "UNIQUE (company_id, partner_id, date_from, date_to)",
        "A customer gets one statement per company and period: send again from its existing log.",
    )
    _period_order = models.Constraint("CHECK (date_from <= date_to)",
                                      "A statement period cannot end before it starts.")

    def _compute_display_name(self):
        for log in self:
            log.display_name = f"{log.partner_id.display_name} {log.date_from} – {log.date_to}"

    # ------------------------------------------------------------ creating
    @api.model
    def _ensure(self, company, partners, date_from, date_to, origin="manual", include_empty=False):
        """The logs of ``partners`` for the period, created where missing (safe against a concurrent run)."""
        self.env["clerk.statement.report"]._check_period(date_from, date_to)
        partners = partners.commercial_partner_id
        domain = [("company_id", "=", company.id), ("partner_id", "in", partners.ids),
                  ("date_from", "=", date_from), ("date_to", "=", date_to)]
        existing = self.sudo().search(domain)
        missing = partners - existing.partner_id
        if missing:
            values = [{"company_id": company.id, "partner_id": partner.id, "date_from": date_from,
                       "date_to": date_to, "origin": origin, "include_empty": include_empty,
                       "user_id": self.env.user.id} for partner in missing]
            try:
                with self.env.cr.savepoint():
                    existing |= self.sudo().create(values)
            except pg_errors.UniqueViolation:
                # another worker created some of them meanwhile: take theirs, create the rest one by one
                for vals in values:
                    try:
                        with self.env.cr.savepoint():
                            existing |= self.sudo().create(vals)
                    except pg_errors.UniqueViolation:
                        continue
                existing = self.sudo().search(domain)
        return existing

    # ------------------------------------------------------------- the run
    @api.model
    def _cron_send_statements(self):
        self.sudo()._run()

    @api.model
    def _batch_size(self):
        return batch_size(self.env, BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE)

    @api.model
    def _run(self, today=None, companies=None):
        """Plan the last month's statements of every flagged customer, retry failures, send what is pending.

        Commits after each batch (``_commit_progress``); a run that stops
        leaves pending logs the next run sends. Returns counters.
        """
        today = today or fields.Date.context_today(self)
        companies = companies or self.env["res.company"].search([])
        cron = self.env["ir.cron"]
        date_from, date_to = statement.previous_month(today)
        stats = {"planned": 0, "retried": 0, "sent": 0, "failed": 0, "skipped": 0}
        for company in companies:
            stats["planned"] += len(self._plan(company, date_from, date_to))
        self._fail_lost_mails(companies)
        stats["retried"] = self._retry_failed(today, companies)
        if not cron._commit_progress():
            return stats
        remaining = self.search_count([("state", "=", "pending"), ("company_id", "in", companies.ids)])
        while True:
            batch = self._claim(companies, self._batch_size())
            if not batch:
                break
            batch._send(today)
            for log in batch:
                stats["sent" if log.state == "queued" else log.state] += 1
            remaining = max(remaining - len(batch), 0)
            if not cron._commit_progress(len(batch), remaining=remaining):
                break
        return stats

    @api.model
    def _plan(self, company, date_from, date_to):
        """Create the period's logs for the company's flagged customers with a movement or a balance; new logs only."""
        Line = self.env["account.move.line"]
        base = Domain([
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("partner_id.clerk_statement_send", "=", True),
            ("date", "<=", date_to),
        ])
        moved = {partner.id for [partner] in Line._read_group(base & Domain("date", ">=", date_from),
                                                                ["partner_id"])}
        owing = {partner.id for partner, balance in Line._read_group(base, ["partner_id"], ["balance:sum"])
                 if not company.currency_id.is_zero(balance)}
        partners = self.env["res.partner"].browse(sorted(moved | owing)).commercial_partner_id.sorted("id")
        done = set(self.search([("company_id", "=", company.id), ("date_from", "=", date_from),
                                ("date_to", "=", date_to)]).partner_id.ids)
        todo = partners.filtered(lambda p: p.id not in done)
        if not todo:
            return self.browse()
        return self._ensure(company, todo, date_from, date_to, origin="cron")

    @api.model
    def _retry_failed(self, today, companies):
        """Failed statements go back to the run's queue (it makes their PDF and mail again)."""
        failed = self.search(self._retryable_domain(today, companies))
        failed.write({"state": "pending"})
        return len(failed)

    @api.model
    def _claim(self, companies, limit):
        """Pending logs locked for this transaction; those another worker holds are skipped."""
        logs = claim(self, [("state", "=", "pending"), ("company_id", "in", companies.ids)], limit=limit)
        logs.invalidate_recordset()
        return logs.filtered(lambda log: log.state == "pending")

    # ------------------------------------------------------------- sending
    def _statements(self):
        """``{log_id: [CurrencyStatement]}`` computed in batch per company and period."""
        groups = defaultdict(lambda: self.browse())
        for log in self:
            groups[(log.company_id, log.date_from, log.date_to)] |= log
        result = {}
        Report = self.env["clerk.statement.report"]
        for (company, date_from, date_to), logs in groups.items():
            figures = Report.with_company(company)._statements(company, logs.partner_id, date_from, date_to)
            for log in logs:
                result[log.id] = figures.get(log.partner_id.id, [])
        return result

    def _send(self, today=None):
        """Render the statements of ``self`` (one PDF call for the batch) and queue one mail per customer."""
        today = today or fields.Date.context_today(self)
        figures = self._statements()
        to_send = self.browse()
        for log in self:
            log.summary = statement.summary(figures[log.id])
            if statement.is_empty(figures[log.id]) and not log.include_empty:
                log.write({"state": "skipped"})
                continue
            log.recipient_id = log.partner_id.address_get(["invoice"])["invoice"]
            to_send |= log
        sendable = to_send._fail_unreachable(today)
        if not sendable:
            return
        try:
            with self.env.cr.savepoint():
                pdfs = sendable._render_pdfs()
        except Exception as error:  # noqa: BLE001 - whatever breaks the rendering fails the batch, retried next run
            _logger.exception("Statement rendering failed for logs %s", sendable.ids)
            sendable._fail("render", today, detail=str(error)[:200])
            return
        attachments = self.env["ir.attachment"].sudo().create([{
            "name": f"{log._file_name()}.{pdfs[log.id][1]}",
            "raw": pdfs[log.id][0],
            "res_model": self._name,
            "res_id": log.id,
            "mimetype": "application/pdf" if pdfs[log.id][1] == "pdf" else "text/html",
        } for log in sendable])
        template = self.env.ref(TEMPLATE, raise_if_not_found=False)
        rendered = template.sudo()._generate_template(
            sendable.ids, ("subject", "body_html", "email_from", "reply_to")) if template else {}
        mail_values = []
        for log, attachment in zip(sendable, attachments, strict=True):
            values = rendered.get(log.id, {})
            lang = log.recipient_id.lang or self.env.lang
            body = template.with_context(lang=lang)._render_encapsulate(
                LAYOUT, values.get("body_html") or "", add_context={"company": log.company_id},
                context_record=log) if template else ""
            mail_values.append({
                "subject": values.get("subject") or log.display_name,
                "body_html": body,
                "email_from": values.get("email_from") or log.company_id.email_formatted or
                self.env.user.email_formatted,
                "reply_to": values.get("reply_to") or False,
                "recipient_ids": [(4, log.recipient_id.id)],
                "model": "res.partner",
                "res_id": log.partner_id.id,
                "auto_delete": True,
                "attachment_ids": [(4, attachment.id)],
                "record_company_id": log.company_id.id,
            })
        sendable._queue_mails(mail_values, today, values={
            log.id: {"attachment_id": attachment.id} for log, attachment in zip(sendable, attachments, strict=True)})

    def _file_name(self):
        self.ensure_one()
        name = (self.partner_id.name or "").replace("/", "-")
        return self.env._("Statement %(customer)s %(start)s %(end)s", customer=name, start=self.date_from,
                          end=self.date_to)

    def _render_pdfs(self):
        """``{log_id: (content, extension)}``, one statement per wkhtmltopdf call (an unpatched wkhtmltopdf
        makes one document per call). Under tests Odoo's report gives the HTML instead, and says so."""
        Report = self.env["ir.actions.report"].sudo()
        return {log.id: Report._render_qweb_pdf(REPORT, log.ids) for log in self}

    # ------------------------------------------------------------- actions
    def action_send_again(self):
        """A clerk sends a statement again (failed, skipped or already sent): the log goes back to the queue."""
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(self.env._("Only invoicing clerks may send statements."))
        self.check_access("read")
        logs = self.sudo()
        logs.write({"state": "pending", "include_empty": True, "user_id": self.env.user.id})
        if len(logs) == 1:
            logs._send()
        else:
            self.env.ref("invoicing_clerk_tools.ir_cron_clerk_statements").sudo()._trigger()
        return True

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(self.env._("This statement has no document yet: it is made when it is sent."))
        return {"type": "ir.actions.act_url", "url": f"/web/content/{self.attachment_id.id}?download=true",
                "target": "self"}

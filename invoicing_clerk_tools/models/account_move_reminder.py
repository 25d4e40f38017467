import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.reminder_schedule import OPEN_PAYMENT_STATES

_logger = logging.getLogger(__name__)



class AccountMove(models.Model):
    """Payment reminders on customer invoices: pauses (dispute, promise to pay), exclusion and history."""

    _inherit = "account.move"

    clerk_reminder_excluded = fields.Boolean(
        string="No Payment Reminders", copy=False, tracking=True,
        help="This invoice is never reminded (give the reason).")
    clerk_reminder_exclusion_reason = fields.Char(string="Why No Reminders", copy=False, tracking=True)
    clerk_dispute = fields.Boolean(string="In Dispute", copy=False, tracking=True,
                                   help="The customer disputes this invoice: reminders stop until it is cleared.")
    clerk_dispute_reason = fields.Char(string="Dispute Reason", copy=False, tracking=True)
    clerk_promise_date = fields.Date(
        string="Promised Payment Date", copy=False, tracking=True,
        help="The customer promised to pay by this date: reminders stop until then. If the invoice is still unpaid "
        "after it, reminders resume and the responsible clerk is notified.")
    clerk_promise_amount = fields.Monetary(string="Promised Amount", copy=False, currency_field="currency_id",
                                           tracking=True)
    clerk_promise_note = fields.Char(string="Promise Note", copy=False)
    clerk_promise_broken = fields.Boolean(string="Promise Broken", copy=False, readonly=True)
    clerk_reminder_log_ids = fields.One2many("clerk.reminder.log", "move_id", string="Reminder History")
    clerk_reminder_step_id = fields.Many2one("clerk.reminder.step", string="Current Reminder Step",
                                             compute="_compute_clerk_reminder_steps")
    clerk_reminder_next_step_id = fields.Many2one("clerk.reminder.step", string="Next Reminder Step",
                                                  compute="_compute_clerk_reminder_steps")
    clerk_reminder_next_date = fields.Date(
        string="Next Reminder On", compute="_compute_clerk_reminder_steps",
        help="The day the next run performs the next step (today when due now), as the schedule decides it: "
        "pauses, steps done, the minimum days between contacts and the rule for invoices found late.")
    clerk_reminder_status = fields.Char(string="Reminder Status", compute="_compute_clerk_reminder_steps",
                                        help="Why no step is planned, or until when reminders wait.")

    @api.constrains("clerk_reminder_excluded", "clerk_reminder_exclusion_reason", "clerk_dispute",
                    "clerk_dispute_reason", "clerk_promise_date", "clerk_promise_amount")
    def _check_clerk_reminder_pauses(self):
        for move in self:
            if move.clerk_reminder_excluded and not (move.clerk_reminder_exclusion_reason or "").strip():
                raise ValidationError(self.env._(
                    "Why No Reminders: say why invoice %s is excluded from payment reminders.", move.display_name))
            if move.clerk_dispute and not (move.clerk_dispute_reason or "").strip():
                raise ValidationError(self.env._(
                    "Dispute Reason: say what the customer disputes on invoice %s.", move.display_name))
            if move.clerk_promise_amount < 0:
                raise ValidationError(self.env._("Promised Amount of %s is below zero: enter the amount promised.",
                                                 move.display_name))
            if move.clerk_promise_amount and not move.clerk_promise_date:
                raise ValidationError(self.env._(
                    "Promised Payment Date: a promise to pay on %s needs the date the customer promised.",
                    move.display_name))

    def write(self, vals):
        if "clerk_promise_date" in vals:
            vals = dict(vals, clerk_promise_broken=False)
        return super().write(vals)

    @api.depends("clerk_reminder_log_ids", "invoice_date_due", "payment_state", "commercial_partner_id",
                 "amount_residual", "clerk_dispute", "clerk_promise_date", "clerk_reminder_excluded",
                 "commercial_partner_id.clerk_reminder_excluded")
    @api.depends_context("allowed_company_ids")
    def _compute_clerk_reminder_steps(self):
        planned = self.env["clerk.reminder.schedule"]._next_steps(self)
        for move in self:
            (move.clerk_reminder_step_id, move.clerk_reminder_next_step_id, move.clerk_reminder_next_date,
             move.clerk_reminder_status) = planned.get(move.id, (False, False, False, False))

    def action_clerk_clear_pause(self):
        self.write({"clerk_dispute": False, "clerk_dispute_reason": False, "clerk_promise_date": False,
                    "clerk_promise_amount": 0.0, "clerk_promise_note": False})
        return True

    @api.model
    def _clerk_promises_broken(self, today, companies):
        """Promises to pay whose date passed with the invoice unpaid: reminders resume, the clerk is told."""
        broken = self.search([
            ("company_id", "in", companies.ids), ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
            ("payment_state", "in", OPEN_PAYMENT_STATES), ("clerk_promise_date", "<", today),
            ("clerk_promise_broken", "=", False),
        ])
        if not broken:
            return broken
        schedules = self.env["clerk.reminder.schedule"].search([("company_id", "in", companies.ids)])
        resolve = self.env["clerk.reminder.schedule"]._resolver(schedules, companies)
        for move in broken:
            schedule = resolve(move.company_id, move.commercial_partner_id)
            user = (move.commercial_partner_id.clerk_user_id or move.invoice_user_id
                    or (schedule and schedule.user_id) or self.env.user)
            summary = self.env._("Promise to pay broken: %s", move.commercial_partner_id.name)
            move.activity_schedule("mail.mail_activity_data_todo", date_deadline=today, summary=summary,
                                   user_id=user.id)
            move.message_post(body=Markup("<p>%s</p>") % self.env._(
                "The customer promised to pay by %(date)s; the invoice is still unpaid. Payment reminders resume.",
                date=move.clerk_promise_date), message_type="comment", subtype_xmlid="mail.mt_note")
        broken.with_context(tracking_disable=True).write({"clerk_promise_broken": True})
        # write() resets the flag when the date changes; here the date does not change
        return broken

    # ------------------------------------------------------------ invoice PDFs
    @api.model
    def _clerk_pdf_needed_domain(self, today):
        """Open customer invoices that a step attaching PDFs will reach by tomorrow."""
        steps = self.env["clerk.reminder.step"].sudo().search([("attach_pdf", "=", True)])
        if not steps:
            return None
        earliest_offset = min(steps.mapped("offset_days"))
        return [
            ("move_type", "=", "out_invoice"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
            ("company_id", "in", steps.company_id.ids),
            ("clerk_reminder_excluded", "=", False),
            ("invoice_date_due", "<=", fields.Date.add(today, days=1 - earliest_offset)),
        ]

    @api.model
    def _clerk_without_stored_pdf(self):
        """Domain of posted customer invoices and credit notes that have no stored PDF yet."""
        with_pdf = self.env["ir.attachment"].sudo()._search([
            ("res_model", "=", "account.move"), ("res_field", "=", "invoice_pdf_report_file"),
        ])
        return [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted"),
                ("id", "not in", with_pdf.subselect("res_id"))]

    @api.model
    def _cron_clerk_render_missing_pdfs(self):
        """Store the PDF of invoices a reminder will attach, ahead of the reminder run."""
        domain = self._clerk_pdf_needed_domain(fields.Date.context_today(self))
        if domain is not None:
            self._clerk_render_missing_pdfs(domain)

    @api.model
    def _clerk_render_missing_pdfs(self, domain, batch_size=10):
        """Render and store the missing PDFs of the invoices of ``domain``, one document per commit.

        Rendering costs about a second per invoice, so it only happens in background
        jobs, never in a request nor in the reminder run. A second worker skips the
        invoices the first one holds. Returns False when the cron's time ran out
        (the job resumes at its next run), True when nothing is left to render.
        """
        domain = [*domain, *self._clerk_without_stored_pdf()]
        skipped = []
        while True:
            candidates = self.search([*domain, ("id", "not in", skipped)], order="invoice_date_due, id",
                                     limit=batch_size)
            if not candidates:
                return True
            move = candidates.try_lock_for_update(allow_referencing=True, limit=1)
            if not move:
                skipped += candidates.ids  # held by another worker
                continue
            try:
                move._clerk_store_invoice_pdf()
            except Exception:  # noqa: BLE001 - one bad invoice must not stop the others
                self.env.cr.rollback()
                skipped.append(move.id)
                _logger.exception("Invoicing Clerk: could not render the PDF of invoice %s", move.id)
                continue
            if not self.env["ir.cron"]._commit_progress(1):
                return False

    def _clerk_store_invoice_pdf(self):
        """Render this invoice's PDF with its usual report and keep it as Odoo keeps a sent invoice's PDF.

        Unlike sending, this does not mark the invoice as sent.
        """
        self.ensure_one()
        sender = self.env["account.move.send"]
        invoice_data = {"pdf_report": sender._get_default_pdf_report_id(self)}
        sender._prepare_invoice_pdf_report({self: invoice_data})
        attachment = self.env["ir.attachment"].sudo().create(invoice_data["pdf_attachment_values"])
        self.sudo().message_main_attachment_id = attachment
        self.invalidate_recordset(fnames=["invoice_pdf_report_id", "invoice_pdf_report_file"])
        return attachment

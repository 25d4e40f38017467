from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.misc import format_date

from ..tools import documents, portal

CHANNELS = [("portal", "Customer Portal"), ("clerk", "Clerk")]


class SubmissionLimit(UserError):
    """Too many portal submissions for an invoice or a customer in the last hour."""


def paragraphs(text):
    """Plain text as HTML paragraphs, escaped."""
    return Markup("").join(Markup("<p>%s</p>") % escape(part) for part in (text or "").split("\n") if part.strip())


class ClerkDispute(models.Model):
    """A customer's dispute of an invoice and the clerk's answer: who said what, and when.

    Raising one pauses the invoice's reminders (``clerk_dispute`` on the invoice, as a clerk's dispute does);
    accepting it ends with a credit or debit note (the correction wizard), rejecting it with an answer to the
    customer, the reminders resuming after the company's grace period.
    """

    _name = "clerk.dispute"
    _description = "Invoice Dispute"
    _inherit = ["clerk.history.mixin"]
    _order = "create_date desc, id desc"
    _history_open_fields = frozenset({"state", "answer", "resolved_uid", "resolved_date", "correction_move_id",
                                      "grace_until", "reminders_resumed"})

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True, index=True,
                              ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    author_id = fields.Many2one("res.partner", string="Raised By", readonly=True,
                                help="The portal user who raised it; the customer when raised through a link.")
    channel = fields.Selection(CHANNELS, required=True, readonly=True, default="portal")
    reason_id = fields.Many2one("clerk.dispute.reason", string="Reason", required=True, readonly=True)
    message = fields.Text(string="Customer's Message", readonly=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Files", readonly=True)
    state = fields.Selection([("open", "Open"), ("accepted", "Accepted"), ("rejected", "Rejected")],
                             required=True, default="open", readonly=True, index=True)
    answer = fields.Text(string="Answer to the Customer", readonly=True)
    resolved_uid = fields.Many2one("res.users", string="Resolved By", readonly=True)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True)
    correction_move_id = fields.Many2one("account.move", string="Credit/Debit Note", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Clerk's To-Do", readonly=True, ondelete="set null")
    grace_until = fields.Date(string="Reminders Resume On", readonly=True)
    reminders_resumed = fields.Boolean(readonly=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Amount Due")

    @api.depends("move_id", "reason_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = f"{dispute.move_id.name or ''}: {dispute.reason_id.name or ''}"

    # ------------------------------------------------------------------ raised by the customer
    @api.model
    def _portal_raise(self, move, reason, message, files, author):
        """Record the customer's dispute of ``move`` (sudo, after the portal's access check).

        ``files``: ``[(name, raw bytes)]``, each checked as a document of category Correspondence (type from the
        content, size, cleaned name); any refused file refuses the whole dispute and nothing is stored.
        Returns the dispute.
        """
        _ = self.env._
        move = move.sudo()
        if move.move_type != "out_invoice" or move.state != "posted" or move.payment_state not in (
                "not_paid", "partial"):
            raise UserError(_("Only an unpaid invoice can be disputed."))
        if move.clerk_dispute or self.search_count([("move_id", "=", move.id), ("state", "=", "open")], limit=1):
            raise UserError(_("This invoice is already in dispute: we will answer you."))
        if not reason.exists() or not reason.active or (reason.company_id and reason.company_id != move.company_id):
            raise ValidationError(_("Reason: choose one of the reasons offered."))
        message = portal.clean_message(message)
        if not message:
            raise ValidationError(_("Message: tell us what is wrong with the invoice."))
        if len(files) > portal.MAX_FILES:
            raise ValidationError(_("Files: attach at most %s files.", portal.MAX_FILES))
        self._portal_check_rate(move)
        category = self._files_category(move.company_id)
        if files and not category:
            raise ValidationError(_("Files: we cannot take files here; describe the problem in the message."))
        Attachment = self.env["ir.attachment"].sudo()
        checked = []
        for name, raw in files:
            name = documents.sanitize_filename(name)
            Attachment._clerk_check_upload(category, raw, name)
            checked.append((name, raw))
        attachments = Attachment.create([{
            "name": name, "raw": raw, "mimetype": guess_mimetype(raw), "res_model": "account.move",
            "res_id": move.id, "clerk_category_id": category.id, "public": False,
        } for name, raw in checked]) if checked else Attachment
        clerk = move._clerk_portal_responsible()
        activity = move.activity_schedule(
            "mail.mail_activity_data_todo", user_id=clerk.id, note=paragraphs(message),
            summary=_("Dispute from %s: answer the customer", move.commercial_partner_id.name))
        dispute = self.sudo().create({
            "move_id": move.id, "partner_id": move.commercial_partner_id.id, "author_id": author.id,
            "channel": "portal", "reason_id": reason.id, "message": message,
            "attachment_ids": [fields.Command.set(attachments.ids)], "activity_id": activity.id,
        })
        move.write({"clerk_dispute": True, "clerk_dispute_reason": reason.name})
        move.message_post(
            body=Markup("<p><strong>%s</strong></p>%s") % (_("Dispute: %s", reason.name), paragraphs(message)),
            author_id=author.id, message_type="comment", subtype_xmlid="mail.mt_note",
            attachment_ids=dispute.attachment_ids.ids)
        move._clerk_tell_customer(_(
            "We have received your dispute of invoice %(invoice)s (%(reason)s). Payment reminders for it are paused "
            "until we answer you.", invoice=move.name, reason=reason.name))
        return dispute

    @api.model
    def _files_category(self, company):
        """The document category a dispute's files are filed and checked as: Correspondence, the company's own
        when it has one."""
        return self.env["clerk.document.category"].sudo().search(
            [("code", "=", "correspondence"), ("company_id", "in", [company.id, False])],
            order="company_id", limit=1)

    @api.model
    def _portal_check_rate(self, moves):
        """At most a few submissions per invoice and per customer in an hour (disputes and promises together)."""
        since = fields.Datetime.subtract(fields.Datetime.now(), hours=1)
        per_move, per_partner = defaultdict(int), defaultdict(int)
        partners = moves.commercial_partner_id
        for model in (self.sudo(), self.env["clerk.payment.promise"].sudo()):
            domain = [("create_date", ">=", since), ("partner_id", "in", partners.ids)]
            for move, partner, count in model._read_group(domain, ["move_id", "partner_id"], ["__count"]):
                per_move[move.id] += count
                per_partner[partner.id] += count
        if (any(per_move[move.id] >= portal.MAX_SUBMISSIONS_PER_INVOICE_HOUR for move in moves)
                or any(per_partner[partner.id] >= portal.MAX_SUBMISSIONS_PER_CUSTOMER_HOUR for partner in partners)):
            raise SubmissionLimit(self.env._("You have sent several requests in the last hour: please try again "
                                             "later or reply to our e-mail."))

    # ------------------------------------------------------------------ resolved by the clerk
    def _check_clerk(self):
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(self.env._("Only invoicing clerks resolve disputes."))
        self.move_id.check_access("write")
        if any(dispute.state != "open" for dispute in self):
            raise UserError(self.env._("Dispute %s is already resolved.",
                                       ", ".join(self.filtered(lambda d: d.state != "open").mapped("display_name"))))

    def action_accept(self):
        """Accept: correct the invoice with a credit or debit note (the correction wizard)."""
        self.ensure_one()
        self._check_clerk()
        return {
            "type": "ir.actions.act_window", "res_model": "clerk.invoice.correction.wizard", "view_mode": "form",
            "target": "new", "name": self.env._("Correct Invoice"),
            "context": {"default_move_id": self.move_id.id, "default_dispute_id": self.id,
                        "default_note": self.reason_id.name},
        }

    def _mark_accepted(self, correction):
        self._check_clerk()
        _ = self.env._
        for dispute in self:
            move = dispute.move_id
            dispute.sudo().write({"state": "accepted", "resolved_uid": self.env.uid,
                                  "resolved_date": fields.Datetime.now(), "correction_move_id": correction.id,
                                  "answer": _("Accepted: %s", correction.display_name)})
            move.sudo().write({"clerk_dispute": False, "clerk_dispute_reason": False})
            told = self.with_context(lang=move.partner_id.lang).env  # in the customer's language
            move._clerk_tell_customer(told._(
                "You were right about invoice %(invoice)s (%(reason)s): we are correcting it with %(note)s, which "
                "you will receive shortly.", invoice=move.name, reason=dispute.reason_id.name,
                note=correction.display_name), author=self.env.user.partner_id)
            dispute.activity_id.sudo().exists().action_feedback(dispute.answer)

    def action_open_reject(self):
        self.ensure_one()
        self._check_clerk()
        return {"type": "ir.actions.act_window", "res_model": "clerk.dispute.reject.wizard", "view_mode": "form",
                "target": "new", "name": self.env._("Reject Dispute"), "context": {"default_dispute_id": self.id}}

    def action_reject(self, answer):
        """Reject with an answer the customer receives; reminders resume after the company's grace period."""
        self._check_clerk()
        _ = self.env._
        answer = portal.clean_message(answer)
        if not answer:
            raise UserError(_("Answer to the Customer: say why the invoice stands."))
        today = fields.Date.context_today(self)
        for dispute in self:
            move = dispute.move_id
            grace = fields.Date.add(today, days=move.company_id.clerk_dispute_grace_days)
            dispute.sudo().write({"state": "rejected", "answer": answer, "resolved_uid": self.env.uid,
                                  "resolved_date": fields.Datetime.now(), "grace_until": grace})
            told = self.with_context(lang=move.partner_id.lang).env  # in the customer's language
            move._clerk_tell_customer(
                Markup("%s%s") % (paragraphs(told._(
                    "About your dispute of invoice %(invoice)s (%(reason)s): we have checked it and the invoice "
                    "stands.", invoice=move.name, reason=dispute.reason_id.with_env(told).name)), paragraphs(answer))
                + paragraphs(told._("Payment reminders resume on %s.", format_date(told, grace))),
                author=self.env.user.partner_id)
            dispute.activity_id.sudo().exists().action_feedback(dispute.answer)
        self._resume_after_grace(today)
        return True

    @api.model
    def _resume_after_grace(self, today, companies=None):
        """Rejected disputes whose grace period is over: the invoice's reminders resume."""
        domain = [("state", "=", "rejected"), ("reminders_resumed", "=", False), ("grace_until", "<=", today)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        due = self.sudo().search(domain)
        reopened = self.sudo().search([("move_id", "in", due.move_id.ids), ("state", "=", "open")]).move_id
        (due.move_id - reopened).write({"clerk_dispute": False, "clerk_dispute_reason": False})
        due.write({"reminders_resumed": True})
        return due

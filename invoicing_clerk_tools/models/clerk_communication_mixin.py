from collections import defaultdict

from odoo import api, fields, models

MAX_ATTEMPTS = 3
FAILURES = [
    ("no_email", "No e-mail address"),
    ("invalid_email", "Invalid e-mail address"),
    ("blacklisted", "Blacklisted address"),
    ("bounced", "Bounced"),
    ("render", "The document could not be made"),
    ("smtp", "Mail server error"),
    ("mail_lost", "Mail cancelled or deleted before sending"),
    ("other", "Other error"),
]
# mail.mail failure types -> our reasons
MAIL_FAILURES = {
    "mail_email_missing": "no_email",
    "mail_email_invalid": "invalid_email",
    "mail_bl": "blacklisted",
    "mail_optout": "blacklisted",
    "mail_smtp": "smtp",
}
LAYOUT = "mail.mail_notification_light"
# what sending and the mail queue move on (for the models' ``_history_open_fields``)
OPEN_FIELDS = frozenset({"state", "recipient_id", "mail_id", "failure_reason", "failure_detail", "attempt_count",
                         "last_attempt_date"})


class ClerkCommunicationMixin(models.AbstractModel):
    """A message the addon sends through Odoo's mail queue: recipient, mail, result, attempts and retries.

    Payment reminders and statements of account inherit it. A model using it
    has a ``company_id`` and a ``state`` selection with at least ``queued``,
    ``sent`` and ``failed``. It queues its mails with :meth:`_queue_mails`;
    the mail queue reports back through :meth:`_mail_result`; what cannot
    reach its recipient fails with :meth:`_fail` and is retried (once a day,
    ``MAX_ATTEMPTS`` attempts in all) from :meth:`_retryable_domain`.
    """

    _name = "clerk.communication.mixin"
    _description = "Message Sent Through the Mail Queue"

    recipient_id = fields.Many2one("res.partner", string="Sent To", readonly=True,
                                   help="The customer's contact the message was addressed to.")
    mail_id = fields.Many2one("mail.mail", string="Mail", readonly=True, ondelete="set null", index="btree_not_null")
    failure_reason = fields.Selection(FAILURES, readonly=True)
    failure_detail = fields.Text(readonly=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True, default=0)
    last_attempt_date = fields.Date(string="Last Attempt", readonly=True)

    # ------------------------------------------------------------ sending
    def _unreachable(self):
        """``{reason: records}`` of ``self`` whose recipient cannot get a mail (batch: one blacklist query)."""
        partners = self.recipient_id
        partners.fetch(["email", "email_normalized", "message_bounce", "lang"])  # lang: for rendering
        emails = [email for email in partners.mapped("email_normalized") if email]
        blacklisted = set(self.env["mail.blacklist"].sudo().search_fetch(
            [("email", "in", emails)], ["email"]).mapped("email")) if emails else set()
        failures = defaultdict(lambda: self.browse())
        for record in self:
            recipient = record.recipient_id
            if not recipient.email:
                failures["no_email"] |= record
            elif not recipient.email_normalized:
                failures["invalid_email"] |= record
            elif recipient.email_normalized in blacklisted:
                failures["blacklisted"] |= record
            elif recipient.message_bounce:
                failures["bounced"] |= record
        return failures

    def _fail_unreachable(self, today):
        """Fail the records whose recipient cannot get a mail; returns the others, to send."""
        failures = self._unreachable()
        for reason, records in failures.items():
            records._fail(reason, today)
        return self - self.browse().union(*failures.values())

    def _fail(self, reason, today, detail=None):
        """An attempt that failed before reaching the mail queue (counts as an attempt)."""
        for record in self:
            record.write({"state": "failed", "failure_reason": reason,
                          "failure_detail": detail or dict(FAILURES)[reason],
                          "attempt_count": record.attempt_count + 1, "last_attempt_date": today})

    def _queue_mails(self, mail_values, today, values=None):
        """Create one mail per record of ``self`` (``mail_values`` in the same order) in the mail queue."""
        mails = self.env["mail.mail"].sudo().create(mail_values)
        for record, mail in zip(self, mails, strict=True):
            record.write({**(values or {}).get(record.id, {}), "state": "queued", "mail_id": mail.id,
                          "attempt_count": record.attempt_count + 1, "last_attempt_date": today,
                          "failure_reason": False, "failure_detail": False})
        return mails

    # ------------------------------------------------------------ results
    def _mail_result(self, failure_type=None, failure_reason=None):
        """Called by the mail queue when the mail of ``self`` was sent or failed."""
        if failure_type:
            self.write({"state": "failed", "failure_reason": MAIL_FAILURES.get(failure_type, "other"),
                        "failure_detail": failure_reason or failure_type})
        else:
            self.write({"state": "sent", "failure_reason": False, "failure_detail": False})

    @api.model
    def _communication_models(self):
        """The models that send through this mixin (for the mail queue's callback)."""
        return [name for name in self.pool.descendants([self._name], "_inherit")
                if not self.env[name]._abstract]

    @api.model
    def _fail_lost_mails(self, companies, domain=()):
        """Messages still queued whose mail failed or disappeared without telling us: they fail (to be retried)."""
        lost = self.search([
            ("company_id", "in", companies.ids), ("state", "=", "queued"), *domain,
            "|", ("mail_id", "=", False), ("mail_id.state", "in", ("exception", "cancel")),
        ])
        for record in lost:
            mail = record.mail_id
            reason = MAIL_FAILURES.get(mail.failure_type, "other") if mail.state == "exception" else "mail_lost"
            record.write({"state": "failed", "failure_reason": reason,
                          "failure_detail": mail.failure_reason or dict(FAILURES)[reason]})
        return lost

    @api.model
    def _retryable_domain(self, today, companies):
        """Failed messages to send again: not tried yet today, fewer than ``MAX_ATTEMPTS`` attempts."""
        return [("company_id", "in", companies.ids), ("state", "=", "failed"), ("attempt_count", "<", MAX_ATTEMPTS),
                "|", ("last_attempt_date", "=", False), ("last_attempt_date", "<", today)]

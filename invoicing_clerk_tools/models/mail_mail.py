from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """Tell the reminder and statement logs whether their mail left (before an auto-delete removes the mail)."""
        logs = self.env["clerk.reminder.log"].sudo().search([("mail_id", "in", self.ids)])
        if logs:
            logs._mail_result(failure_type=failure_type, failure_reason=failure_reason)
        statements = self.env["clerk.statement.log"].sudo().search([("mail_id", "in", self.ids)])
        if statements:
            statements._mail_result(failure_type=failure_type, failure_reason=failure_reason)
        return super()._postprocess_sent_message(success_pids, success_emails, failure_reason=failure_reason,
                                                 failure_type=failure_type)

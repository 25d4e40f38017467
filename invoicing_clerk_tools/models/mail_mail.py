from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """Tell the addon's communications whether their mail left (before an auto-delete removes the mail)."""
        for model in self.env["clerk.communication.mixin"]._communication_models():
            communications = self.env[model].sudo().search([("mail_id", "in", self.ids)])
            if communications:
                communications._mail_result(failure_type=failure_type, failure_reason=failure_reason)
        return super()._postprocess_sent_message(success_pids, success_emails, failure_reason=failure_reason,
                                                 failure_type=failure_type)

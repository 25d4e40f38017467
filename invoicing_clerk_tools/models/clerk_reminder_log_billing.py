from odoo import models


class ClerkReminderLog(models.Model):
    """A clerk cannot confirm a reminder to a customer whose billing details block sending."""

    _inherit = "clerk.reminder.log"

    def _confirm(self, subject=None, body=None):
        self.ensure_one()
        log = self.sudo()
        self.env["res.partner"]._clerk_check_billing(log.partner_id, log.company_id,
                                                     self.env._("Sending the payment reminder"))
        return super()._confirm(subject=subject, body=body)

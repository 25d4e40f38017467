from odoo import models


class ClerkReminderCommunication(models.Model):
    """A clerk cannot confirm a reminder to a customer whose billing details block sending."""

    _inherit = "clerk.reminder.communication"

    def _confirm(self, subject=None, body=None):
        self.ensure_one()
        communication = self.sudo()
        self.env["res.partner"]._clerk_check_billing(communication.partner_id, communication.company_id,
                                                     self.env._("Sending the payment reminder"))
        return super()._confirm(subject=subject, body=body)

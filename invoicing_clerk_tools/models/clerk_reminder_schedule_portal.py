from odoo import api, fields, models


class ClerkReminderSchedule(models.Model):
    _inherit = "clerk.reminder.schedule"

    @api.model
    def _run(self, today=None, companies=None, **kwargs):
        """Before the run: invoices whose rejected dispute's grace period is over are reminded again."""
        self.env["clerk.dispute"]._resume_after_grace(today or fields.Date.context_today(self), companies)
        return super()._run(today=today, companies=companies, **kwargs)

from odoo import api, models
from odoo.fields import Domain


class ClerkReminderSchedule(models.Model):
    """Where incomplete billing details block sending, the reminder run leaves those customers' invoices alone.

    They are not marked as done: once the details are completed, the next run
    reminds them (the workspace card Customers to Complete lists them).
    """

    _inherit = "clerk.reminder.schedule"

    @api.model
    def _candidate_domain(self, today, companies, schedules):
        domain = super()._candidate_domain(today, companies, schedules)
        blocking = companies.filtered(lambda company: company.clerk_billing_check == "block")
        if not blocking:
            return domain
        Partner = self.env["res.partner"]
        allowed = Domain("company_id", "not in", blocking.ids)
        for company in blocking:
            complete = Partner.with_company(company)._clerk_billing_complete_domain(company)
            allowed |= Domain("company_id", "=", company.id) & Domain(
                "commercial_partner_id", "in", Partner.with_company(company)._search(complete))
        return domain & allowed

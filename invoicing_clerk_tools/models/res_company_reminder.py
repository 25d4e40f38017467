from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_reminder_schedule_id = fields.Many2one(
        "clerk.reminder.schedule", string="Default Reminder Schedule",
        domain="[('company_id', '=', id)]",
        help="The payment reminder schedule of customers that have no schedule of their own or of their tags.",
    )

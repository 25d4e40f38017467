from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_reminder_schedule_id = fields.Many2one(related="company_id.clerk_reminder_schedule_id", readonly=False)

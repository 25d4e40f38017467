from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_billing_check = fields.Selection(related="company_id.clerk_billing_check", readonly=False)

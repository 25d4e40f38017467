from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_statement_default = fields.Boolean(related="company_id.clerk_statement_default", readonly=False)

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_keep_invoice_pdf = fields.Boolean(related="company_id.clerk_keep_invoice_pdf", readonly=False)

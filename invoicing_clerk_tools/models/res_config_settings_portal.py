from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_portal_enabled = fields.Boolean(related="company_id.clerk_portal_enabled", readonly=False)
    clerk_portal_link_days = fields.Integer(related="company_id.clerk_portal_link_days", readonly=False)
    clerk_promise_max_days = fields.Integer(related="company_id.clerk_promise_max_days", readonly=False)
    clerk_dispute_grace_days = fields.Integer(related="company_id.clerk_dispute_grace_days", readonly=False)

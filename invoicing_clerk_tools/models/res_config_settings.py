from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_override_group_id = fields.Many2one(
        related="company_id.clerk_override_group_id",
        readonly=False,
    )
    clerk_match_policy = fields.Selection(
        related="company_id.clerk_match_policy",
        readonly=False,
    )

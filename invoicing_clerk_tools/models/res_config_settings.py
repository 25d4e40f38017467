from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clerk_override_group_id = fields.Many2one(
        related="company_id.clerk_override_group_id",
        readonly=False,
    )

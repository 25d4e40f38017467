from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    clerk_substitute_ids = fields.One2many("clerk.approval.substitute", "user_id", string="Approval Substitutes",
                                           help="Who approves in this user's place while they are out of office.")

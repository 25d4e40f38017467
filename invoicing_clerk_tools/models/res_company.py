from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_override_group_id = fields.Many2one(
        "res.groups",
        string="Emergency Posting Group",
        help="Members of this group may post an invoice or bill that is not ready to post "
        "(approvals, documents or discrepancies outstanding), giving a reason. "
        "Every such override is recorded. Leave empty to allow no override.",
    )

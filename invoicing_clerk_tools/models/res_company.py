from odoo import fields, models
from odoo.exceptions import AccessError


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_override_group_id = fields.Many2one(
        "res.groups",
        string="Emergency Posting Group",
        help="Members of this group may post an invoice or bill that is not ready to post "
        "(approvals, documents or discrepancies outstanding), giving a reason. "
        "Every such override is recorded. Leave empty to allow no override.",
    )

    # Report only by default: a company that installs the addon posts its bills as before; blocking is switched on
    # here, or by its first matching tolerance (clerk.match.tolerance.create).

    def _clerk_check_override_group(self):
        """Raise unless the current user belongs to the emergency posting group of every company of ``self``."""
        groups = self.env.user.all_group_ids
        for company in self:
            if not company.clerk_override_group_id or company.clerk_override_group_id not in groups:
                raise AccessError(self.env._(
                    "Only members of the emergency posting group set in the Accounting settings of %(company)s "
                    "may post an entry that is not ready to post.", company=company.name))


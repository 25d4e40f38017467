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
    clerk_match_policy = fields.Selection(
        [("none", "Do Not Check Bills"),
         ("report", "Report Only"),
         ("block", "Exceptions Block Posting"),
         ("approval", "Exceptions Require an Approval")],
        string="Bill Check Exceptions", default="report", required=True,
        help="Vendor bills are checked against their purchase orders and receipts. Report only: the findings are "
             "shown on the bill (Bill Check tab, workspace), nothing is blocked. Exceptions (open discrepancies "
             "beyond tolerance) either block posting until accepted or resolved, or route the bill to the "
             "approvers of an approval rule for bills with open discrepancies. 'Do not check' turns the check off. "
             "The first matching tolerance of a company that only reports switches it to blocking.")

    def _clerk_check_override_group(self):
        """Raise unless the current user belongs to the emergency posting group of every company of ``self``."""
        groups = self.env.user.all_group_ids
        for company in self:
            if not company.clerk_override_group_id or company.clerk_override_group_id not in groups:
                raise AccessError(self.env._(
                    "Only members of the emergency posting group set in the Accounting settings of %(company)s "
                    "may post an entry that is not ready to post.", company=company.name))


from odoo import fields, models


class ResCompany(models.Model):
    """What the bill check does with exceptions, per company."""

    _inherit = "res.company"

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

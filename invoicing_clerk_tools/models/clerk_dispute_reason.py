from odoo import fields, models


class ClerkDisputeReason(models.Model):
    """Why a customer disputes an invoice: the list the customer chooses from in the portal."""

    _name = "clerk.dispute.reason"
    _description = "Dispute Reason"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(string="Reason", required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", string="Company", index=True, tracking=True,
                                 help="Offered to the customers of this company only; empty: every company.")
    description = fields.Text(string="Hint for the Customer", translate=True,
                              help="Shown under the list in the portal, e.g. what to attach.")

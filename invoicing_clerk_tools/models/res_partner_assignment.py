from odoo import fields, models


class ResPartner(models.Model):
    """The customer's responsible clerk: one field for reminders, statements, assignment and workloads."""

    _inherit = "res.partner"

    clerk_user_id = fields.Many2one(
        "res.users", string="Responsible Clerk", domain="[('share', '=', False)]", tracking=True,
        index="btree_not_null",
        help="The clerk who handles this customer: new invoices and bills of the customer are assigned to them, "
        "and they receive its reminder activities.")

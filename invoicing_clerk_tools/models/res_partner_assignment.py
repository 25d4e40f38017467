from odoo import fields, models


class ResPartner(models.Model):
    """The customer's responsible clerk: one field for reminders, statements, assignment and workloads."""

    _inherit = "res.partner"

    # defined by the payment reminders (res_partner_reminder.py); the same clerk now owns the customer everywhere
    clerk_reminder_user_id = fields.Many2one(
        tracking=True, index="btree_not_null",
        help="The clerk who handles this customer: new invoices and bills of the customer are assigned to them, "
        "and they receive its follow-up activities.")

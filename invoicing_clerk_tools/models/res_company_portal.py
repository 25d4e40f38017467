from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_portal_enabled = fields.Boolean(
        string="Customer Portal Answers",
        help="Customers see their statement of account in the portal and may dispute an invoice or promise to pay "
             "there; reminder and statement e-mails carry the link.")
    clerk_portal_link_days = fields.Integer(
        string="Portal Links Valid (Days)", default=90,
        help="A statement link sent by e-mail works for this many days after the last e-mail that carried it.")
    clerk_promise_max_days = fields.Integer(
        string="Promise to Pay Within (Days)", default=30,
        help="How far ahead a customer may promise to pay in the portal.")
    clerk_dispute_grace_days = fields.Integer(
        string="Reminders Resume After Rejection (Days)", default=7,
        help="After a clerk rejects a dispute, reminders of the invoice resume after this many days.")

    _clerk_portal_days_positive = models.Constraint(
        "CHECK (clerk_portal_link_days >= 1 AND clerk_promise_max_days >= 1 AND clerk_dispute_grace_days >= 0)",
        "Portal links must stay valid at least one day, a promise may reach at least one day ahead, and the grace "
        "period after a rejected dispute cannot be negative.",
    )

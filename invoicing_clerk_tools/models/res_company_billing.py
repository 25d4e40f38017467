from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_billing_check = fields.Selection(
        [("warn", "Warn only"), ("block", "Block sending")], string="Incomplete Billing Details",
        required=True, default="warn",
        help="Warn only: customers and their draft invoices show what is missing. Block sending: invoices and "
        "payment reminders are not sent to customers whose billing details are incomplete.")

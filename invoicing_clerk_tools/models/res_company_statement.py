from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_statement_default = fields.Boolean(
        string="New Customers Receive Statements",
        help="Default of 'Receives Monthly Statements' on customers created from now on.")

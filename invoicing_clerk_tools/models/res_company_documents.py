from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clerk_keep_invoice_pdf = fields.Boolean(
        string="Keep Printed Invoices",
        help="Once an invoice or credit note is posted, its printed PDF (the one Odoo stores when it is sent or "
             "printed) is kept for audit: it cannot be deleted or replaced. Off: Odoo's usual behaviour.")

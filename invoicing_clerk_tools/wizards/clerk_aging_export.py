from urllib.parse import urlencode

from odoo import fields, models


class ClerkAgingExport(models.TransientModel):
    _name = "clerk.aging.export.wizard"
    _description = "Export Aged Open Customer Invoices"

    as_of = fields.Date(string="As Of", required=True, default=fields.Date.context_today,
                        help="Invoices are aged on this date.")

    def action_export(self):
        self.ensure_one()
        query = urlencode({"as_of": fields.Date.to_string(self.as_of),
                           "company_ids": ",".join(str(cid) for cid in self.env.companies.ids)})
        return {"type": "ir.actions.act_url", "url": f"/invoicing_clerk_tools/aging.xlsx?{query}", "target": "self"}

from urllib.parse import urlencode

from odoo import fields, models
from odoo.exceptions import UserError


class ClerkDiscrepancyExport(models.TransientModel):
    _name = "clerk.discrepancy.export.wizard"
    _description = "Export Discrepancies"

    date_from = fields.Date(string="From", help="Documents dated on or after this day; empty: from the start.")
    date_to = fields.Date(string="To", help="Documents dated on or before this day; empty: up to today.")
    partner_ids = fields.Many2many("res.partner", string="Vendors", help="Only these vendors; empty: every vendor.")

    def action_export(self):
        self.ensure_one()
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UserError(self.env._("From is after To: choose a From date on or before the To date."))
        params = {"company_ids": ",".join(str(cid) for cid in self.env.companies.ids)}
        if self.date_from:
            params["date_from"] = fields.Date.to_string(self.date_from)
        if self.date_to:
            params["date_to"] = fields.Date.to_string(self.date_to)
        if self.partner_ids:
            params["partner_ids"] = ",".join(str(pid) for pid in self.partner_ids.ids)
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/invoicing_clerk_tools/discrepancies.xlsx?{urlencode(params)}"}

from odoo import fields, models


class ClerkDiscrepancyAcceptWizard(models.TransientModel):
    _name = "clerk.discrepancy.accept.wizard"
    _description = "Accept Discrepancies"

    discrepancy_ids = fields.Many2many("clerk.discrepancy", string="Discrepancies", required=True)
    reason = fields.Text(required=True, help="Why the difference is accepted; recorded with your name and the date.")

    def action_confirm(self):
        self.ensure_one()
        self.discrepancy_ids.action_accept(self.reason)
        return {"type": "ir.actions.act_window_close"}

from odoo import fields, models


class ClerkInvoiceCorrectionWizard(models.TransientModel):
    """A dispute accepted from the portal is settled by the correction it leads to."""

    _inherit = "clerk.invoice.correction.wizard"

    dispute_id = fields.Many2one("clerk.dispute", string="Dispute", readonly=True)

    def action_confirm(self):
        action = super().action_confirm()
        if self.dispute_id:
            correction = self.env["account.move"].browse(action["res_id"])
            self.dispute_id._mark_accepted(correction)
        return action

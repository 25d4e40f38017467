from odoo import api, fields, models

from ..tools import matching


class ClerkDiscrepancyResolveWizard(models.TransientModel):
    _name = "clerk.discrepancy.resolve.wizard"
    _description = "Resolve Discrepancies"

    move_id = fields.Many2one("account.move", string="Bill", required=True, readonly=True)
    move_state = fields.Selection(related="move_id.state")
    discrepancy_ids = fields.Many2many(
        "clerk.discrepancy", string="Discrepancies", required=True,
        domain="[('move_id', '=', move_id), ('state', 'in', ('open', 'accepted'))]",
        compute="_compute_discrepancy_ids", store=True, readonly=False, precompute=True)
    how = fields.Selection([
        ("ask_vendor", "Ask the Vendor for a Credit Note"),
        ("refund", "Record a Vendor Refund for the Difference"),
        ("correct", "Correct the Bill to its Purchase Order"),
    ], string="Resolve By", required=True, compute="_compute_how", store=True, readonly=False, precompute=True,
        help="Ask the vendor: a mail listing the differences, with the bill attached; the discrepancies wait for "
             "the vendor's refund. Record a refund: a draft vendor refund of the amounts in excess (posted bills). "
             "Correct: the purchase order's price, discount, quantity or taxes on the draft bill.")

    @api.depends("move_id")
    def _compute_discrepancy_ids(self):
        for wizard in self:
            if wizard.discrepancy_ids:
                continue
            wizard.discrepancy_ids = wizard.move_id.clerk_discrepancy_ids.filtered(
                lambda d: matching.is_exception(d.state, d.within_tolerance))

    @api.depends("move_id")
    def _compute_how(self):
        for wizard in self:
            wizard.how = "correct" if wizard.move_id.state == "draft" else "refund"

    def action_confirm(self):
        self.ensure_one()
        discrepancies = self.discrepancy_ids
        if self.how == "ask_vendor":
            discrepancies.action_request_vendor_credit()
            return {"type": "ir.actions.act_window_close"}
        if self.how == "refund":
            refund = discrepancies.action_record_vendor_refund()
            return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": refund.id,
                    "view_mode": "form", "target": "current"}
        discrepancies.action_correct_bill()
        return {"type": "ir.actions.act_window_close"}

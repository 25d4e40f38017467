from collections import defaultdict

from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    """Sending invoices is refused for customers with incomplete billing details, where the company blocks it.

    ``_check_move_constraints`` is what the send wizards (single and batch),
    the invoice's Send button and ``_generate_and_send_invoices`` (API, cron)
    all check first.
    """

    _inherit = "account.move.send"

    @api.model
    def _check_move_constraints(self, moves):
        super()._check_move_constraints(moves)
        by_company = defaultdict(lambda: self.env["res.partner"])
        for move in moves:
            by_company[move.company_id] |= move.commercial_partner_id
        for company, partners in by_company.items():
            self.env["res.partner"]._clerk_check_billing(partners, company, self.env._("Sending invoices"))

from odoo import fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    clerk_portal_access_ids = fields.One2many("clerk.portal.access", "partner_id", string="Statement Links",
                                              groups="invoicing_clerk_tools.group_clerk")
    clerk_dispute_ids = fields.One2many("clerk.dispute", "partner_id", string="Disputes",
                                        groups="invoicing_clerk_tools.group_clerk")
    clerk_promise_ids = fields.One2many("clerk.payment.promise", "partner_id", string="Promises to Pay",
                                        groups="invoicing_clerk_tools.group_clerk")

    def _clerk_portal_statement_url(self, company=None):
        """The customer's statement link in ``company`` (default: the current one), with its token, valid for
        the company's number of days from today; False when the company does not use the portal."""
        self.ensure_one()
        company = company or self.env.company
        if not company.clerk_portal_enabled:
            return False
        return self.env["clerk.portal.access"]._for(self, company)._issue_url()

    def action_clerk_revoke_portal_links(self):
        """New tokens for the customers' statement links: every link sent so far stops working."""
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(self.env._("Only invoicing clerks revoke statement links."))
        self.check_access("read")
        self.env["clerk.portal.access"].sudo().search(
            [("partner_id", "in", self.commercial_partner_id.ids)])._revoke()
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": self.env._("The statement links sent so far no longer work."),
            "next": {"type": "ir.actions.act_window_close"}}}

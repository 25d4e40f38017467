from markupsafe import Markup, escape

from odoo import api, fields, models


class AccountMove(models.Model):
    """What customers said about their invoices in the portal: disputes and promises to pay."""

    _inherit = "account.move"

    clerk_dispute_ids = fields.One2many("clerk.dispute", "move_id", string="Disputes",
                                        groups="invoicing_clerk_tools.group_clerk")
    clerk_promise_ids = fields.One2many("clerk.payment.promise", "move_id", string="Promises to Pay",
                                        groups="invoicing_clerk_tools.group_clerk")

    def _clerk_portal_responsible(self):
        """Who answers the customer: the invoice's responsible clerk, else the customer's, else the salesperson."""
        self.ensure_one()
        return (self.clerk_user_id or self.commercial_partner_id.clerk_user_id or self.invoice_user_id
                or self.company_id.partner_id.user_ids[:1] or self.env.ref("base.user_admin"))

    def _clerk_tell_customer(self, body, author=None):
        """A message to the invoice's customer, by e-mail and in the invoice's chatter (visible in the portal)."""
        self.ensure_one()
        if not isinstance(body, Markup):
            body = Markup("<p>%s</p>") % escape(body)
        author = author or self._clerk_portal_responsible().partner_id
        self.sudo().message_post(body=body, author_id=author.id, message_type="comment",
                                 subtype_xmlid="mail.mt_comment", partner_ids=self.partner_id.ids)

    @api.model
    def _clerk_promises_broken(self, today, companies):
        broken = super()._clerk_promises_broken(today, companies)
        self.env["clerk.payment.promise"]._mark_broken(broken)
        return broken

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

TEAM_GROUP = "invoicing_clerk_tools.group_clerk_team_view"


class ClerkReassignWizard(models.TransientModel):
    """Give invoices, bills or customers to another clerk, many at once.

    Any clerk may hand documents over; customers (whose clerk every new document
    follows) are reassigned by team leaders (Team Queues group) and Clerk Managers.
    """

    _name = "clerk.reassign.wizard"
    _description = "Reassign to Another Clerk"

    move_ids = fields.Many2many("account.move", string="Documents")
    partner_ids = fields.Many2many("res.partner", string="Customers")
    user_id = fields.Many2one("res.users", string="New Responsible Clerk", required=True,
                              domain="[('share', '=', False)]")
    include_documents = fields.Boolean(
        string="Also Their Open Documents", default=True,
        help="Reassign the customers' draft and unpaid invoices and bills as well.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if model == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [(6, 0, ids)]
        elif model == "res.partner" and "partner_ids" in fields_list:
            values["partner_ids"] = [(6, 0, ids)]
        return values

    def action_reassign(self):
        self.ensure_one()
        user = self.env.user
        if not user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(self.env._("Only invoicing clerks may reassign work."))
        if not self.move_ids and not self.partner_ids:
            raise UserError(self.env._("Documents: select the invoices, bills or customers to reassign."))
        target = self.user_id
        if not target.has_group("invoicing_clerk_tools.group_clerk"):
            raise UserError(self.env._(
                "New Responsible Clerk: %(user)s is not an invoicing clerk; choose a member of the Invoicing Clerk "
                "group.", user=target.name))
        moves = self.move_ids
        if self.partner_ids:
            if not user.has_group(TEAM_GROUP):
                raise AccessError(self.env._(
                    "Only team leaders (Team Queues group) and Clerk Managers may reassign customers."))
            partners = self.partner_ids.commercial_partner_id
            partners.check_access("read")
            partners.sudo().write({"clerk_user_id": target.id})
            if self.include_documents:
                moves |= self.env["account.move"].search([
                    ("commercial_partner_id", "in", partners.ids),
                    ("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund")),
                    "|", ("state", "=", "draft"),
                    "&", ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial")),
                ])
        outside = moves.company_id - target.company_ids
        if outside:
            raise UserError(self.env._(
                "New Responsible Clerk: %(user)s has no access to %(companies)s; choose a clerk of that company.",
                user=target.name, companies=", ".join(outside.mapped("name"))))
        if moves:
            moves.check_access("write")
            moves.write({"clerk_user_id": target.id})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Reassigned"),
                "message": self.env._("%(moves)s document(s) and %(partners)s customer(s) now with %(user)s.",
                                      moves=len(moves), partners=len(self.partner_ids), user=target.name),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

from collections import defaultdict

from odoo import fields, models

OPEN_DOMAIN = [
    ("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund")),
    "|", ("state", "=", "draft"), "&", ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial")),
]


class ResUsers(models.Model):
    """Clerk teams and the workload of each clerk (open documents, amounts, oldest), in grouped queries."""

    _inherit = "res.users"

    clerk_team_ids = fields.Many2many("clerk.team", "clerk_team_member_rel", "user_id", "team_id",
                                      string="Clerk Teams")
    clerk_open_count = fields.Integer(string="Open Items", compute="_compute_clerk_workload",
                                      help="Draft, and posted unpaid, invoices and bills assigned to the clerk.")
    clerk_open_amount = fields.Monetary(string="Open Amount", compute="_compute_clerk_workload",
                                        currency_field="clerk_workload_currency_id",
                                        help="What is still due on them, in company currency (invoices and bills "
                                        "alike, as positive amounts).")
    clerk_oldest_date = fields.Date(string="Oldest Item", compute="_compute_clerk_workload",
                                    help="Accounting date of the oldest open document.")
    clerk_customer_count = fields.Integer(string="Customers", compute="_compute_clerk_workload")
    clerk_workload_currency_id = fields.Many2one("res.currency", compute="_compute_clerk_workload")

    def _compute_clerk_workload(self):
        count = defaultdict(int)
        amount = defaultdict(float)
        oldest = {}
        Move = self.env["account.move"]
        if Move.has_access("read"):
            for user, _type, number, residual, first in Move._read_group(
                    [("clerk_user_id", "in", self.ids), ("company_id", "in", self.env.companies.ids), *OPEN_DOMAIN],
                    ["clerk_user_id", "move_type"], ["__count", "amount_residual_signed:sum", "date:min"]):
                count[user.id] += number
                amount[user.id] += abs(residual)
                oldest[user.id] = min(filter(None, (oldest.get(user.id), first)), default=False)
        customers = dict(self.env["res.partner"]._read_group(
            [("clerk_user_id", "in", self.ids), ("parent_id", "=", False)],
            ["clerk_user_id"], ["__count"]))
        for user in self:
            user.clerk_open_count = count[user.id]
            user.clerk_open_amount = amount[user.id]
            user.clerk_oldest_date = oldest.get(user.id, False)
            user.clerk_customer_count = customers.get(user, 0)
            user.clerk_workload_currency_id = self.env.company.currency_id

    def action_clerk_open_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update({
            "name": self.env._("Open Items of %s", self.name),
            "domain": [("clerk_user_id", "=", self.id), *OPEN_DOMAIN],
            "context": {"create": False},
        })
        return action

from odoo import api, fields, models


class ResPartner(models.Model):
    """Customers receiving monthly statements of account, and the statements they were sent."""

    _inherit = "res.partner"

    clerk_statement_send = fields.Boolean(
        string="Receives Monthly Statements", tracking=True,
        default=lambda self: self.env.company.clerk_statement_default,
        help="The monthly run sends this customer a statement of account for the last month (customers with "
        "nothing open and no movement are skipped). New customers get the company setting's default.")
    clerk_statement_log_ids = fields.One2many("clerk.statement.log", "partner_id", string="Statements Sent")
    clerk_statement_count = fields.Integer(compute="_compute_clerk_statement_count")

    def _compute_clerk_statement_count(self):
        counts = dict(self.env["clerk.statement.log"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.clerk_statement_count = counts.get(partner.commercial_partner_id, 0)

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "clerk_statement_send"]

    def action_clerk_statement_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement of Account"),
            "res_model": "clerk.statement.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_clerk_statement_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("invoicing_clerk_tools.clerk_statement_log_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

from odoo import Command, api, fields, models


class ClerkWorkspaceDemo(models.AbstractModel):
    """Demo data only (``demo/clerk_workspace_demo.xml``): what the daily jobs and a clerk would have done by now,
    through the addon's own code, so that every workspace card has work on a demo database."""

    _name = "clerk.workspace.demo"
    _description = "Clerk Workspace Demo Data"

    @api.model
    def _run_reminders(self, partner_ids):
        """Today's reminder steps for the open invoices of these customers, as the daily run plans and performs
        them (without its commits, which an installation must not make)."""
        Schedule = self.env["clerk.reminder.schedule"].sudo()
        today = fields.Date.context_today(self)
        others = self.env["account.move"].sudo().search(
            [("move_type", "=", "out_invoice"), ("commercial_partner_id", "not in", partner_ids)]).ids
        messages = Schedule._plan(today, self.env["res.company"].sudo().search([]), exclude=others)
        for batch in Schedule._batches(messages):
            Schedule._perform_batch(batch, today)

    @api.model
    def _send_statement(self, partner_id, user_id):
        """A clerk sends last month's statement of account to one customer from the statement wizard."""
        self.env["clerk.statement.wizard"].with_user(user_id).create({
            "partner_ids": [Command.set([partner_id])], "include_empty": True,
        }).action_send()

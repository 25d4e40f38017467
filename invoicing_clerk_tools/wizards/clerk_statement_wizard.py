import base64
import io

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import statement


class ClerkStatementWizard(models.TransientModel):
    """Print, export or send the statements of account of chosen customers for a period."""

    _name = "clerk.statement.wizard"
    _description = "Statement of Account"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: statement.previous_month(fields.Date.context_today(self))[0])
    date_to = fields.Date(string="To", required=True,
                          default=lambda self: statement.previous_month(fields.Date.context_today(self))[1])
    include_empty = fields.Boolean(
        string="Send Even If Empty",
        help="Also send to customers with no movement in the period and nothing open (skipped otherwise).")
    resend = fields.Boolean(string="Send Again If Already Sent",
                            help="Customers already sent this period's statement get it again.")
    xlsx_file = fields.Binary(readonly=True, attachment=False)
    xlsx_name = fields.Char()

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("From: the period starts after it ends; choose a start date on or before "
                                           "the end date."))

    def _check_clerk(self):
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(self.env._("Only invoicing clerks may print or send statements of account."))
        self.partner_ids.check_access("read")

    def action_print(self):
        self.ensure_one()
        self._check_clerk()
        partners = self.partner_ids.commercial_partner_id
        # the customers go in ``data``: the web client drops the document ids of a report called with data
        return self.env.ref("invoicing_clerk_tools.action_report_clerk_statement_partner").report_action(
            partners, data={"date_from": str(self.date_from), "date_to": str(self.date_to),
                            "company_id": self.company_id.id, "partner_ids": partners.ids})

    def action_export_xlsx(self):
        self.ensure_one()
        self._check_clerk()
        buffer = io.BytesIO()
        self.env["clerk.statement.report"].with_company(self.company_id).export_xlsx(
            buffer, self.company_id, self.partner_ids, self.date_from, self.date_to)
        self.write({"xlsx_file": base64.b64encode(buffer.getvalue()),
                    "xlsx_name": f"statements_{self.date_from}_{self.date_to}.xlsx"})
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_name}?download=true"}

    def action_send(self):
        """One customer: rendered and queued at once. Several: queued for the statement job (never rendered here)."""
        self.ensure_one()
        self._check_clerk()
        Log = self.env["clerk.statement.log"]
        logs = Log._ensure(self.company_id, self.partner_ids, self.date_from, self.date_to,
                                 include_empty=self.include_empty)
        again = logs.filtered(lambda log: log.state != "pending" and (self.resend or log.state in ("failed",
                                                                                                    "skipped")))
        again.sudo().write({"state": "pending", "user_id": self.env.user.id})
        to_send = logs.filtered(lambda log: log.state == "pending")
        to_send.sudo().write({"include_empty": self.include_empty})
        if len(to_send) == 1:
            to_send.sudo()._send()
            message = self.env._("Statement of %(customer)s: %(state)s.", customer=to_send.partner_id.display_name,
                                 state=dict(to_send._fields["state"]._description_selection(self.env))[to_send.state])
        else:
            if to_send:
                self.env.ref("invoicing_clerk_tools.ir_cron_clerk_statements").sudo()._trigger()
            message = self.env._("%(count)s statement(s) queued; the statement job sends them in the background.",
                                 count=len(to_send))
        skipped = len(logs) - len(to_send)
        if skipped:
            message += " " + self.env._("%s already sent for this period (tick 'Send Again' to resend).", skipped)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": self.env._("Statements of account"), "message": message, "type": "info",
                       "next": {"type": "ir.actions.act_window_close"}},
        }

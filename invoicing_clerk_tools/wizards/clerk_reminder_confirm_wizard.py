from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkReminderConfirmWizard(models.TransientModel):
    """A clerk reviews a reminder waiting for confirmation, edits its wording if needed, sends or skips it."""

    _name = "clerk.reminder.confirm.wizard"
    _description = "Confirm Payment Reminder"

    log_id = fields.Many2one("clerk.reminder.log", string="Reminder", required=True, readonly=True)
    action = fields.Selection(related="log_id.action")
    partner_id = fields.Many2one(related="log_id.partner_id")
    recipient_id = fields.Many2one(related="log_id.recipient_id")
    step_id = fields.Many2one(related="log_id.step_id")
    move_ids = fields.Many2many("account.move", string="Invoices", compute="_compute_move_ids")
    amount_due = fields.Monetary(related="log_id.message_amount_due")
    currency_id = fields.Many2one(related="log_id.currency_id")
    subject = fields.Char(help="The subject the customer receives; edit it if needed.")
    body = fields.Html(help="The message the customer receives; edit it if needed.", sanitize_style=True)

    @api.depends("log_id")
    def _compute_move_ids(self):
        for wizard in self:
            wizard.move_ids = wizard.log_id.sudo().message_move_ids

    @api.model_create_multi
    def create(self, vals_list):
        Log = self.env["clerk.reminder.log"]
        for vals in vals_list:
            log = Log.browse(vals.get("log_id"))
            log.check_access("read")
            if not vals.get("subject") and not vals.get("body") and log.action in ("email", "letter"):
                vals["subject"], vals["body"] = Log.sudo()._preview(log.sudo())
        return super().create(vals_list)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        log = self.env["clerk.reminder.log"].browse(values.get("log_id"))
        if log and {"subject", "body"} & set(fields_list) and log.action in ("email", "letter"):
            log.check_access("read")
            values["subject"], values["body"] = self.env["clerk.reminder.log"].sudo()._preview(log.sudo())
        return values

    def action_send(self):
        self.ensure_one()
        if self.log_id.action in ("email", "letter") and not (self.subject or "").strip():
            raise UserError(self.env._("Subject: a reminder needs a subject."))
        editable = self.log_id.action in ("email", "letter")
        self.log_id._confirm(subject=self.subject if editable else None, body=self.body if editable else None)
        return {"type": "ir.actions.act_window_close"}

    def action_skip(self):
        self.ensure_one()
        self.log_id._skip()
        return {"type": "ir.actions.act_window_close"}

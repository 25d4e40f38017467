from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkReminderConfirmWizard(models.TransientModel):
    """A clerk reviews a reminder waiting for confirmation, edits its wording if needed, sends or skips it."""

    _name = "clerk.reminder.confirm.wizard"
    _description = "Confirm Payment Reminder"

    communication_id = fields.Many2one("clerk.reminder.communication", string="Reminder", required=True,
                                       readonly=True)
    channel = fields.Selection(related="communication_id.channel")
    partner_id = fields.Many2one(related="communication_id.partner_id")
    recipient_name = fields.Char(related="communication_id.recipient_name")
    step_id = fields.Many2one(related="communication_id.step_id")
    move_ids = fields.Many2many("account.move", string="Invoices", compute="_compute_move_ids")
    amount_due = fields.Monetary(related="communication_id.message_amount_due")
    currency_id = fields.Many2one(related="communication_id.currency_id")
    subject = fields.Char(help="The subject the customer receives; edit it if needed.")
    body = fields.Html(help="The message the customer receives; edit it if needed.", sanitize_style=True)

    @api.depends("communication_id")
    def _compute_move_ids(self):
        for wizard in self:
            wizard.move_ids = wizard.communication_id.sudo().message_move_ids

    @api.model
    def _wording(self, communication_id):
        """The subject and body to review, for a mail or a letter; ``None`` otherwise."""
        communication = self.env["clerk.reminder.communication"].browse(communication_id)
        if not communication:
            return None
        communication.check_access("read")
        if communication.sudo().channel not in ("email", "letter"):
            return None
        return communication.sudo()._preview()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            wording = self._wording(vals.get("communication_id"))
            if not vals.get("subject") and not vals.get("body") and wording:
                vals["subject"], vals["body"] = wording
        return super().create(vals_list)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if {"subject", "body"} & set(fields_list):
            wording = self._wording(values.get("communication_id"))
            if wording:
                values["subject"], values["body"] = wording
        return values

    def action_send(self):
        self.ensure_one()
        editable = self.communication_id.channel in ("email", "letter")
        if editable and not (self.subject or "").strip():
            raise UserError(self.env._("Subject: a reminder needs a subject."))
        self.communication_id._confirm(subject=self.subject if editable else None,
                                       body=self.body if editable else None)
        return {"type": "ir.actions.act_window_close"}

    def action_skip(self):
        self.ensure_one()
        self.communication_id._skip()
        return {"type": "ir.actions.act_window_close"}

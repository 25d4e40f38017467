from odoo import fields, models
from odoo.exceptions import UserError


class ClerkPostOverrideWizard(models.TransientModel):
    _name = "clerk.post.override.wizard"
    _description = "Post Before Ready"

    move_ids = fields.Many2many("account.move", string="Entries", required=True)
    reason = fields.Text(required=True, help="Why these entries must be posted before they are ready. Recorded.")

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give a reason for posting before the entries are ready."))
        self.move_ids.with_context(clerk_override_reason=self.reason.strip())._post(soft=False)
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkPostOverride(models.Model):
    _name = "clerk.post.override"
    _inherit = ["clerk.history.mixin"]
    _description = "Emergency Posting Override"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", string="Journal Entry", required=True, readonly=True,
                              ondelete="restrict", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Posted By", required=True, readonly=True,
                              default=lambda self: self.env.user)
    reason = fields.Text(required=True, readonly=True, help="Why the entry had to be posted before it was ready.")
    bypassed = fields.Text(string="Outstanding When Posted", readonly=True,
                           help="What was still blocking the entry when it was posted.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not (vals.get("reason") or "").strip():
                raise UserError(self.env._("An emergency posting needs a reason: fill in the Reason field."))
        if not self.env.su:
            self.env["res.company"].browse({vals["company_id"] for vals in vals_list})._clerk_check_override_group()
        return super().create(vals_list)

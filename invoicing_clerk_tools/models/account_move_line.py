from odoo import api, models


class AccountMoveLine(models.Model):
    """Lines changed directly (not through their move) also void the approvals of their move."""

    _inherit = "account.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        move_ids = {vals["move_id"] for vals in vals_list if isinstance(vals.get("move_id"), int)}
        with self.env["account.move"].browse(move_ids)._clerk_watch_approvals():
            return super().create(vals_list)

    def write(self, vals):
        with self.move_id._clerk_watch_approvals():
            return super().write(vals)

    def unlink(self):
        with self.move_id._clerk_watch_approvals():
            return super().unlink()

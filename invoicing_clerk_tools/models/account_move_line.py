from odoo import api, models

from .account_move_matching import LINE_TRIGGER_FIELDS


class AccountMoveLine(models.Model):
    """Lines changed directly (not through their move) also void the approvals of their move and check its bill
    against purchase orders again."""

    _inherit = "account.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        move_ids = {vals["move_id"] for vals in vals_list if isinstance(vals.get("move_id"), int)}
        Move = self.env["account.move"]
        with Move.browse(move_ids)._clerk_watch_approvals(), Move._clerk_match_on_save() as outermost:
            lines = super().create(vals_list)
        if outermost:
            lines.move_id._clerk_match_check()
        return lines

    def write(self, vals):
        check = bool(LINE_TRIGGER_FIELDS.intersection(vals))
        with self.move_id._clerk_watch_approvals(), self.env["account.move"]._clerk_match_on_save() as outermost:
            result = super().write(vals)
        if outermost and check:
            self.move_id._clerk_match_check()
        return result

    def unlink(self):
        with self.move_id._clerk_watch_approvals():
            return super().unlink()

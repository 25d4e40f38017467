from odoo import api, models
from odoo.exceptions import UserError

from .account_move_matching import LINE_TRIGGER_FIELDS


class AccountMoveLine(models.Model):
    """Lines changed directly (not through their move) also void the approvals of their move and check its bill
    against purchase orders again."""

    _inherit = "account.move.line"

    def _clerk_refuse_parent_state(self, moves):
        """A line's status is its entry's: written on lines, reports would count a draft's lines as posted."""
        raise UserError(self.env._(
            "The status of the lines of %s cannot be written: it is the status of their entry. Post the entry with "
            "Confirm (which checks that it is ready to post), or reset it to draft.",
            moves._clerk_labels() or self.env._("a journal entry")))

    @api.model_create_multi
    def create(self, vals_list):
        if any("parent_state" in vals for vals in vals_list) or self.env.context.get("default_parent_state"):
            self._clerk_refuse_parent_state(self.env["account.move"].browse(
                {vals["move_id"] for vals in vals_list if isinstance(vals.get("move_id"), int)}))
        move_ids = {vals["move_id"] for vals in vals_list if isinstance(vals.get("move_id"), int)}
        Move = self.env["account.move"]
        with Move.browse(move_ids)._clerk_watch_approvals(), Move._clerk_match_on_save() as outermost:
            lines = super().create(vals_list)
        if outermost:
            lines.move_id._clerk_match_check()
        return lines

    def write(self, vals):
        if "parent_state" in vals:
            self._clerk_refuse_parent_state(self.move_id)
        check = bool(LINE_TRIGGER_FIELDS.intersection(vals))
        with self.move_id._clerk_watch_approvals(), self.env["account.move"]._clerk_match_on_save() as outermost:
            result = super().write(vals)
        if outermost and check:
            self.move_id._clerk_match_check()
        return result

    def unlink(self):
        with self.move_id._clerk_watch_approvals():
            return super().unlink()

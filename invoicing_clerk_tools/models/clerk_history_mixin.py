from odoo import api, models
from odoo.exceptions import UserError


class ClerkHistoryMixin(models.AbstractModel):
    """Records that are history: written once, never changed or deleted afterwards.

    A model lists in ``_history_open_fields`` what its own code (as
    superuser) still moves on after creation: a state, what the mail queue
    reports back, who confirmed. Everything else stays as recorded, for
    everyone; people change nothing directly (they use the model's buttons);
    and nobody deletes history.
    """

    _name = "clerk.history.mixin"
    _description = "History Record"

    _history_open_fields = frozenset()

    def write(self, vals):
        if self and (not self.env.su or not self._history_open_fields.issuperset(vals)):
            self.check_access("write")
            raise UserError(self._history_refusal(self.env._("cannot be changed")))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_history(self):
        raise UserError(self._history_refusal(self.env._("cannot be deleted")))

    def _history_refusal(self, what):
        names = ", ".join(self[:3].sudo().mapped("display_name")) + (", …" if len(self) > 3 else "")
        model = self.env["ir.model"]._get(self._name).name  # the model's name in the user's language
        message = self.env._("%(model)s %(names)s: this is history, it %(what)s.", model=model, names=names,
                             what=what)
        hint = self._history_hint()
        return f"{message} {hint}" if hint else message

    def _history_hint(self):
        """What to do instead, for people; empty by default."""
        return ""

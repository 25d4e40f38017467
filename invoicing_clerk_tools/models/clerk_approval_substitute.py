from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import approval


class ClerkApprovalSubstitute(models.Model):
    """An approver's out-of-office: who approves in their place, and from when to when.

    Substitutions are history too: once saved they are not edited or deleted;
    one can only be ended early with its End Now button.
    """

    _name = "clerk.approval.substitute"
    _description = "Approval Substitute (Out of Office)"
    _inherit = ["clerk.history.mixin"]
    _history_open_fields = frozenset({"ended_on"})  # End Now
    _order = "date_from desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Approver Away", required=True, index=True,
                              default=lambda self: self.env.user, domain="[('share', '=', False)]",
                              help="The approver who is out of office.")
    substitute_id = fields.Many2one("res.users", string="Substitute", required=True, index=True,
                                    domain="[('share', '=', False)]",
                                    help="Approves in the absent approver's place while the substitution lasts.")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", required=True, help="Last day of the absence (included).")
    note = fields.Char(help="e.g. holiday, training.")
    is_active = fields.Boolean(string="In Effect", compute="_compute_is_active")
    ended_on = fields.Date(string="Ended On", readonly=True,
                           help="Ended early with End Now: not in effect from this day on.")

    @api.depends("date_from", "date_to", "ended_on")
    @api.depends_context("tz")
    def _compute_is_active(self):
        today = fields.Date.context_today(self)
        for substitute in self:
            substitute.is_active = approval.substitution_active(substitute.date_from, substitute.date_to, today) and (
                not substitute.ended_on or substitute.ended_on > today)

    @api.constrains("user_id", "substitute_id", "date_from", "date_to")
    def _check_dates_and_people(self):
        approver_group = self.env.ref("invoicing_clerk_tools.group_approver")
        for substitute in self:
            if substitute.date_to < substitute.date_from:
                raise ValidationError(self.env._("To (%(to)s) is before From (%(from)s): set the last day of the "
                                                 "absence on or after its first day.",
                                                 to=substitute.date_to, **{"from": substitute.date_from}))
            if substitute.user_id == substitute.substitute_id:
                raise ValidationError(self.env._("Substitute: choose someone other than the approver away."))
            if approver_group not in substitute.substitute_id.all_group_ids:
                raise ValidationError(self.env._(
                    "Substitute: %s is not a Billing Approver; choose an approver, or ask a Clerk Manager to make "
                    "them one.", substitute.substitute_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group("invoicing_clerk_tools.group_manager"):
            for vals in vals_list:
                if vals.get("user_id", self.env.uid) != self.env.uid:
                    raise UserError(self.env._("Approver Away: you can name a substitute for yourself only; a Clerk "
                                               "Manager can do it for others."))
        return super().create(vals_list)

    def _history_hint(self):
        return self.env._("End a substitution with End Now, and create a new one.")

    def action_end_now(self):
        """End a substitution from today on: the only change allowed, recorded in Ended On."""
        self.check_access("read")
        today = fields.Date.context_today(self)
        for substitute in self:
            if substitute.user_id != self.env.user and not self.env.user.has_group(
                    "invoicing_clerk_tools.group_manager"):
                raise UserError(self.env._("Only %s or a Clerk Manager can end this substitution.",
                                           substitute.user_id.name))
            if not substitute.ended_on and substitute.date_to >= today:
                substitute.sudo().write({"ended_on": today})

    # ------------------------------------------------------------ lookups
    @api.model
    def _active_for(self, users):
        """Substitutions in effect today for the absent ``users``."""
        if not users:
            return self.browse()
        today = fields.Date.context_today(self)
        return self.sudo().search([("user_id", "in", users.ids), *self._in_effect_domain(today)])

    @api.model
    def _substituted_by(self, user):
        """The approvers ``user`` stands in for today."""
        today = fields.Date.context_today(self)
        return self.sudo().search([("substitute_id", "=", user.id), *self._in_effect_domain(today)]).user_id

    @api.model
    def _in_effect_domain(self, today):
        return [("date_from", "<=", today), ("date_to", ">=", today), "|", ("ended_on", "=", False),
                ("ended_on", ">", today)]

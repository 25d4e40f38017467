from odoo import api, fields, models
from odoo.exceptions import ValidationError

ACTIONS = [
    ("email", "Email"),
    ("todo", "To-Do Activity"),
    ("call", "Phone Call Activity"),
    ("letter", "Printable Letter"),
    ("escalation", "Escalation"),
]
CUSTOMER_CONTACT_ACTIONS = ("email", "call", "letter")
# Steps are edited inside their schedule's form: their changes are logged in the schedule's chatter.
LOGGED_FIELDS = ("name", "offset_days", "action", "mail_template_id", "min_amount", "attach_pdf", "manual",
                 "escalation_user_id", "escalation_group_id")


class ClerkReminderStep(models.Model):
    _name = "clerk.reminder.step"
    _description = "Payment Reminder Step"
    _order = "schedule_id, offset_days, id"
    _check_company_auto = True

    schedule_id = fields.Many2one("clerk.reminder.schedule", string="Schedule", required=True, ondelete="cascade",
                                  index=True)
    company_id = fields.Many2one(related="schedule_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    name = fields.Char(required=True, translate=True, help="What the clerk calls this step, e.g. 'First reminder'.")
    offset_days = fields.Integer(
        string="Days From Due Date", required=True, default=0,
        help="When the step is due, counted from the invoice's due date. Negative: before the due date "
        "(a courtesy notice, only sent while the invoice is not yet due). In working days when the "
        "schedule counts working days only.",
    )
    action = fields.Selection(ACTIONS, required=True, default="email",
                              help="Email: a mail from the template to the customer. To-Do / Phone Call: an "
                              "activity for the responsible clerk. Printable Letter: a PDF letter to print and post. "
                              "Escalation: an activity and a message to the escalation user or group.")
    mail_template_id = fields.Many2one(
        "mail.template", string="Mail Template", domain="[('model', '=', 'clerk.reminder.log')]",
        help="The message sent for an email step, rendered on the reminder log in the customer's language.",
    )
    letter_opening = fields.Html(
        string="Letter Opening", translate=True, sanitize=True,
        help="Printable letters: the paragraph before the list of invoices, in the customer's language (translate "
        "it with the language button). Empty: the standard wording ('According to our records, the invoices below "
        "are still unpaid...').")
    letter_closing = fields.Html(
        string="Letter Closing", translate=True, sanitize=True,
        help="Printable letters: the paragraph after the amount due and how to pay, before the signature. Empty: "
        "the standard wording ('If you have paid in the meantime, please disregard this letter...').")
    min_amount = fields.Monetary(
        string="Minimum Amount Due", currency_field="currency_id", default=0.0,
        help="Invoices whose amount due (company currency) is below this amount are not reminded at this step.",
    )
    attach_pdf = fields.Boolean(string="Attach Invoice PDFs",
                                help="Attach the stored PDF of each invoice. Invoices without a stored PDF are "
                                "sent without it and the log says so.")
    manual = fields.Boolean(string="Needs Confirmation",
                            help="The reminder waits in 'Reminders to confirm' until a clerk previews it and "
                            "sends or skips it.")
    note = fields.Html(string="Activity Note", help="The text of the activity for activity and escalation steps.")
    escalation_user_id = fields.Many2one("res.users", string="Escalate To",
                                         domain="[('share', '=', False)]",
                                         help="Escalation steps: the user who receives the activity and the message.")
    escalation_group_id = fields.Many2one("res.groups", string="Escalate To Group",
                                          help="Escalation steps: every member of this group receives the activity "
                                          "and the message (when no user is set).")

    @api.constrains("offset_days", "schedule_id")
    def _check_offset_unique(self):
        for schedule in self.schedule_id:
            offsets = schedule.step_ids.mapped("offset_days")
            duplicated = sorted({offset for offset in offsets if offsets.count(offset) > 1})
            if duplicated:
                raise ValidationError(self.env._(
                    "Days From Due Date: schedule %(schedule)s has two steps at %(days)s days. Give each step its "
                    "own day.", schedule=schedule.name, days=duplicated[0]))

    @api.constrains("action", "mail_template_id", "min_amount", "escalation_user_id", "escalation_group_id")
    def _check_configuration(self):
        for step in self:
            if step.min_amount < 0:
                raise ValidationError(self.env._(
                    "Minimum Amount Due of step %(step)s is below zero: enter 0 or more.", step=step.name))
            if step.action == "email" and not step.mail_template_id:
                raise ValidationError(self.env._(
                    "Mail Template: step %(step)s sends an email but has no template. Choose a mail template (e.g. "
                    "'Payment reminder').", step=step.name))
            if step.mail_template_id and step.mail_template_id.model != "clerk.reminder.log":
                raise ValidationError(self.env._(
                    "Mail Template of step %(step)s must be a template of Reminder Logs (clerk.reminder.log).",
                    step=step.name))
            if step.action == "escalation" and not step._escalation_users():
                raise ValidationError(self.env._(
                    "Escalate To: escalation step %(step)s has nobody to escalate to. Set a user or a group with "
                    "members on the step, or an escalation user or group on the schedule.", step=step.name))

    # ------------------------------------------------------------ history on the schedule
    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        if steps._logs_changes():
            for step in steps:
                step.schedule_id._message_log(body=self.env._("Step added: %s", step._log_summary()))
        return steps

    def write(self, vals):
        names = [name for name in LOGGED_FIELDS if name in vals]
        logged = names and self._logs_changes()
        before = {step.id: {name: step[name] for name in names} for step in self} if logged else {}
        result = super().write(vals)
        if logged:
            tracked = self.fields_get(names, attributes=("string", "type", "selection", "currency_field"))
            for step in self:
                _changed, tracking_values = step._mail_track(tracked, before[step.id])
                if tracking_values:
                    step.schedule_id._message_log(body=self.env._("Step changed: %s", step.display_name),
                                                  tracking_value_ids=tracking_values)
        return result

    def unlink(self):
        if self._logs_changes():
            for step in self:
                step.schedule_id._message_log(body=self.env._("Step removed: %s", step._log_summary()))
        return super().unlink()

    def _logs_changes(self):
        """Whether step changes are logged on the schedule: not while modules load their data, nor when tracking
        is switched off."""
        context = self.env.context
        return not (context.get("install_mode") or context.get("tracking_disable") or context.get("mail_notrack"))

    def _log_summary(self):
        """One line telling what the step does, e.g. 'First reminder (day 7), Email: Payment Reminder'."""
        self.ensure_one()
        action = dict(self._fields["action"]._description_selection(self.env))[self.action]
        what = f"{action}: {self.mail_template_id.display_name}" if self.mail_template_id else action
        return f"{self.display_name}, {what}"

    def _escalation_users(self):
        """Who receives an escalation of this step: its user, else its group, else the schedule's."""
        self.ensure_one()
        schedule = self.schedule_id
        for user, group in ((self.escalation_user_id, self.escalation_group_id),
                            (schedule.escalation_user_id, schedule.escalation_group_id)):
            if user:
                return user
            if group:
                users = group.sudo().all_user_ids.filtered(lambda u: not u.share and u.active)
                if users:
                    return users
        return self.env["res.users"]

    @api.depends("name", "offset_days")
    def _compute_display_name(self):
        for step in self:
            step.display_name = self.env._("%(name)s (day %(days)s)", name=step.name or "", days=step.offset_days)

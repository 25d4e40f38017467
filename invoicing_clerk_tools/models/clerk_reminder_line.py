from odoo import api, fields, models


class ClerkReminderLine(models.Model):
    """One reminder step performed (or waiting) for one invoice, and the communication that carried it.

    (invoice, step) is unique: a step can never be recorded, hence sent, twice,
    whatever reruns, parallel runs or crashes do. A thank-you line has no step
    and is unique per invoice. Lines are written only by the run (as superuser);
    nobody edits or deletes them.
    """

    _name = "clerk.reminder.line"
    _description = "Payment Reminder Line"
    _inherit = ["clerk.history.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    communication_id = fields.Many2one("clerk.reminder.communication", string="Communication", required=True,
                                       readonly=True, index=True, ondelete="restrict")
    kind = fields.Selection([("reminder", "Reminder"), ("thanks", "Thank You")], required=True, default="reminder",
                            readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    schedule_id = fields.Many2one("clerk.reminder.schedule", string="Schedule", readonly=True, index=True,
                                  ondelete="restrict", check_company=True)
    step_id = fields.Many2one("clerk.reminder.step", string="Step", readonly=True, index=True, ondelete="restrict")
    offset_days = fields.Integer(string="Step Day", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True, index=True,
                              ondelete="restrict", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(string="Amount Due", readonly=True, currency_field="currency_id",
                                 help="The invoice's amount due (company currency) when the step was recorded.")
    days_overdue = fields.Integer(string="Days Overdue", readonly=True,
                                  help="Days past the due date when the step was recorded (negative: not yet due).")
    date = fields.Date(required=True, readonly=True, index=True, default=fields.Date.context_today)
    is_final = fields.Boolean(string="Last Step", readonly=True)
    # what became of it is the communication's
    channel = fields.Selection(related="communication_id.channel")
    recipient_name = fields.Char(related="communication_id.recipient_name", string="Sent To")
    state = fields.Selection(related="communication_id.state", string="Status")
    failure_reason = fields.Selection(related="communication_id.failure_reason")

    _unique_move_step = models.Constraint(
        "UNIQUE(move_id, step_id)", "A reminder step is recorded once per invoice: it was already performed.")
    _unique_thanks = models.UniqueIndex("(move_id) WHERE kind = 'thanks'",
                                        "A payment is thanked once per invoice.")

    @api.depends("step_id", "move_id", "kind")
    def _compute_display_name(self):
        for line in self:
            what = line.step_id.name if line.kind == "reminder" else self.env._("Thank you")
            line.display_name = f"{line.move_id.name or ''} - {what or ''}"

    def _history_hint(self):
        return self.env._("Open its communication to confirm, skip or print it.")

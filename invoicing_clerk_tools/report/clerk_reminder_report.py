from odoo import api, models
from odoo.tools import LazyTranslate

from ..tools import aging, xlsx

_lt = LazyTranslate(__name__)

LOG_COLUMNS = (
    xlsx.Column(_lt("Date"), "date", 12),
    xlsx.Column(_lt("Company"), "text", 20),
    xlsx.Column(_lt("Customer"), "text", 30),
    xlsx.Column(_lt("Invoice"), "text", 18),
    xlsx.Column(_lt("Schedule"), "text", 20),
    xlsx.Column(_lt("Step"), "text", 22),
    xlsx.Column(_lt("Step Day"), "int", 8),
    xlsx.Column(_lt("Action"), "text", 16),
    xlsx.Column(_lt("Sent To"), "text", 26),
    xlsx.Column(_lt("Amount Due"), "money", 14),
    xlsx.Column(_lt("Status"), "text", 14),
    xlsx.Column(_lt("Failure"), "text", 20),
    xlsx.Column(_lt("Attempts"), "int", 8),
    xlsx.Column(_lt("Carries the Message"), "bool", 10),
)

WORKLIST_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 20),
    xlsx.Column(_lt("Customer"), "text", 30),
    xlsx.Column(_lt("Invoice"), "text", 18),
    xlsx.Column(_lt("Due Date"), "date", 12),
    xlsx.Column(_lt("Days Overdue"), "int", 9),
    xlsx.Column(_lt("Amount Due"), "money", 14),
    xlsx.Column(_lt("Current Step"), "text", 22),
    xlsx.Column(_lt("Next Step"), "text", 22),
    xlsx.Column(_lt("Next Step On"), "date", 12),
    xlsx.Column(_lt("In Dispute"), "bool", 9),
    xlsx.Column(_lt("Promised By"), "date", 12),
    xlsx.Column(_lt("Excluded"), "bool", 9),
)


class ClerkReminderReport(models.AbstractModel):
    _name = "clerk.reminder.report"
    _inherit = "clerk.xlsx.export"
    _description = "Payment Reminder Exports"



    @api.model
    def _log_rows(self, date_from=None, date_to=None, moves=None):
        Log = self.env["clerk.reminder.log"]
        states = dict(Log._fields["state"]._description_selection(self.env))
        actions = dict(Log._fields["action"]._description_selection(self.env))
        failures = dict(Log._fields["failure_reason"]._description_selection(self.env))
        domain = [("company_id", "in", self.env.companies.ids)]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        fnames = ["date", "company_id", "partner_id", "move_id", "schedule_id", "step_id", "offset_days", "action",
                  "recipient_id", "amount_due", "state", "failure_reason", "attempt_count", "is_lead"]
        for logs in self._chunks("clerk.reminder.log", domain, fnames):
            logs.partner_id.fetch(["display_name"])
            logs.recipient_id.fetch(["display_name"])
            logs.move_id.fetch(["name"])
            logs.step_id.fetch(["name"])
            logs.schedule_id.fetch(["name"])
            for log in logs:
                yield (log.date, log.company_id.name, log.partner_id.display_name, log.move_id.name,
                       log.schedule_id.name, log.step_id.name, log.offset_days, actions.get(log.action),
                       log.recipient_id.display_name, log.amount_due, states.get(log.state),
                       failures.get(log.failure_reason), log.attempt_count, log.is_lead)

    @api.model
    def export_log_xlsx(self, target, date_from=None, date_to=None):
        self.env["clerk.reminder.log"].check_access("read")
        counts = xlsx.export(target, [(self.env._("Reminder Log"), LOG_COLUMNS, self._log_rows(date_from, date_to),
                                       self.env._("Payment reminder log"))],
                              translate=self.env._)
        return sum(counts.values())

    @api.model
    def _worklist_rows(self, as_of):
        domain = [
            ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")), ("invoice_date_due", "<", as_of),
            ("company_id", "in", self.env.companies.ids),
        ]
        fnames = ["company_id", "commercial_partner_id", "name", "invoice_date_due", "amount_residual_signed",
                  "clerk_dispute", "clerk_promise_date", "clerk_reminder_excluded", "payment_state", "move_type",
                  "state"]
        Schedule = self.env["clerk.reminder.schedule"]
        for moves in self._chunks("account.move", domain, fnames):
            moves.commercial_partner_id.fetch(["display_name", "clerk_reminder_excluded"])
            steps = Schedule._next_steps(moves, as_of)
            for move in moves:
                current, following, when, _status = steps[move.id]
                yield (move.company_id.name, move.commercial_partner_id.display_name, move.name, move.invoice_date_due,
                       aging.days_overdue(move.invoice_date_due, as_of), move.amount_residual_signed,
                       current.name if current else None, following.name if following else None, when or None,
                       move.clerk_dispute, move.clerk_promise_date or None,
                       move.clerk_reminder_excluded or move.commercial_partner_id.clerk_reminder_excluded)

    @api.model
    def export_worklist_xlsx(self, target, as_of):
        self.env["account.move"].check_access("read")
        title = self.env._("Overdue customer invoices as of %s", as_of.isoformat())
        counts = xlsx.export(target, [(self.env._("Overdue Worklist"), WORKLIST_COLUMNS, self._worklist_rows(as_of),
                                       title)], translate=self.env._)
        return sum(counts.values())

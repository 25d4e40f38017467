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
    xlsx.Column(_lt("Days Overdue"), "int", 9),
    xlsx.Column(_lt("Amount Due"), "money", 14),
    xlsx.Column(_lt("Channel"), "text", 14),
    xlsx.Column(_lt("Sent To"), "text", 26),
    xlsx.Column(_lt("Status"), "text", 14),
    xlsx.Column(_lt("Failure"), "text", 20),
    xlsx.Column(_lt("Attempts"), "int", 8),
    xlsx.Column(_lt("Message"), "int", 10),
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
        """One row per reminder line (invoice and step) with what its communication did."""
        Communication = self.env["clerk.reminder.communication"]
        states = dict(Communication._fields["state"]._description_selection(self.env))
        channels = dict(Communication._fields["channel"]._description_selection(self.env))
        failures = dict(Communication._fields["failure_reason"]._description_selection(self.env))
        domain = [("company_id", "in", self.env.companies.ids)]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        fnames = ["date", "company_id", "partner_id", "move_id", "schedule_id", "step_id", "offset_days",
                  "days_overdue", "amount_due", "communication_id"]
        for lines in self._chunks("clerk.reminder.line", domain, fnames):
            lines.partner_id.fetch(["display_name"])
            lines.move_id.fetch(["name"])
            lines.step_id.fetch(["name"])
            lines.schedule_id.fetch(["name"])
            communications = lines.communication_id
            communications.fetch(["channel", "recipient_id", "escalation_user_ids", "state", "failure_reason",
                                  "attempt_count"])
            communications.recipient_id.fetch(["display_name"])
            for line in lines:
                communication = line.communication_id
                yield (line.date, line.company_id.name, line.partner_id.display_name, line.move_id.name,
                       line.schedule_id.name, line.step_id.name, line.offset_days, line.days_overdue,
                       line.amount_due, channels.get(communication.channel), communication.recipient_name,
                       states.get(communication.state), failures.get(communication.failure_reason),
                       communication.attempt_count, communication.id)

    @api.model
    def export_log_xlsx(self, target, date_from=None, date_to=None):
        self.env["clerk.reminder.line"].check_access("read")
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

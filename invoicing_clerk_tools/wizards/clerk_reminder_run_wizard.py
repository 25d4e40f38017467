from odoo import api, fields, models

from ..models.clerk_reminder_step import ACTIONS


class ClerkReminderRunWizard(models.TransientModel):
    """Run Now, previewed: what the reminder run would send today, per customer, to confirm or cancel.

    The preview is the run's own plan (``clerk.reminder.schedule._plan``); *Send* runs the reminders restricted to
    the (invoice, step) pairs previewed, so nothing goes out that was not shown. Whatever became due since the
    preview waits for the next run; whatever stopped being due (paid, paused) is not sent; the result says so.
    """

    _name = "clerk.reminder.run.wizard"
    _description = "Run Payment Reminders Now"

    company_ids = fields.Many2many("res.company", string="Companies", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    line_ids = fields.One2many("clerk.reminder.run.wizard.line", "wizard_id", string="Preview", readonly=True)
    planned = fields.Json(readonly=True, help="The (invoice, step) pairs previewed.")
    customer_count = fields.Integer(string="Customers", compute="_compute_counts")
    message_count = fields.Integer(string="Messages", compute="_compute_counts")
    invoice_count = fields.Integer(string="Invoices", compute="_compute_counts")
    confirm_count = fields.Integer(string="Waiting for Confirmation", compute="_compute_counts",
                                   help="Messages of steps that need a clerk's confirmation: recorded, not sent.")

    @api.depends("line_ids")
    def _compute_counts(self):
        for wizard in self:
            lines = wizard.line_ids
            wizard.customer_count = len(lines.partner_id)
            wizard.message_count = len(lines)
            wizard.invoice_count = sum(lines.mapped("invoice_count"))
            wizard.confirm_count = len(lines.filtered("manual"))

    @api.model_create_multi
    def create(self, vals_list):
        self.env["clerk.reminder.schedule"]._check_may_run()
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard._preview()
        return wizards

    def _preview(self):
        """The run's plan for the wizard's companies as lines, in a few batched reads."""
        self.ensure_one()
        Schedule = self.env["clerk.reminder.schedule"].sudo()
        messages = Schedule._plan(self.date, self.company_ids.sudo())
        Move = self.env["account.move"].sudo()
        Step = self.env["clerk.reminder.step"].sudo()
        moves = Move.browse({move_id for message in messages for move_id, _step in message["members"]})
        moves.fetch(["name", "amount_residual_signed", "company_id"])
        steps = Step.browse({step_id for message in messages for _move, step_id in message["members"]}
                            | {step_id for message in messages for ids in message["passed"].values()
                               for step_id in ids})
        steps.fetch(["name", "action", "manual", "offset_days"])
        lines = []
        for message in messages:
            members = Move.browse([move_id for move_id, _step in message["members"]])
            lead_step = Step.browse(message["lead"][1])
            passed = Step.browse(sorted({step_id for ids in message["passed"].values() for step_id in ids}))
            lines.append({
                "wizard_id": self.id,
                "partner_id": message["customer"],
                "schedule_id": message["schedule"],
                "step_id": lead_step.id,
                "action": lead_step.action,
                "manual": lead_step.manual,
                "move_ids": [(6, 0, members.ids)],
                "invoice_count": len(members),
                "company_id": members[:1].company_id.id,
                "amount": sum(members.mapped("amount_residual_signed")),
                "passed": ", ".join(passed.sorted("offset_days").mapped("name")) or False,
            })
        self.env["clerk.reminder.run.wizard.line"].create(lines)
        self.planned = [list(pair) for message in messages for pair in message["members"]]

    def action_send(self):
        """Run the reminders as previewed (nothing more) and say what was done."""
        self.ensure_one()
        self.env["clerk.reminder.schedule"]._check_may_run()
        previewed = self.message_count
        stats = self.env["clerk.reminder.schedule"].sudo()._run(
            companies=self.company_ids.sudo(), only=self.planned or [])
        message = self.env._(
            "%(messages)s message(s) to %(customers)s customer(s): %(performed)s sent or performed, %(waiting)s "
            "waiting for confirmation; %(retried)s failed message(s) retried.",
            messages=stats["messages"], customers=stats["customers"],
            performed=stats["messages"] - stats["to_confirm"], waiting=stats["to_confirm"], retried=stats["retried"])
        changed = []
        if stats["messages"] < previewed:
            changed.append(self.env._("%s previewed message(s) no longer due (paid, paused or sent meanwhile): "
                                      "not sent.", previewed - stats["messages"]))
        if stats["not_previewed"]:
            changed.append(self.env._("%s invoice(s) became due after the preview: they wait for the next run.",
                                      stats["not_previewed"]))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Reminders run") if not changed else self.env._(
                    "Reminders run: the plan changed since the preview"),
                "message": " ".join([message, *changed]),
                "type": "warning" if changed else "success",
                "sticky": bool(changed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class ClerkReminderRunWizardLine(models.TransientModel):
    _name = "clerk.reminder.run.wizard.line"
    _description = "Payment Reminder Run Preview Line"
    _order = "id"

    wizard_id = fields.Many2one("clerk.reminder.run.wizard", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    schedule_id = fields.Many2one("clerk.reminder.schedule", string="Schedule", readonly=True)
    step_id = fields.Many2one("clerk.reminder.step", string="Step", readonly=True)
    action = fields.Selection(ACTIONS, string="Channel", readonly=True)
    manual = fields.Boolean(string="Needs Confirmation", readonly=True)
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    invoice_count = fields.Integer(string="Invoice Count", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Amount Due", readonly=True, currency_field="currency_id")
    passed = fields.Char(string="Steps Passed Over", readonly=True,
                         help="Steps speaking to the customer that these invoices pass over (schedules starting at "
                         "the step due).")

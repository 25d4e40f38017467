import logging
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_date

from ..tools import reminder_schedule as rs
from ..tools.reminder_schedule import OPEN_PAYMENT_STATES
from .clerk_batch import batch_size
from .clerk_reminder_step import CUSTOMER_CONTACT_ACTIONS

_logger = logging.getLogger(__name__)

BATCH_SIZE_PARAM = "invoicing_clerk_tools.reminder_batch_size"
DEFAULT_BATCH_SIZE = 500


class ClerkReminderSchedule(models.Model):
    """Payment follow-up: ordered steps performed on open customer invoices as they age.

    The run (:meth:`_run`) is a batch job: it plans the due steps of all
    invoices in a few grouped queries, claims a batch of invoices with
    ``FOR UPDATE SKIP LOCKED``, records one reminder log per (invoice, step)
    (unique), performs the batch and commits before the next one.
    """

    _name = "clerk.reminder.schedule"
    _inherit = ["mail.thread"]
    _description = "Payment Reminder Schedule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10, tracking=True,
                              help="Among schedules matching a customer tag, the first applies.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    step_ids = fields.One2many("clerk.reminder.step", "schedule_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    min_interval_days = fields.Integer(
        string="Minimum Days Between Contacts", default=5, tracking=True,
        help="A customer contacted fewer days ago than this is not contacted again, and an invoice waits this "
        "long after its previous step; its reminders wait.",
    )
    backlog = fields.Selection(
        [(rs.BACKLOG_FIRST, "Start at the first step"), (rs.BACKLOG_DUE, "Start at the step due")],
        string="Invoices Found Late", required=True, default=rs.BACKLOG_FIRST, tracking=True,
        help="What an invoice found late (never reminded, already past several steps, e.g. when the schedule "
        "starts with a backlog or after a pause) gets. Start at the first step: the first reminder to the customer, "
        "then the following steps one by one, each after the minimum days between contacts. Start at the step "
        "due: the latest step due; the steps passed over are shown in the Run Now preview. Either way no "
        "escalation and no final notice (the last step speaking to the customer) goes out before the invoice "
        "reached the customer with a reminder.",
    )
    grouping = fields.Selection(
        [("customer", "One message per customer"), ("invoice", "One message per invoice")],
        required=True, default="customer", tracking=True,
        help="Per customer: one message lists all the customer's due invoices, each at its own step; the message "
        "takes the wording and action of the highest step. Per invoice: one message for each invoice.",
    )
    recipient = fields.Selection(
        [("invoice", "Invoice address"), ("collections", "Collections contact")],
        string="Send To", required=True, default="invoice", tracking=True,
        help="Invoice address: the invoice's customer address. Collections contact: the customer's designated "
        "collections contact (the invoice address when the customer has none).",
    )
    thank_you = fields.Boolean(string="Thank You Message", tracking=True,
                               help="Thank the customer when a reminded invoice is paid.")
    thank_you_template_id = fields.Many2one("mail.template", string="Thank You Template", tracking=True,
                                            domain="[('model', '=', 'clerk.reminder.log')]")
    working_days_only = fields.Boolean(
        string="Working Days Only", tracking=True,
        help="Count step days and the minimum interval in working days (Monday to Friday); nothing is sent on "
        "weekends.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category", string="Customer Tags", tracking=True,
        help="Customers with one of these tags follow this schedule (unless their own schedule is set).",
    )
    user_id = fields.Many2one("res.users", string="Responsible Clerk", default=lambda self: self.env.user,
                              domain="[('share', '=', False)]", tracking=True,
                              help="Receives activities when neither the customer nor the invoice names a "
                              "responsible clerk.")
    escalation_user_id = fields.Many2one(
        "res.users", string="Escalate To", domain="[('share', '=', False)]", tracking=True,
        help="After the last step (and for escalation steps without their own user or group): who is told.")
    escalation_group_id = fields.Many2one("res.groups", string="Escalate To Group", tracking=True)
    is_company_default = fields.Boolean(compute="_compute_is_company_default", string="Company Default")

    @api.depends("step_ids")
    def _compute_step_count(self):
        for schedule in self:
            schedule.step_count = len(schedule.step_ids)

    @api.depends("company_id.clerk_reminder_schedule_id")
    def _compute_is_company_default(self):
        for schedule in self:
            schedule.is_company_default = schedule.company_id.clerk_reminder_schedule_id == schedule

    @api.constrains("min_interval_days", "thank_you", "thank_you_template_id")
    def _check_configuration(self):
        for schedule in self:
            if schedule.min_interval_days < 0:
                raise ValidationError(self.env._(
                    "Minimum Days Between Contacts of %(schedule)s is below zero: enter 0 (no minimum) or more.",
                    schedule=schedule.name))
            if schedule.thank_you and not schedule.thank_you_template_id:
                raise ValidationError(self.env._(
                    "Thank You Template: schedule %(schedule)s thanks customers but has no template. Choose one "
                    "(e.g. 'Thank you for your payment') or turn Thank You Message off.", schedule=schedule.name))

    def action_set_company_default(self):
        """Whoever may edit the schedule (a Clerk Manager) may make it the default of its company, which only
        administrators may otherwise edit."""
        self.ensure_one()
        self.check_access("write")
        previous = self.company_id.clerk_reminder_schedule_id
        self.company_id.sudo().clerk_reminder_schedule_id = self
        self._message_log(body=self.env._(
            "Made the default schedule of %(company)s (was: %(previous)s).", company=self.company_id.name,
            previous=previous.display_name or self.env._("none")))
        return True

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        # The responsible clerk receives the schedule's fallback activities, not an "assigned to you" mail.
        return []

    def action_run_now(self):
        """The Clerk Manager's "Run Now": a preview of what the run will send for the schedules' companies, to
        confirm (nothing is sent before)."""
        self._check_may_run()
        wizard = self.env["clerk.reminder.run.wizard"].create({"company_ids": [(6, 0, self.company_id.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Run Reminders Now"),
            "res_model": "clerk.reminder.run.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_may_run(self):
        if not self.env.user.has_group("invoicing_clerk_tools.group_manager"):
            raise AccessError(self.env._("Only a Clerk Manager may run the reminder schedules."))
        self.check_access("read")

    # ------------------------------------------------------------------ run
    @api.model
    def _cron_run_reminders(self):
        self.sudo()._run()

    @api.model
    def _batch_size(self):
        return batch_size(self.env, BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE)

    @api.model
    def _run(self, today=None, companies=None, only=None):
        """Perform every due reminder step; returns counters. Commits per batch (``_commit_progress``).

        ``only``: the (invoice id, step id) pairs previewed and confirmed (Run Now); what the plan holds
        besides them waits for the next run, and is counted as ``not_previewed``.
        """
        today = today or fields.Date.context_today(self)
        companies = companies or self.env["res.company"].search([])
        Log = self.env["clerk.reminder.log"]
        cron = self.env["ir.cron"]
        stats = {"created": 0, "retried": 0, "thanked": 0, "skipped": 0, "messages": 0, "customers": 0,
                 "to_confirm": 0, "not_previewed": 0}
        Step = self.env["clerk.reminder.step"]
        customers = set()
        Log._housekeeping(today, companies)
        self.env["account.move"]._clerk_promises_broken(today, companies)
        if not cron._commit_progress():
            return stats
        stats["retried"] = Log._retry_failed(today, companies)
        skipped = set()
        while True:
            messages = self._plan(today, companies, exclude=skipped)
            if only is not None:
                messages, left_out = self._restrict(messages, only)
                stats["not_previewed"] += len(left_out)
                skipped.update(left_out)
            if not messages:
                break
            total = sum(len(message["members"]) for message in messages)
            for batch in self._batches(messages):
                created, unclaimed, performed = self._perform_batch(batch, today)
                stats["created"] += created
                stats["messages"] += len(performed)
                stats["to_confirm"] += sum(1 for message in performed if Step.browse(message["lead"][1]).manual)
                customers.update(message["customer"] for message in performed)
                stats["customers"] = len(customers)
                stats["skipped"] += len(unclaimed)
                skipped.update(unclaimed)
                size = sum(len(message["members"]) for message in batch)
                total -= size
                if not cron._commit_progress(size, remaining=total):
                    return stats
        stats["thanked"] = Log._thank(today, companies)
        cron._commit_progress()
        return stats

    @api.model
    def _restrict(self, messages, only):
        """The messages cut down to the (invoice, step) pairs of ``only``; returns them and the invoice ids left
        out (so that the run does not plan them again)."""
        only = {tuple(pair) for pair in only}
        kept, left_out = [], set()
        for message in messages:
            members = [member for member in message["members"] if member in only]
            left_out.update(move_id for move_id, step_id in message["members"] if (move_id, step_id) not in only)
            if members:
                lead = message["lead"] if message["lead"] in members else members[0]
                kept.append(dict(message, lead=lead, members=members))
        return kept, left_out

    @api.model
    def _batches(self, messages):
        """Cut the plan into batches of about the configured number of invoices, never splitting a message."""
        size = self._batch_size()
        batch, count = [], 0
        for message in messages:
            batch.append(message)
            count += len(message["members"])
            if count >= size:
                yield batch
                batch, count = [], 0
        if batch:
            yield batch

    @api.model
    def _candidate_domain(self, today, companies, schedules):
        """Open customer invoices a step may be due for: what is paid, paused, excluded or finished is left out."""
        min_offset = min(schedules.step_ids.mapped("offset_days") or [0])
        # a working-day offset spans at most 7/5 calendar days, plus a weekend at the start
        bound = fields.Date.add(today, days=-min_offset * 2 + 3 if min_offset < 0 else 3)
        domain = Domain([
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
            ("company_id", "in", companies.ids),
            ("invoice_date_due", "<=", bound),
            ("clerk_reminder_excluded", "=", False),
            ("commercial_partner_id.clerk_reminder_excluded", "=", False),
            ("clerk_dispute", "=", False),
            "|", ("clerk_promise_date", "=", False), ("clerk_promise_date", "<", today),
            ("clerk_reminder_log_ids", "not any", [("is_final", "=", True), ("kind", "=", "reminder")]),
        ])
        return domain

    @api.model
    def _plan(self, today, companies, exclude=()):
        """The messages due today: a list of dicts (schedule, customer, lead and members as (move_id, step_id),
        the customer steps each member passes over, the last step of the schedule).

        A fixed number of queries whatever the number of invoices: the candidates,
        their customers, the steps already done and the last contacts. The run
        and the Run Now preview both read it.
        """
        schedules = self.search([("company_id", "in", companies.ids)])
        schedules = schedules.filtered("step_ids")
        if not schedules:
            return []
        schedules.step_ids.fetch(["offset_days", "min_amount", "schedule_id", "action", "manual"])
        domain = self._candidate_domain(today, companies, schedules)
        if exclude:
            domain &= Domain("id", "not in", list(exclude))
        Move = self.env["account.move"]
        moves = Move.search_fetch(domain, ["company_id", "commercial_partner_id", "invoice_date_due",
                                           "amount_residual_signed"], order="id")
        if not moves:
            return []
        partners = moves.commercial_partner_id
        partners.fetch(["clerk_reminder_schedule_id", "category_id"])
        resolve = self._resolver(schedules, companies)
        history = self._history(moves)
        last_contact = self._last_contacts(partners, companies)
        items = defaultdict(list)
        for move in moves:
            schedule = resolve(move.company_id, move.commercial_partner_id)
            if not schedule:
                continue
            items[schedule].append(rs.Item(
                move.id, (move.company_id.id, move.commercial_partner_id.id), move.invoice_date_due,
                move.amount_residual_signed, *history.get(move.id, ((), None, None)),
            ))
        done = {item.key: item.done for schedule_items in items.values() for item in schedule_items}
        messages = []
        for schedule, schedule_items in items.items():
            steps = schedule._planner_steps()
            planned = rs.plan(schedule_items, steps, today, per_customer=schedule.grouping == "customer",
                              min_days=schedule.min_interval_days, last_contact=last_contact,
                              working_days=schedule.working_days_only, backlog=schedule.backlog)
            last_key = rs.sorted_steps(steps)[-1].key
            for (lead_move, lead_step), members in planned:
                messages.append({
                    "schedule": schedule.id,
                    "customer": Move.browse(lead_move).commercial_partner_id.id,
                    "lead": (lead_move, lead_step.key),
                    "members": [(move_id, step.key) for move_id, step in members],
                    "passed": {move_id: [s.key for s in rs.skipped(steps, done[move_id], step)]
                               for move_id, step in members},
                    "last_step": last_key,
                })
        return messages

    def _planner_steps(self):
        """The schedule's steps as the planner sees them."""
        self.ensure_one()
        return [rs.Step(step.id, step.offset_days, step.min_amount, step.action in CUSTOMER_CONTACT_ACTIONS)
                for step in self.step_ids]

    @api.model
    def _history(self, moves):
        """{move id: (step ids done, day of the last step, day it last reached the customer with a reminder)},
        in two grouped queries."""
        Log = self.env["clerk.reminder.log"].sudo()
        reminded = dict(Log._read_group(
            [("move_id", "in", moves.ids), ("kind", "=", "reminder"), ("contact", "=", True),
             ("state", "in", ("queued", "sent")), ("offset_days", ">=", 0)],
            ["move_id"], ["date:max"]))
        return {
            move.id: (tuple(step_ids), last, reminded.get(move))
            for move, step_ids, last in Log._read_group(
                [("move_id", "in", moves.ids), ("kind", "=", "reminder")], ["move_id"],
                ["step_id:array_agg", "date:max"])
        }

    @api.model
    def _last_contacts(self, partners, companies):
        """{(company id, customer id): the day the customer was last contacted (message queued or sent)}."""
        Log = self.env["clerk.reminder.log"].sudo()
        return {
            (company.id, partner.id): last
            for company, partner, last in Log._read_group(
                [("partner_id", "in", partners.ids), ("contact", "=", True), ("state", "in", ("queued", "sent")),
                 ("company_id", "in", companies.ids)],
                ["company_id", "partner_id"], ["date:max"])
        }

    @api.model
    def _resolver(self, schedules, companies):
        """A function (company, customer) -> the schedule that applies: the customer's own, a tag's, the default."""
        by_company_tags = defaultdict(list)
        for schedule in schedules.sorted(lambda s: (s.sequence, s.id)):
            if schedule.partner_category_ids:
                by_company_tags[schedule.company_id.id].append((set(schedule.partner_category_ids.ids), schedule))
        defaults = {company.id: company.clerk_reminder_schedule_id for company in companies}
        valid = set(schedules.ids)

        def resolve(company, partner):
            own = partner.clerk_reminder_schedule_id
            if own and own.id in valid and own.company_id == company:
                return own
            tags = set(partner.category_id.ids)
            for tag_ids, schedule in by_company_tags.get(company.id, ()):
                if tags & tag_ids:
                    return schedule
            default = defaults.get(company.id)
            return default if default and default.id in valid else None

        return resolve

    @api.model
    def _perform_batch(self, batch, today):
        """Claim the batch's invoices, record their logs and perform the messages.

        Returns (logs created, unclaimed invoice ids, the messages performed).

        The lock is the first statement of the transaction: another worker's
        committed logs are then visible, and invoices it holds are skipped.
        Should it still race us to a log, the unique constraint refuses the
        duplicate and the whole batch is undone and skipped.
        """
        Move = self.env["account.move"]
        Log = self.env["clerk.reminder.log"]
        move_ids = [move_id for message in batch for move_id, _step in message["members"]]
        claimed = set(Move.browse(move_ids).try_lock_for_update(allow_referencing=True).ids)
        step_ids = {step_id for message in batch for _move, step_id in message["members"]}
        already = {
            (log.move_id.id, log.step_id.id)
            for log in Log.search_fetch([("move_id", "in", list(claimed)), ("step_id", "in", list(step_ids))],
                                        ["move_id", "step_id"])
        }
        unclaimed = set(move_ids) - claimed
        to_do = []
        for message in batch:
            members = [(m, s) for m, s in message["members"] if m in claimed and (m, s) not in already]
            unclaimed.update(m for m, s in message["members"] if (m, s) in already)
            if not members:
                continue
            if message["lead"] not in members:
                message = dict(message, lead=members[0])
            to_do.append(dict(message, members=members))
        if not to_do:
            return 0, unclaimed, []
        try:
            with self.env.cr.savepoint():
                created = Log._record_and_perform(to_do, today)
        except (pg_errors.UniqueViolation, pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
            _logger.info("Reminder batch taken by another worker; skipped")
            self.env.invalidate_all()
            return 0, set(move_ids), []
        return created, unclaimed, to_do

    # ------------------------------------------------------------ for views
    @api.model
    def _next_steps(self, moves, today=None):
        """{move_id: (current step, next step, next date, status)} as the next runs will decide, in batch.

        The same planner as the run, on the same history: pauses, exclusions,
        steps done, the minimum intervals and the backlog rule. The date is
        never in the past (today when due now, the next working day for
        working-day schedules); a promise to pay defers it to the day after the
        promised date. ``status`` says why nothing is planned (or what waits).
        """
        today = today or fields.Date.context_today(self)
        result = {move.id: (False, False, False, False) for move in moves}
        moves = moves.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted" and m.id)
        if not moves:
            return result
        companies = moves.company_id.sudo()
        schedules = self.sudo().search([("company_id", "in", companies.ids)]).filtered("step_ids")
        if not schedules:
            return result
        resolve = self.sudo()._resolver(schedules, companies)
        moves = moves.sudo()
        history = self._history(moves)
        last_contact = self._last_contacts(moves.commercial_partner_id, companies)
        Step = self.env["clerk.reminder.step"]
        for move in moves:
            schedule = resolve(move.company_id, move.commercial_partner_id)
            if not schedule or not move.invoice_date_due:
                continue
            steps = schedule._planner_steps()
            done, last_date, reminded = history.get(move.id, ((), None, None))
            current = max((s for s in steps if s.key in done), key=lambda s: s.offset, default=None)
            current = Step.browse(current.key) if current else False
            if move.payment_state not in OPEN_PAYMENT_STATES:
                result[move.id] = (current, False, False, False)
                continue
            status, start = self._pause_status(move, today)
            if status and not start:
                result[move.id] = (current, False, False, status)
                continue
            following, when = rs.next_step(
                steps, done, move.invoice_date_due, start or today, schedule.working_days_only,
                amount=move.amount_residual_signed, backlog=schedule.backlog,
                min_days=schedule.min_interval_days, last_date=last_date, reminded=reminded,
                last_contact=last_contact.get((move.company_id.id, move.commercial_partner_id.id)))
            if not following:
                ordered = rs.sorted_steps(steps)
                if ordered[-1].key in done:
                    status = self.env._("All steps done")
                elif reminded is None and any(s.key in rs.roles(ordered)[2] for s in ordered if s.key not in done):
                    status = self.env._("Waiting: no reminder has reached the customer yet")
            result[move.id] = (current, Step.browse(following.key) if following else False, when or False,
                               status or False)
        return result

    @api.model
    def _pause_status(self, move, today):
        """(label, day the run resumes) of an invoice the run leaves alone today; (False, None) when it does not.
        No resume day: paused until someone acts."""
        if move.clerk_dispute:
            return self.env._("Paused: in dispute"), None
        if move.clerk_reminder_excluded:
            return self.env._("Excluded: %s", move.clerk_reminder_exclusion_reason or ""), None
        if move.commercial_partner_id.clerk_reminder_excluded:
            return self.env._("Excluded: the customer receives no reminders"), None
        if move.clerk_promise_date and move.clerk_promise_date >= today:
            return (self.env._("Paused: promised to pay by %s", format_date(self.env, move.clerk_promise_date)),
                    fields.Date.add(move.clerk_promise_date, days=1))
        return False, None

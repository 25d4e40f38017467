import logging
from collections import defaultdict

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools.reminder_schedule import OPEN_PAYMENT_STATES
from .clerk_communication_mixin import LAYOUT, OPEN_FIELDS
from .clerk_reminder_step import CUSTOMER_CONTACT_ACTIONS

_logger = logging.getLogger(__name__)

# the channel a communication went through (a step's action names its channel)
CHANNELS = [
    ("email", "Mail"),
    ("letter", "Letter"),
    ("call", "Phone Call"),
    ("todo", "To-Do"),
    ("escalation", "Escalation"),
]


class ClerkReminderCommunication(models.Model):
    """One payment reminder (or thank-you) to one recipient over one channel, with the invoice lines it covers.

    A mail to the customer's contact, a letter to print and post, a call or a
    To-Do for the responsible clerk, or an escalation to internal users. A
    message grouping several invoices is one communication with one line per
    invoice (each at its own step); its step is the highest of its lines.
    Written only by the run and a clerk's confirmation (as superuser); nobody
    edits or deletes it.
    """

    _name = "clerk.reminder.communication"
    _description = "Payment Reminder Sent"
    _inherit = ["clerk.communication.mixin", "clerk.history.mixin"]
    # what sending (and the mail queue) moves on; what was sent to whom for which invoices stays as recorded
    _history_open_fields = OPEN_FIELDS | {"activity_id", "subject", "body", "pdf_note", "user_id",
                                          "escalation_user_ids"}
    _order = "date desc, id desc"
    _check_company_auto = True

    kind = fields.Selection([("reminder", "Reminder"), ("thanks", "Thank You")], required=True, default="reminder",
                            readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    schedule_id = fields.Many2one("clerk.reminder.schedule", string="Schedule", readonly=True, index=True,
                                  ondelete="restrict", check_company=True)
    step_id = fields.Many2one("clerk.reminder.step", string="Step", readonly=True, index=True, ondelete="restrict",
                              help="The highest step of the invoices in this communication: its wording is used.")
    offset_days = fields.Integer(string="Step Day", readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True, index=True,
                               help="Mail: to the customer. Letter: printed and posted to the customer. Phone Call / "
                               "To-Do: an activity for the responsible clerk. Escalation: activities and a message "
                               "for internal users.")
    move_id = fields.Many2one("account.move", string="Main Invoice", required=True, readonly=True, index=True,
                              ondelete="restrict", check_company=True,
                              help="The invoice at the highest step: the mail, activity and messages are posted on it.")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    escalation_user_ids = fields.Many2many("res.users", string="Escalated To", readonly=True,
                                           help="The internal users an escalation reached.")
    recipient_name = fields.Char(string="Recipient", compute="_compute_recipient_name",
                                 help="Who was reached: the customer's contact, or the internal users of an "
                                 "escalation.")
    line_ids = fields.One2many("clerk.reminder.line", "communication_id", string="Lines", readonly=True)
    line_count = fields.Integer(string="Invoices", compute="_compute_message_moves")
    currency_id = fields.Many2one(related="company_id.currency_id")
    message_move_ids = fields.Many2many("account.move", compute="_compute_message_moves",
                                        string="Invoices of the Message")
    message_amount_due = fields.Monetary(compute="_compute_message_moves", currency_field="currency_id",
                                         string="Total Due")
    date = fields.Date(required=True, readonly=True, index=True, default=fields.Date.context_today)
    contact = fields.Boolean(readonly=True, help="Reached the customer (counts for the minimum interval).")
    state = fields.Selection(
        [("to_confirm", "Waiting for Confirmation"), ("queued", "In Mail Queue"), ("sent", "Sent"),
         ("failed", "Failed"), ("cancelled", "Cancelled")],
        required=True, readonly=True, default="queued", index=True,
    )
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True, ondelete="set null")
    subject = fields.Char(readonly=True)
    body = fields.Html(readonly=True, sanitize=False)
    pdf_note = fields.Char(string="Attachments", readonly=True)
    is_final = fields.Boolean(string="Last Step", readonly=True, help="Includes the schedule's last step.")
    user_id = fields.Many2one("res.users", string="Confirmed By", readonly=True)

    @api.depends("step_id", "partner_id", "kind")
    def _compute_display_name(self):
        for communication in self:
            what = communication.step_id.name if communication.kind == "reminder" else self.env._("Thank you")
            communication.display_name = f"{communication.partner_id.name or ''} - {what or ''}"

    @api.depends("channel", "recipient_id", "escalation_user_ids")
    def _compute_recipient_name(self):
        for communication in self:
            if communication.channel == "escalation":
                communication.recipient_name = ", ".join(communication.escalation_user_ids.mapped("name"))
            else:
                communication.recipient_name = communication.recipient_id.display_name or False

    @api.depends("line_ids.move_id")
    def _compute_message_moves(self):
        self.line_ids.move_id.fetch(["invoice_date_due", "date", "amount_residual_signed"])
        for communication in self:
            moves = communication.line_ids.move_id.sorted(lambda m: (m.invoice_date_due or m.date, m.id))
            communication.message_move_ids = moves
            communication.line_count = len(communication.line_ids)
            communication.message_amount_due = sum(moves.mapped("amount_residual_signed"))

    def _history_hint(self):
        return self.env._("Use its buttons to confirm, skip or print it.")

    # ------------------------------------------------------------ recording
    @api.model
    def _record_and_perform(self, messages, today):
        """Record the planned ``messages`` (see the schedule's ``_plan``) and perform those not waiting.

        A message becomes one communication per channel (a customer whose invoices are at an e-mail step and at
        a call step gets the mail and the call), each with one line per invoice. Returns
        ``(communications, lines)`` created.
        """
        Move = self.env["account.move"]
        Step = self.env["clerk.reminder.step"]
        Schedule = self.env["clerk.reminder.schedule"]
        moves = Move.browse({m for message in messages for m, _s in message["members"]})
        moves.fetch(["partner_id", "commercial_partner_id", "company_id", "amount_residual_signed",
                     "invoice_date_due"])
        steps = Step.browse({s for message in messages for _m, s in message["members"]})
        steps.fetch(["offset_days", "action", "manual", "schedule_id"])
        schedules = Schedule.browse({message["schedule"] for message in messages})
        schedules.fetch(["recipient"])
        moves.commercial_partner_id.fetch(["clerk_collections_contact_id"])
        escalation_users = {}

        communication_values, line_groups = [], []
        for message in messages:
            schedule = Schedule.browse(message["schedule"])
            for channel, lead, members in self._split_by_channel(message):
                move, step = Move.browse(lead[0]), Step.browse(lead[1])
                values = {
                    "kind": "reminder",
                    "company_id": move.company_id.id,
                    "schedule_id": schedule.id,
                    "step_id": step.id,
                    "offset_days": step.offset_days,
                    "channel": channel,
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "date": today,
                    "contact": channel in CUSTOMER_CONTACT_ACTIONS,
                    "state": "to_confirm" if step.manual else "queued",
                    "is_final": any(step_id == message["last_step"] for _m, step_id in members),
                }
                if channel == "escalation":
                    if step not in escalation_users:
                        escalation_users[step] = step._escalation_users()
                    values["escalation_user_ids"] = [(6, 0, escalation_users[step].ids)]
                else:
                    values["recipient_id"] = self._recipient(schedule, move).id
                communication_values.append(values)
                line_groups.append((message, members))
        communications = self.create(communication_values)
        line_values = []
        for communication, (message, members) in zip(communications, line_groups, strict=True):
            for move_id, step_id in members:
                move, step = Move.browse(move_id), Step.browse(step_id)
                line_values.append({
                    "communication_id": communication.id,
                    "kind": "reminder",
                    "company_id": move.company_id.id,
                    "schedule_id": message["schedule"],
                    "step_id": step.id,
                    "offset_days": step.offset_days,
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "amount_due": move.amount_residual_signed,
                    "days_overdue": (today - move.invoice_date_due).days if move.invoice_date_due else 0,
                    "date": today,
                    "is_final": step.id == message["last_step"],
                })
        lines = self.env["clerk.reminder.line"].create(line_values)
        # a newer step supersedes a confirmation still waiting for the same invoice
        superseded = self.search([("line_ids.move_id", "in", moves.ids), ("state", "=", "to_confirm"),
                                  ("id", "not in", communications.ids)])
        if superseded:
            superseded.write({"state": "cancelled", "failure_detail": self.env._("Superseded by a later step.")})
        communications.filtered(lambda communication: communication.state == "queued")._perform(today)
        return communications, lines

    @api.model
    def _split_by_channel(self, message):
        """``[(channel, lead, members)]``: the communications a planned message makes, one per channel of its
        steps; ``lead`` (invoice id, step id) is the highest step of the channel (its wording is used)."""
        Step = self.env["clerk.reminder.step"]
        by_channel = defaultdict(list)
        for move_id, step_id in message["members"]:
            by_channel[Step.browse(step_id).action].append((move_id, step_id))
        return [(channel, message["lead"] if message["lead"] in members else max(
                    members, key=lambda member: Step.browse(member[1]).offset_days), members)
                for channel, members in by_channel.items()]

    @api.model
    def _recipient(self, schedule, move):
        customer = move.commercial_partner_id
        if schedule.recipient == "collections" and customer.clerk_collections_contact_id:
            return customer.clerk_collections_contact_id
        return move.partner_id

    # ------------------------------------------------------------ performing
    def _perform(self, today, overrides=None):
        """Send, print, assign or escalate the communications ``self``, each over its channel."""
        by_channel = defaultdict(lambda: self.browse())
        for communication in self:
            by_channel[communication.channel] |= communication
        if by_channel["email"]:
            by_channel["email"]._send_mails(today, overrides)
        if by_channel["letter"]:
            by_channel["letter"]._render_text(overrides)
        activities = by_channel["todo"] | by_channel["call"] | by_channel["letter"]
        if activities:
            activities._activities(today)
        if by_channel["escalation"]:
            by_channel["escalation"]._escalate(today)
        self._after_last_step(today)

    def _template(self):
        self.ensure_one()
        return self.schedule_id.thank_you_template_id if self.kind == "thanks" else self.step_id.mail_template_id

    def _render_text(self, overrides=None):
        """Render subject and body of each communication's template (batch per template); stored on it."""
        overrides = overrides or {}
        by_template = defaultdict(lambda: self.browse())
        for communication in self:
            by_template[communication._template()] |= communication
        rendered = {}
        for template, communications in by_template.items():
            if not template:
                for communication in communications:
                    rendered[communication.id] = {"subject": communication.display_name, "body_html": ""}
                continue
            rendered.update(template.sudo()._generate_template(
                communications.ids, ("subject", "body_html", "email_from", "reply_to", "mail_server_id",
                                     "auto_delete", "scheduled_date")))
        for communication_id, override in overrides.items():
            if communication_id in rendered:
                rendered[communication_id].update(override)
        for communication in self:
            communication.subject = rendered[communication.id].get("subject")
            communication.body = rendered[communication.id].get("body_html")
        return rendered

    def _send_mails(self, today, overrides=None):
        """Queue one mail per communication through the mail queue, in batch; unreachable recipients fail at once."""
        sendable = self._fail_unreachable(today)
        if not sendable:
            return
        rendered = sendable._render_text(overrides)
        attach = sendable.filtered(lambda communication: communication.step_id.attach_pdf)
        pdfs = {move.id: move.invoice_pdf_report_id.id for move in attach.line_ids.move_id}
        model_description = self.env["ir.model"]._get("account.move").display_name
        # replies go to the invoice's thread; computed in batch (mail.message would do it mail by mail)
        reply_to = sendable.move_id.sudo()._notify_get_reply_to(default=False)
        mail_values, extra = [], {}
        for communication in sendable:
            values = rendered[communication.id]
            template = communication._template()
            lang = communication.recipient_id.lang or self.env.lang
            body = template.with_context(lang=lang)._render_encapsulate(
                LAYOUT, values.get("body_html") or "",
                add_context={"company": communication.company_id, "model_description": model_description},
                context_record=communication.move_id.with_context(lang=lang),
            ) if template else values.get("body_html")
            attachment_ids = list(template.attachment_ids.ids) if template else []
            pdf_note = False
            if communication in attach:
                group_moves = communication.line_ids.move_id
                attachment_ids += [pdfs[move.id] for move in group_moves if pdfs.get(move.id)]
                missing = [move.name for move in group_moves if not pdfs.get(move.id)]
                if missing:
                    pdf_note = self.env._("PDF not attached (no stored PDF; send the invoice once to store it): %s",
                                          ", ".join(missing))
            extra[communication.id] = {"pdf_note": pdf_note}
            mail_values.append({
                "subject": values.get("subject") or communication.display_name,
                "body_html": body,
                "email_from": values.get("email_from") or communication.company_id.email_formatted or
                self.env.user.email_formatted,
                "reply_to": values.get("reply_to") or reply_to.get(communication.move_id.id) or False,
                "recipient_ids": [(4, communication.recipient_id.id)],
                "model": "account.move",
                "res_id": communication.move_id.id,
                "auto_delete": values.get("auto_delete", True),
                "mail_server_id": values.get("mail_server_id") or False,
                "attachment_ids": [(4, attachment_id) for attachment_id in attachment_ids],
                "record_company_id": communication.company_id.id,
            })
        sendable._queue_mails(mail_values, today, values=extra)

    def _responsible(self):
        self.ensure_one()
        move = self.move_id
        return (move.commercial_partner_id.clerk_user_id or move.invoice_user_id
                or self.schedule_id.user_id or self.env.user)

    def _activities(self, today):
        """Phone-call and To-Do steps (and letters to print) become activities of the responsible clerk."""
        types = {"todo": "mail.mail_activity_data_todo", "call": "mail.mail_activity_data_call",
                 "letter": "mail.mail_activity_data_todo"}
        for communication in self:
            summary = {
                "todo": self.env._("Payment reminder: %s", communication.step_id.name),
                "call": self.env._("Call about overdue payment: %s", communication.step_id.name),
                "letter": self.env._("Print and post the reminder letter: %s", communication.step_id.name),
            }[communication.channel]
            note = communication.step_id.note or Markup("<p>%s</p>") % self.env._(
                "Invoices: %s", ", ".join(communication.message_move_ids.mapped("name")))
            activity = communication.move_id.activity_schedule(
                types[communication.channel], date_deadline=today, summary=summary, note=note,
                user_id=communication._responsible().id)
            communication.activity_id = activity[:1]
        self.write({"state": "sent"})

    def _escalate(self, today, users=None, reason=None):
        """An activity for each escalation user and a message on the invoice telling them.

        Without ``users``: the escalation communications ``self`` are performed. With ``users``: an escalation
        after the last step, told about the communication ``self`` (which keeps its own channel and state).
        """
        for communication in self:
            targets = users or communication.escalation_user_ids or communication.step_id._escalation_users()
            summary = reason or self.env._("Escalation: %(customer)s has not paid",
                                           customer=communication.partner_id.name)
            activities = self.env["mail.activity"]
            for user in targets:
                activities |= communication.move_id.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=today, summary=summary,
                    note=communication.step_id.note or False, user_id=user.id)
            communication.move_id.message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (summary, self.env._(
                    "Unpaid invoices: %(names)s (%(amount)s due).",
                    names=", ".join(communication.message_move_ids.mapped("name")),
                    amount=communication.message_amount_due)),
                partner_ids=targets.partner_id.ids, message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            if not users:
                communication.write({"activity_id": activities[:1].id, "escalation_user_ids": [(6, 0, targets.ids)],
                                     "state": "sent"})

    def _after_last_step(self, today):
        """After the last step: flag the customers and escalate to the schedule's user or group."""
        finished = self.filtered(lambda communication: communication.is_final and communication.kind == "reminder")
        if not finished:
            return
        finished.partner_id.with_context(tracking_disable=True).write({"clerk_reminder_attention": True})
        for communication in finished:
            if communication.channel == "escalation":
                continue
            schedule = communication.schedule_id
            users = schedule.escalation_user_id or (schedule.escalation_group_id.all_user_ids.filtered(
                lambda u: not u.share and u.active) if schedule.escalation_group_id else self.env["res.users"])
            if users:
                communication._escalate(today, users=users, reason=self.env._(
                    "Last reminder sent to %(customer)s: follow up in person.",
                    customer=communication.partner_id.name))

    # --------------------------------------------------------- housekeeping
    @api.model
    def _housekeeping(self, today, companies):
        """Nothing stays pending: lost mails fail (to be retried), confirmations for closed invoices cancel."""
        self._fail_lost_mails(companies, [("channel", "=", "email")])
        closed = self.search([
            ("company_id", "in", companies.ids), ("state", "=", "to_confirm"),
            "|", "|", "|", ("move_id.payment_state", "not in", OPEN_PAYMENT_STATES),
            ("move_id.clerk_dispute", "=", True),
            ("move_id.clerk_reminder_excluded", "=", True), ("partner_id.clerk_reminder_excluded", "=", True),
        ])
        if closed:
            closed.write({"state": "cancelled", "failure_detail": self.env._(
                "Cancelled: the invoice was paid, disputed or excluded before confirmation.")})

    @api.model
    def _retry_failed(self, today, companies):
        """Send failed mails again (once per day, up to a few attempts); returns how many were retried."""
        communications = self.search([*self._retryable_domain(today, companies), ("channel", "=", "email")])
        if not communications:
            return 0
        try:
            with self.env.cr.savepoint():
                communications = communications.try_lock_for_update()
                communications = communications.filtered(lambda communication: communication.state == "failed")
                closed = communications.filtered(lambda communication: communication.kind == "reminder" and
                                                 communication.move_id.payment_state not in OPEN_PAYMENT_STATES)
                if closed:
                    closed.write({"state": "cancelled", "failure_detail": self.env._("Paid before the retry.")})
                communications -= closed
                communications._send_mails(today)
        except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
            self.env.invalidate_all()
            return 0
        return len(communications)

    @api.model
    def _thank(self, today, companies):
        """Thank customers whose reminded invoices are now paid (once per invoice); returns the mails queued."""
        Line = self.env["clerk.reminder.line"]
        reminded = Line.search_fetch([
            ("company_id", "in", companies.ids), ("kind", "=", "reminder"),
            ("communication_id.state", "=", "sent"), ("communication_id.contact", "=", True),
            ("schedule_id.thank_you", "=", True),
            ("move_id.payment_state", "in", ("paid", "in_payment")),
            ("move_id.clerk_reminder_line_ids", "not any", [("kind", "=", "thanks")]),
        ], ["move_id", "schedule_id", "partner_id"], limit=self.env["clerk.reminder.schedule"]._batch_size())
        if not reminded:
            return 0
        moves = reminded.move_id.try_lock_for_update(allow_referencing=True)
        groups = defaultdict(list)
        for line in reminded:
            if line.move_id not in moves:
                continue
            key = (line.schedule_id, line.partner_id) if line.schedule_id.grouping == "customer" else (
                line.schedule_id, line.move_id)
            if line.move_id not in groups[key]:
                groups[key].append(line.move_id)
        created = self.browse()
        try:
            with self.env.cr.savepoint():
                for (schedule, _who), group_moves in groups.items():
                    base = {"kind": "thanks", "company_id": schedule.company_id.id, "schedule_id": schedule.id,
                            "date": today}
                    communication = self.create(dict(
                        base, channel="email", contact=True, state="queued", move_id=group_moves[0].id,
                        partner_id=group_moves[0].commercial_partner_id.id,
                        recipient_id=self._recipient(schedule, group_moves[0]).id))
                    Line.create([dict(base, communication_id=communication.id, move_id=move.id,
                                      partner_id=move.commercial_partner_id.id) for move in group_moves])
                    created |= communication
                created._send_mails(today)
        except (pg_errors.UniqueViolation, pg_errors.SerializationFailure):
            self.env.invalidate_all()
            return 0
        return len(created)

    # ------------------------------------------------------------ clerk UI
    def action_open_confirm(self):
        self.ensure_one()
        self.check_access("read")
        if self.state != "to_confirm":
            raise UserError(self.env._("This reminder is not waiting for confirmation."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm Reminder"),
            "res_model": "clerk.reminder.confirm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_communication_id": self.id},
        }

    def action_print_letter(self):
        self.check_access("read")
        return self.env.ref("invoicing_clerk_tools.action_report_clerk_reminder_letter").report_action(
            self.filtered(lambda communication: communication.channel == "letter"))

    def _confirm(self, subject=None, body=None):
        """A clerk sends a reminder waiting for confirmation, with the wording they reviewed."""
        self.ensure_one()
        self.check_access("read")
        communication = self.sudo()
        if communication.state != "to_confirm":
            raise UserError(self.env._("This reminder is not waiting for confirmation any more."))
        communication.try_lock_for_update().ensure_one()
        communication.write({"state": "queued", "user_id": self.env.user.id})
        overrides = {}
        if subject is not None or body is not None:
            overrides[communication.id] = {key: value for key, value in (("subject", subject), ("body_html", body))
                                           if value is not None}
        communication._perform(fields.Date.context_today(self), overrides=overrides)
        return communication

    def _skip(self):
        self.ensure_one()
        self.check_access("read")
        communication = self.sudo()
        if communication.state != "to_confirm":
            raise UserError(self.env._("This reminder is not waiting for confirmation any more."))
        communication.write({"state": "cancelled", "user_id": self.env.user.id,
                             "failure_detail": self.env._("Skipped by %s.", self.env.user.name)})

    def _preview(self):
        """Subject and body the waiting reminder ``self`` would be sent with (rendered, not stored)."""
        self.ensure_one()
        template = self._template()
        if not template:
            return self.display_name, ""
        values = template.sudo()._generate_template(self.ids, ("subject", "body_html"))[self.id]
        return values.get("subject") or "", values.get("body_html") or ""

    def _plain_body(self):
        return html2plaintext(self.body or "")

import logging
from collections import defaultdict

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools.reminder_schedule import OPEN_PAYMENT_STATES
from .clerk_reminder_step import ACTIONS, CUSTOMER_CONTACT_ACTIONS

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
FAILURES = [
    ("no_email", "No e-mail address"),
    ("invalid_email", "Invalid e-mail address"),
    ("blacklisted", "Blacklisted address"),
    ("bounced", "Bounced"),
    ("smtp", "Mail server error"),
    ("mail_lost", "Mail cancelled or deleted before sending"),
    ("other", "Other error"),
]
MAIL_FAILURES = {
    "mail_email_missing": "no_email",
    "mail_email_invalid": "invalid_email",
    "mail_bl": "blacklisted",
    "mail_optout": "blacklisted",
    "mail_smtp": "smtp",
}
LAYOUT = "mail.mail_notification_light"


class ClerkReminderLog(models.Model):
    """One reminder step performed (or waiting) for one invoice.

    A message grouping several invoices is one *lead* log (the invoice at the
    highest step; it holds the message, mail and activity) and member logs
    pointing to it. (invoice, step) is unique: a step can never be recorded,
    hence sent, twice. Logs are written only by the run and the confirmation
    of a clerk (as superuser); nobody edits or deletes them.
    """

    _name = "clerk.reminder.log"
    _description = "Payment Reminder Log"
    _inherit = ["clerk.history.mixin"]
    # what sending (and the mail queue) moves on; the invoice, step, amounts and date stay as recorded
    _history_open_fields = frozenset({"state", "failure_reason", "failure_detail", "last_attempt_date",
                                            "attempt_count", "mail_id", "activity_id", "subject", "body",
                                            "pdf_note", "user_id"})
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "display_name"

    kind = fields.Selection([("reminder", "Reminder"), ("thanks", "Thank You")], required=True, default="reminder",
                            readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    schedule_id = fields.Many2one("clerk.reminder.schedule", string="Schedule", readonly=True, index=True,
                                  ondelete="restrict", check_company=True)
    step_id = fields.Many2one("clerk.reminder.step", string="Step", readonly=True, index=True, ondelete="restrict")
    action = fields.Selection([*ACTIONS, ("thanks", "Thank You Email")], required=True, readonly=True,
                              help="What the message did: the action of the highest step of the message.")
    offset_days = fields.Integer(string="Step Day", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True, index=True,
                              ondelete="restrict", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    recipient_id = fields.Many2one("res.partner", string="Sent To", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(string="Amount Due", readonly=True, currency_field="currency_id",
                                 help="The invoice's amount due (company currency) when the step was recorded.")
    date = fields.Date(required=True, readonly=True, index=True, default=fields.Date.context_today)
    last_attempt_date = fields.Date(readonly=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True, default=0)
    contact = fields.Boolean(readonly=True, help="The step reached the customer (counts for the minimum interval).")
    state = fields.Selection(
        [("to_confirm", "Waiting for Confirmation"), ("queued", "In Mail Queue"), ("sent", "Sent"),
         ("failed", "Failed"), ("cancelled", "Cancelled")],
        required=True, readonly=True, default="queued", index=True,
    )
    failure_reason = fields.Selection(FAILURES, readonly=True)
    failure_detail = fields.Text(readonly=True)
    is_lead = fields.Boolean(string="Carries the Message", readonly=True, index=True)
    lead_log_id = fields.Many2one("clerk.reminder.log", string="Message", readonly=True, index=True,
                                  ondelete="cascade")
    member_log_ids = fields.One2many("clerk.reminder.log", "lead_log_id", string="Grouped Invoices", readonly=True)
    message_move_ids = fields.Many2many("account.move", compute="_compute_message_moves",
                                        string="Invoices of the Message")
    message_amount_due = fields.Monetary(compute="_compute_message_moves", currency_field="currency_id",
                                         string="Total Due")
    mail_id = fields.Many2one("mail.mail", string="Mail", readonly=True, ondelete="set null", index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True, ondelete="set null")
    subject = fields.Char(readonly=True)
    body = fields.Html(readonly=True, sanitize=False)
    pdf_note = fields.Char(string="Attachments", readonly=True)
    is_final = fields.Boolean(string="Last Step", readonly=True)
    user_id = fields.Many2one("res.users", string="Confirmed By", readonly=True)

    _unique_move_step = models.Constraint(
        "UNIQUE(move_id, step_id)", "A reminder step is recorded once per invoice: it was already performed.")
    _unique_thanks = models.UniqueIndex("(move_id) WHERE kind = 'thanks'",
                                        "A payment is thanked once per invoice.")

    @api.depends("step_id", "move_id", "kind")
    def _compute_display_name(self):
        for log in self:
            what = log.step_id.name if log.kind == "reminder" else self.env._("Thank you")
            log.display_name = f"{log.move_id.name or ''} - {what or ''}"

    @api.depends("member_log_ids", "move_id")
    def _compute_message_moves(self):
        # read every log's invoices at once (the union of each log with its members has no wider prefetch)
        (self | self.member_log_ids).move_id.fetch(["invoice_date_due", "date", "amount_residual_signed"])
        for log in self:
            moves = (log | log.member_log_ids).move_id.sorted(lambda m: (m.invoice_date_due or m.date, m.id))
            log.message_move_ids = moves
            log.message_amount_due = sum(moves.mapped("amount_residual_signed"))

    def _group(self):
        """The lead logs of ``self`` with all their member logs."""
        return self | self.member_log_ids

    def _set_group_state(self, state, **values):
        self._group().write({"state": state, **values})

    # ------------------------------------------------------------ recording
    @api.model
    def _record_and_perform(self, messages, today):
        """Create the logs of planned ``messages`` (see ``_plan``) and perform those not waiting."""
        Move = self.env["account.move"]
        Step = self.env["clerk.reminder.step"]
        Schedule = self.env["clerk.reminder.schedule"]
        moves = Move.browse({m for message in messages for m, _s in message["members"]})
        moves.fetch(["partner_id", "commercial_partner_id", "company_id", "amount_residual_signed"])
        steps = Step.browse({s for message in messages for _m, s in message["members"]})
        steps.fetch(["offset_days", "action", "manual", "schedule_id"])
        schedules = Schedule.browse({message["schedule"] for message in messages})
        schedules.fetch(["recipient"])
        moves.commercial_partner_id.fetch(["clerk_collections_contact_id"])

        def values(message, move_id, step_id, lead_step):
            move, step = Move.browse(move_id), Step.browse(step_id)
            return {
                "kind": "reminder",
                "company_id": move.company_id.id,
                "schedule_id": message["schedule"],
                "step_id": step.id,
                "offset_days": step.offset_days,
                "action": lead_step.action,
                "move_id": move.id,
                "partner_id": move.commercial_partner_id.id,
                "amount_due": move.amount_residual_signed,
                "date": today,
                "contact": lead_step.action in CUSTOMER_CONTACT_ACTIONS,
                "state": "to_confirm" if lead_step.manual else "queued",
                "is_final": step.id == message["last_step"],
            }

        lead_values = []
        for message in messages:
            lead_move_id, lead_step_id = message["lead"]
            lead_step = Step.browse(lead_step_id)
            schedule = Schedule.browse(message["schedule"])
            lead_values.append(dict(
                values(message, lead_move_id, lead_step_id, lead_step), is_lead=True,
                recipient_id=self._recipient(schedule, Move.browse(lead_move_id)).id,
            ))
        leads = self.create(lead_values)
        member_values = []
        for message, lead in zip(messages, leads, strict=True):
            lead_step = lead.step_id
            member_values += [
                dict(values(message, move_id, step_id, lead_step), lead_log_id=lead.id,
                     recipient_id=lead.recipient_id.id)
                for move_id, step_id in message["members"] if (move_id, step_id) != message["lead"]
            ]
        members = self.create(member_values) if member_values else self.browse()
        # a newer step supersedes a confirmation still waiting for the same invoice
        superseded = self.search([("move_id", "in", moves.ids), ("state", "=", "to_confirm"),
                                  ("id", "not in", (leads | members).ids)])
        if superseded:
            superseded.write({"state": "cancelled", "failure_detail": self.env._("Superseded by a later step.")})
        leads.filtered(lambda log: log.state == "queued")._perform(today)
        return len(leads) + len(members)

    @api.model
    def _recipient(self, schedule, move):
        customer = move.commercial_partner_id
        if schedule.recipient == "collections" and customer.clerk_collections_contact_id:
            return customer.clerk_collections_contact_id
        return move.partner_id

    # ------------------------------------------------------------ performing
    def _perform(self, today, overrides=None):
        """Perform the messages of the lead logs ``self`` (their members follow)."""
        overrides = overrides or {}
        by_action = defaultdict(lambda: self.browse())
        for lead in self:
            by_action[lead.action] |= lead
        if by_action["email"] or by_action["thanks"]:
            (by_action["email"] | by_action["thanks"])._send_mails(today, overrides)
        if by_action["letter"]:
            by_action["letter"]._render_text(overrides)
        for action in ("todo", "call", "letter"):
            if by_action[action]:
                by_action[action]._activities(today)
        if by_action["escalation"]:
            by_action["escalation"]._escalate(today)
        self._after_last_step(today)

    def _template(self):
        self.ensure_one()
        return self.schedule_id.thank_you_template_id if self.kind == "thanks" else self.step_id.mail_template_id

    def _render_text(self, overrides=None):
        """Render subject and body of each lead's template (batch per template); stored on the log."""
        overrides = overrides or {}
        by_template = defaultdict(lambda: self.browse())
        for lead in self:
            by_template[lead._template()] |= lead
        rendered = {}
        for template, leads in by_template.items():
            if not template:
                for lead in leads:
                    rendered[lead.id] = {"subject": lead.display_name, "body_html": ""}
                continue
            values = template.sudo()._generate_template(
                leads.ids, ("subject", "body_html", "email_from", "reply_to", "mail_server_id", "auto_delete",
                            "scheduled_date"))
            rendered.update(values)
        for lead_id, override in overrides.items():
            if lead_id in rendered:
                rendered[lead_id].update(override)
        for lead in self:
            lead.subject = rendered[lead.id].get("subject")
            lead.body = rendered[lead.id].get("body_html")
        return rendered

    def _send_mails(self, today, overrides=None):
        """Queue one mail per lead log through the mail queue, in batch; unreachable recipients fail at once."""
        recipients = self.recipient_id
        recipients.fetch(["email", "email_normalized", "message_bounce", "lang"])
        emails = [email for email in recipients.mapped("email_normalized") if email]
        blacklisted = set(self.env["mail.blacklist"].sudo().search_fetch(
            [("email", "in", emails)], ["email"]).mapped("email")) if emails else set()
        failures = defaultdict(lambda: self.browse())
        sendable = self.browse()
        for lead in self:
            recipient = lead.recipient_id
            if not recipient.email:
                failures["no_email"] |= lead
            elif not recipient.email_normalized:
                failures["invalid_email"] |= lead
            elif recipient.email_normalized in blacklisted:
                failures["blacklisted"] |= lead
            elif recipient.message_bounce:
                failures["bounced"] |= lead
            else:
                sendable |= lead
        for reason, leads in failures.items():
            leads._set_group_state("failed", failure_reason=reason, last_attempt_date=today,
                                   attempt_count=max(leads.mapped("attempt_count")) + 1,
                                   failure_detail=dict(FAILURES)[reason])
        if not sendable:
            return
        rendered = sendable._render_text(overrides)
        attach = sendable.filtered(lambda lead: lead.step_id.attach_pdf)
        pdfs = {}
        if attach:
            attach_moves = attach._group().move_id
            pdfs = {move.id: move.invoice_pdf_report_id.id for move in attach_moves}
        model_description = self.env["ir.model"]._get("account.move").display_name
        # replies go to the invoice's thread; computed in batch (mail.message would do it mail by mail)
        reply_to = sendable.move_id.sudo()._notify_get_reply_to(default=False)
        mail_values = []
        for lead in sendable:
            values = rendered[lead.id]
            template = lead._template()
            lang = lead.recipient_id.lang or self.env.lang
            body = template.with_context(lang=lang)._render_encapsulate(
                LAYOUT, values.get("body_html") or "",
                add_context={"company": lead.company_id, "model_description": model_description},
                context_record=lead.move_id.with_context(lang=lang),
            ) if template else values.get("body_html")
            attachment_ids = list(template.attachment_ids.ids) if template else []
            pdf_note = False
            if lead in attach:
                group_moves = lead._group().move_id
                attachment_ids += [pdfs[move.id] for move in group_moves if pdfs.get(move.id)]
                missing = [move.name for move in group_moves if not pdfs.get(move.id)]
                if missing:
                    pdf_note = self.env._("PDF not attached (no stored PDF; send the invoice once to store it): %s",
                                          ", ".join(missing))
            mail_values.append({
                "subject": values.get("subject") or lead.display_name,
                "body_html": body,
                "email_from": values.get("email_from") or lead.company_id.email_formatted or
                self.env.user.email_formatted,
                "reply_to": values.get("reply_to") or reply_to.get(lead.move_id.id) or False,
                "recipient_ids": [(4, lead.recipient_id.id)],
                "model": "account.move",
                "res_id": lead.move_id.id,
                "auto_delete": values.get("auto_delete", True),
                "mail_server_id": values.get("mail_server_id") or False,
                "attachment_ids": [(4, attachment_id) for attachment_id in attachment_ids],
                "record_company_id": lead.company_id.id,
            })
            lead.pdf_note = pdf_note
        mails = self.env["mail.mail"].sudo().create(mail_values)
        for lead, mail in zip(sendable, mails, strict=True):
            lead.mail_id = mail
        sendable.write({"last_attempt_date": today})
        for lead in sendable:
            lead.attempt_count += 1
        sendable._set_group_state("queued", failure_reason=False, failure_detail=False)

    def _responsible(self):
        self.ensure_one()
        move = self.move_id
        return (move.commercial_partner_id.clerk_user_id or move.invoice_user_id
                or self.schedule_id.user_id or self.env.user)

    def _activities(self, today):
        """To-Do and phone-call steps (and letters to print) become activities of the responsible clerk."""
        types = {"todo": "mail.mail_activity_data_todo", "call": "mail.mail_activity_data_call",
                 "letter": "mail.mail_activity_data_todo"}
        for lead in self:
            moves = lead._group().move_id
            summary = {
                "todo": self.env._("Payment reminder: %s", lead.step_id.name),
                "call": self.env._("Call about overdue payment: %s", lead.step_id.name),
                "letter": self.env._("Print and post the reminder letter: %s", lead.step_id.name),
            }[lead.action]
            note = lead.step_id.note or Markup("<p>%s</p>") % self.env._(
                "Invoices: %s", ", ".join(moves.mapped("name")))
            activity = lead.move_id.activity_schedule(
                types[lead.action], date_deadline=today, summary=summary, note=note,
                user_id=lead._responsible().id)
            lead.activity_id = activity[:1]
        self._set_group_state("sent")

    def _escalate(self, today, users=None, reason=None):
        """An activity for each escalation user and a message on the invoice telling them."""
        for lead in self:
            targets = users or lead.step_id._escalation_users()
            moves = lead._group().move_id
            summary = reason or self.env._("Escalation: %(customer)s has not paid", customer=lead.partner_id.name)
            activities = self.env["mail.activity"]
            for user in targets:
                activities |= lead.move_id.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=today, summary=summary,
                    note=lead.step_id.note or False, user_id=user.id)
            lead.activity_id = activities[:1]
            lead.move_id.message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (summary, self.env._(
                    "Unpaid invoices: %(names)s (%(amount)s due).", names=", ".join(moves.mapped("name")),
                    amount=lead.message_amount_due)),
                partner_ids=targets.partner_id.ids, message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        if not users:
            self._set_group_state("sent")

    def _after_last_step(self, today):
        """After the last step: flag the customers and escalate to the schedule's user or group."""
        finished = self._group().filtered(lambda log: log.is_final and log.kind == "reminder")
        if not finished:
            return
        finished.partner_id.with_context(tracking_disable=True).write({"clerk_reminder_attention": True})
        for lead in finished.mapped(lambda log: log.lead_log_id or log):
            if lead.action == "escalation":
                continue
            schedule = lead.schedule_id
            users = schedule.escalation_user_id or (schedule.escalation_group_id.all_user_ids.filtered(
                lambda u: not u.share and u.active) if schedule.escalation_group_id else self.env["res.users"])
            if users:
                lead._escalate(today, users=users, reason=self.env._(
                    "Last reminder sent to %(customer)s: follow up in person.", customer=lead.partner_id.name))

    # ------------------------------------------------------------- mail sync
    def _mail_result(self, failure_type=None, failure_reason=None):
        """Called by the mail queue when the mail of lead logs ``self`` was sent or failed."""
        if failure_type:
            self._set_group_state("failed", failure_reason=MAIL_FAILURES.get(failure_type, "other"),
                                  failure_detail=failure_reason or failure_type)
        else:
            self._set_group_state("sent", failure_reason=False, failure_detail=False)

    # --------------------------------------------------------- housekeeping
    @api.model
    def _housekeeping(self, today, companies):
        """Nothing stays pending: lost mails fail (to be retried), confirmations for closed invoices cancel."""
        lost = self.search([
            ("company_id", "in", companies.ids), ("state", "=", "queued"), ("is_lead", "=", True),
            ("action", "in", ("email", "thanks")),
            "|", ("mail_id", "=", False), ("mail_id.state", "in", ("exception", "cancel")),
        ])
        for lead in lost:
            mail = lead.mail_id
            reason = MAIL_FAILURES.get(mail.failure_type, "other") if mail.state == "exception" else "mail_lost"
            lead._set_group_state("failed", failure_reason=reason,
                                  failure_detail=mail.failure_reason or dict(FAILURES)[reason])
        closed = self.search([
            ("company_id", "in", companies.ids), ("state", "=", "to_confirm"),
            "|", "|", "|", ("move_id.payment_state", "not in", OPEN_PAYMENT_STATES),
            ("move_id.clerk_dispute", "=", True),
            ("move_id.clerk_reminder_excluded", "=", True), ("partner_id.clerk_reminder_excluded", "=", True),
        ])
        if closed:
            closed |= closed.filtered("is_lead").member_log_ids.filtered(lambda log: log.state == "to_confirm")
            closed.write({"state": "cancelled", "failure_detail": self.env._(
                "Cancelled: the invoice was paid, disputed or excluded before confirmation.")})

    @api.model
    def _retry_failed(self, today, companies):
        """Send failed messages again (once per day, up to a few attempts); returns how many were retried."""
        leads = self.search([
            ("company_id", "in", companies.ids), ("state", "=", "failed"), ("is_lead", "=", True),
            ("action", "in", ("email", "thanks")), ("attempt_count", "<", MAX_ATTEMPTS),
            "|", ("last_attempt_date", "=", False), ("last_attempt_date", "<", today),
        ])
        if not leads:
            return 0
        try:
            with self.env.cr.savepoint():
                leads = leads.try_lock_for_update()
                leads = leads.filtered(lambda lead: lead.state == "failed")
                closed = leads.filtered(lambda lead: lead.kind == "reminder"
                                        and lead.move_id.payment_state not in OPEN_PAYMENT_STATES)
                if closed:
                    closed._set_group_state("cancelled", failure_detail=self.env._("Paid before the retry."))
                leads -= closed
                leads._send_mails(today)
        except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
            self.env.invalidate_all()
            return 0
        return len(leads)

    @api.model
    def _thank(self, today, companies):
        """Thank customers whose reminded invoices are now paid (once per invoice)."""
        reminded = self.search_fetch([
            ("company_id", "in", companies.ids), ("kind", "=", "reminder"), ("state", "=", "sent"),
            ("contact", "=", True), ("schedule_id.thank_you", "=", True),
            ("move_id.payment_state", "in", ("paid", "in_payment")),
            ("move_id.clerk_reminder_log_ids", "not any", [("kind", "=", "thanks")]),
        ], ["move_id", "schedule_id", "partner_id"], limit=self.env["clerk.reminder.schedule"]._batch_size())
        if not reminded:
            return 0
        moves = reminded.move_id.try_lock_for_update(allow_referencing=True)
        groups = defaultdict(list)
        for log in reminded:
            if log.move_id not in moves:
                continue
            key = (log.schedule_id, log.partner_id) if log.schedule_id.grouping == "customer" else (log.schedule_id,
                                                                                                    log.move_id)
            if log.move_id not in groups[key]:
                groups[key].append(log.move_id)
        created = self.browse()
        try:
            with self.env.cr.savepoint():
                for (schedule, _who), group_moves in groups.items():
                    base = {"kind": "thanks", "company_id": schedule.company_id.id, "schedule_id": schedule.id,
                            "action": "thanks", "date": today, "contact": True, "state": "queued"}
                    lead = self.create(dict(base, move_id=group_moves[0].id, is_lead=True,
                                            partner_id=group_moves[0].commercial_partner_id.id,
                                            recipient_id=self._recipient(schedule, group_moves[0]).id))
                    if len(group_moves) > 1:
                        self.create([dict(base, move_id=move.id, lead_log_id=lead.id,
                                          partner_id=move.commercial_partner_id.id, recipient_id=lead.recipient_id.id)
                                     for move in group_moves[1:]])
                    created |= lead
                created._send_mails(today)
        except (pg_errors.UniqueViolation, pg_errors.SerializationFailure):
            self.env.invalidate_all()
            return 0
        return len(created)

    # ------------------------------------------------------------ clerk UI
    def action_open_confirm(self):
        self.ensure_one()
        self.check_access("read")
        if self.state != "to_confirm" or not self.is_lead:
            raise UserError(self.env._("This reminder is not waiting for confirmation."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm Reminder"),
            "res_model": "clerk.reminder.confirm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_log_id": self.id},
        }

    def action_print_letter(self):
        self.check_access("read")
        return self.env.ref("invoicing_clerk_tools.action_report_clerk_reminder_letter").report_action(
            self.filtered("is_lead"))

    def _confirm(self, subject=None, body=None):
        """A clerk sends a reminder waiting for confirmation, with the wording they reviewed."""
        self.ensure_one()
        self.check_access("read")
        lead = self.sudo()
        if lead.state != "to_confirm" or not lead.is_lead:
            raise UserError(self.env._("This reminder is not waiting for confirmation any more."))
        lead.try_lock_for_update().ensure_one()
        lead._group().filtered(lambda log: log.state == "to_confirm").write(
            {"state": "queued", "user_id": self.env.user.id})
        overrides = {}
        if subject is not None or body is not None:
            overrides[lead.id] = {key: value for key, value in (("subject", subject), ("body_html", body))
                                  if value is not None}
        lead._perform(fields.Date.context_today(self), overrides=overrides)
        return lead

    def _skip(self):
        self.ensure_one()
        self.check_access("read")
        lead = self.sudo()
        if lead.state != "to_confirm" or not lead.is_lead:
            raise UserError(self.env._("This reminder is not waiting for confirmation any more."))
        lead._group().write({"state": "cancelled", "user_id": self.env.user.id,
                             "failure_detail": self.env._("Skipped by %s.", self.env.user.name)})

    @api.model
    def _preview(self, lead):
        """Subject and body a waiting reminder would be sent with (rendered, not stored)."""
        template = lead._template()
        if not template:
            return lead.display_name, ""
        values = template.sudo()._generate_template(lead.ids, ("subject", "body_html"))[lead.id]
        return values.get("subject") or "", values.get("body_html") or ""

    def _plain_body(self):
        return html2plaintext(self.body or "")

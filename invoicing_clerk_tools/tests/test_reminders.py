import io
from datetime import date, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ClerkCommon
from .smtp import deliver_to_sink, smtp_sink

DUE = date(2026, 3, 2)  # a Monday


def day(n):
    return DUE + timedelta(days=n)


class ReminderCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the test user configures schedules: make it a Clerk Manager too
        cls.env.user.group_ids = [Command.link(cls.env.ref("invoicing_clerk_tools.group_manager").id)]
        cls.template = cls.env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
        cls.thanks_template = cls.env.ref("invoicing_clerk_tools.mail_template_clerk_thanks")
        cls.Schedule = cls.env["clerk.reminder.schedule"]
        cls.Log = cls.env["clerk.reminder.log"]
        cls.schedule = cls.Schedule.create({
            "name": "Standard",
            "company_id": cls.company.id,
            "min_interval_days": 0,
            "step_ids": [
                Command.create({"name": "Courtesy", "offset_days": -3, "action": "email",
                                "mail_template_id": cls.template.id}),
                Command.create({"name": "First", "offset_days": 5, "action": "email",
                                "mail_template_id": cls.template.id}),
                Command.create({"name": "Second", "offset_days": 15, "action": "email", "min_amount": 50.0,
                                "mail_template_id": cls.template.id}),
                Command.create({"name": "Call", "offset_days": 30, "action": "call"}),
            ],
        })
        cls.steps = {step.name: step for step in cls.schedule.step_ids}
        cls.company.clerk_reminder_schedule_id = cls.schedule
        cls.partner_a.write({"email": "a@customer.example.com", "lang": "en_US"})
        cls.partner_b.write({"email": "b@customer.example.com"})

    def invoice(self, due=DUE, amount=100.0, partner=None, **kw):
        return self.make_invoice(partner=partner or self.partner_a, amount=amount,
                                 invoice_date=due - timedelta(days=30),
                                 due_date=due, post=True, **kw)

    def run_reminders(self, on, companies=None):
        """The run as the cron performs it, in a cursor of its own (committing through ``_commit_progress``)."""
        self.env.flush_all()
        with freeze_time(on), self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = self.env(cr=cr)
            stats = env["clerk.reminder.schedule"].sudo()._run(
                today=on, companies=(companies or self.company).with_env(env))
        self.env.invalidate_all()
        return stats

    def logs(self, moves=None, **domain):
        dom = [("move_id", "in", moves.ids)] if moves else []
        dom += [(key, "=", value) for key, value in domain.items()]
        return self.Log.search(dom)

    def mails_for(self, moves):
        return self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", moves.ids)])


class TestReminderConfiguration(ReminderCommon):
    def test_bad_configuration_is_refused(self):
        Schedule = self.Schedule.with_user(self.manager)
        base = {"name": "Bad", "company_id": self.company.id}
        cases = [
            ("Days From Due Date", [Command.create({"name": "A", "offset_days": 5, "action": "todo"}),
                                    Command.create({"name": "B", "offset_days": 5, "action": "call"})]),
            ("Mail Template", [Command.create({"name": "A", "offset_days": 5, "action": "email"})]),
            ("Escalate To", [Command.create({"name": "A", "offset_days": 5, "action": "escalation"})]),
            ("Minimum Amount Due", [Command.create({"name": "A", "offset_days": 5, "action": "todo",
                                                    "min_amount": -1})]),
        ]
        for message, steps in cases:
            with self.subTest(message), self.assertRaisesRegex(ValidationError, message):
                Schedule.create(dict(base, step_ids=steps))
        with self.assertRaisesRegex(ValidationError, "Minimum Days Between Contacts"):
            Schedule.create(dict(base, min_interval_days=-1))
        with self.assertRaisesRegex(ValidationError, "Thank You Template"):
            Schedule.create(dict(base, thank_you=True))
        # an escalation step may use the schedule's user
        schedule = Schedule.create(dict(base, escalation_user_id=self.manager.id, step_ids=[
            Command.create({"name": "Escalate", "offset_days": 40, "action": "escalation"})]))
        self.assertEqual(schedule.step_ids._escalation_users(), self.manager)

    def test_only_managers_configure(self):
        with self.assertRaises(AccessError):
            self.Schedule.with_user(self.clerk).create({"name": "Mine", "company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.schedule.with_user(self.clerk).action_run_now()
        self.assertTrue(self.schedule.with_user(self.clerk).step_ids)  # clerks read them

    def test_logs_are_immutable(self):
        move = self.invoice()
        self.run_reminders(day(5))
        log = self.logs(move)
        self.assertEqual(log.step_id, self.steps["First"])
        with self.assertRaises(AccessError):
            log.with_user(self.manager).write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            log.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            log.sudo().unlink()


class TestReminderRun(ReminderCommon):
    def test_each_step_once_on_its_day(self):
        move = self.invoice()
        fired = {}
        for n in range(-6, 36):
            before = len(self.logs(move))
            self.run_reminders(day(n))
            self.run_reminders(day(n))  # a second run the same day adds nothing
            new = self.logs(move)[: len(self.logs(move)) - before]
            for log in new:
                fired[log.step_id.name] = n
        self.assertEqual(fired, {"Courtesy": -3, "First": 5, "Second": 15, "Call": 30})
        self.assertEqual(len(self.logs(move)), 4)
        self.assertEqual(len(self.mails_for(move)), 3)
        call = self.logs(move, action="call")
        self.assertTrue(call.activity_id)
        self.assertEqual(call.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertTrue(call.is_final)
        self.assertTrue(self.partner_a.clerk_reminder_attention)
        self.assertFalse(move.clerk_reminder_next_step_id)
        self.assertEqual(move.clerk_reminder_step_id, self.steps["Call"])

    def test_current_and_next_step_on_the_form(self):
        move = self.invoice()
        with freeze_time(day(-10)):
            self.assertEqual(move.clerk_reminder_next_step_id, self.steps["Courtesy"])
            self.assertEqual(move.clerk_reminder_next_date, day(-3))
        self.run_reminders(day(6))
        move.invalidate_recordset()
        with freeze_time(day(6)):
            self.assertEqual(move.clerk_reminder_step_id, self.steps["First"])
            self.assertEqual(move.clerk_reminder_next_step_id, self.steps["Second"])
            self.assertEqual(move.clerk_reminder_next_date, day(15))

    def test_grouping_per_customer_at_highest_step(self):
        self.schedule.backlog = "due"
        old = self.invoice(due=day(-10), amount=300.0)
        recent = self.invoice(due=day(0), amount=200.0)
        other = self.invoice(partner=self.partner_b)
        self.run_reminders(day(5))
        lead = self.logs(old | recent, is_lead=True)
        self.assertEqual(lead.move_id, old)
        self.assertEqual(lead.step_id, self.steps["Second"])
        self.assertEqual(lead.member_log_ids.move_id, recent)
        self.assertEqual(lead.member_log_ids.step_id, self.steps["First"])
        self.assertEqual(lead.message_move_ids, old | recent)
        mails = self.mails_for(old | recent | other)
        self.assertEqual(len(mails), 2)
        mail_a = lead.mail_id
        self.assertEqual(mail_a.recipient_ids, self.partner_a)
        self.assertIn(old.name, mail_a.body_html)
        self.assertIn(recent.name, mail_a.body_html)
        self.assertIn(old.name, mail_a.subject)

    def test_one_message_per_invoice(self):
        self.schedule.grouping = "invoice"
        moves = self.invoice(due=day(-10)) | self.invoice(due=day(0))
        self.run_reminders(day(5))
        self.assertEqual(len(self.mails_for(moves)), 2)
        self.assertEqual(len(self.logs(moves, is_lead=True)), 2)

    def test_minimum_interval_between_contacts(self):
        self.schedule.min_interval_days = 7
        first = self.invoice(due=day(0))
        second = self.invoice(due=day(2))
        self.run_reminders(day(5))
        self.assertEqual(len(self.logs(first | second)), 1)  # second is not due yet
        for n in range(6, 12):
            self.run_reminders(day(n))
            self.assertFalse(self.logs(second), f"contacted again on day {n}")
        self.run_reminders(day(12))
        self.assertEqual(self.logs(second).step_id, self.steps["First"])

    def test_dispute_and_promise_pause_and_resume(self):
        move = self.invoice()
        with self.assertRaisesRegex(ValidationError, "Dispute Reason"):
            move.with_user(self.clerk).write({"clerk_dispute": True})
        move.with_user(self.clerk).write({"clerk_dispute": True, "clerk_dispute_reason": "Wrong quantity"})
        self.run_reminders(day(5))
        self.assertFalse(self.logs(move))
        move.with_user(self.clerk).action_clerk_clear_pause()
        move.with_user(self.clerk).write({"clerk_promise_date": day(10), "clerk_promise_amount": 100.0,
                                          "clerk_promise_note": "Will pay on the 12th"})
        for n in range(5, 11):
            self.run_reminders(day(n))
        self.assertFalse(self.logs(move))
        self.run_reminders(day(11))
        self.assertTrue(move.clerk_promise_broken)
        self.assertEqual(self.logs(move).step_id, self.steps["First"])
        activity = move.activity_ids.filtered(lambda a: "Promise to pay broken" in (a.summary or ""))
        self.assertTrue(activity)
        queue = self.env.ref("invoicing_clerk_tools.queue_promises_due").with_user(self.clerk)
        with freeze_time(day(11)):
            self.assertIn(move, self.env["account.move"].search(queue._get_domain()))

    def test_payment_partial_payment_and_credit_note(self):
        paid = self.invoice(amount=100.0)
        partial = self.invoice(amount=100.0, partner=self.partner_b)
        refunded = self.invoice(amount=60.0, partner=self.partner_b, due=day(-1))
        self.run_reminders(day(5))
        self.assertEqual(len(self.logs(paid | partial)), 2)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {})._create_payments()
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=partial.ids).create(
            {"amount": 40.0})._create_payments()
        # a credit note of 20 brings the 60 invoice below the second step's minimum of 50
        refund = self.make_invoice(move_type="out_refund", partner=self.partner_b, amount=20.0,
                                   invoice_date=day(-20), post=True)
        lines = (refund | refunded).line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        lines.reconcile()
        self.assertEqual(refunded.amount_residual, 40.0)
        for n in range(6, 16):
            self.run_reminders(day(n))
        self.assertEqual(self.logs(paid).step_id, self.steps["First"])  # paid: nothing more
        self.assertIn(self.steps["Second"], self.logs(partial).step_id)  # partially paid: still reminded
        self.assertEqual(self.logs(partial, step_id=self.steps["Second"].id).amount_due, 60.0)
        self.assertNotIn(self.steps["Second"], self.logs(refunded).step_id)

    def test_exclusions(self):
        excluded_move = self.invoice()
        with self.assertRaisesRegex(ValidationError, "Why No Reminders"):
            excluded_move.write({"clerk_reminder_excluded": True})
        excluded_move.write({"clerk_reminder_excluded": True, "clerk_reminder_exclusion_reason": "Key account"})
        other = self.invoice(partner=self.partner_b)
        with self.assertRaisesRegex(ValidationError, "Why No Reminders"):
            self.partner_b.write({"clerk_reminder_excluded": True})
        self.partner_b.write({"clerk_reminder_excluded": True, "clerk_reminder_exclusion_reason": "Legal case"})
        self.run_reminders(day(5))
        self.assertFalse(self.logs(excluded_move | other))

    def test_schedule_per_customer_and_tag(self):
        tag = self.env["res.partner.category"].create({"name": "VIP"})
        gentle = self.Schedule.create({"name": "Gentle", "company_id": self.company.id, "partner_category_ids": [
            Command.set(tag.ids)], "step_ids": [
                Command.create({"name": "Gentle call", "offset_days": 10, "action": "todo"}),
                Command.create({"name": "Gentle later", "offset_days": 30, "action": "todo"})]})
        self.partner_b.category_id = tag
        move_b = self.invoice(partner=self.partner_b)
        move_a = self.invoice()
        self.run_reminders(day(10))
        self.assertEqual(self.logs(move_b).step_id.schedule_id, gentle)
        self.assertEqual(self.logs(move_a).step_id, self.steps["First"])
        own = self.Schedule.create({"name": "Own", "company_id": self.company.id, "step_ids": [
            Command.create({"name": "Own todo", "offset_days": 12, "action": "todo"})]})
        self.partner_b.clerk_reminder_schedule_id = own
        self.run_reminders(day(12))
        self.assertNotIn(own, self.logs(move_b).schedule_id)  # 5 days at least after the invoice's last step
        self.run_reminders(day(15))
        self.assertIn(own, self.logs(move_b).schedule_id)

    def test_manual_step_confirm_and_skip(self):
        self.steps["First"].manual = True
        move_a = self.invoice()
        move_b = self.invoice(partner=self.partner_b)
        self.run_reminders(day(5))
        log_a, log_b = self.logs(move_a), self.logs(move_b)
        self.assertEqual((log_a | log_b).mapped("state"), ["to_confirm", "to_confirm"])
        self.assertFalse(self.mails_for(move_a | move_b))
        with self.assertRaises(AccessError):
            self.env["clerk.reminder.confirm.wizard"].with_user(self.outsider).create({"log_id": log_a.id})
        wizard = self.env["clerk.reminder.confirm.wizard"].with_user(self.clerk).create({"log_id": log_a.id})
        self.assertIn(move_a.name, wizard.body)
        wizard.subject = "Friendly reminder from us"
        wizard.action_send()
        self.assertEqual(log_a.state, "queued")
        self.assertEqual(log_a.user_id, self.clerk)
        self.assertEqual(log_a.mail_id.subject, "Friendly reminder from us")
        self.env["clerk.reminder.confirm.wizard"].with_user(self.clerk).create({"log_id": log_b.id}).action_skip()
        self.assertEqual(log_b.state, "cancelled")
        with self.assertRaises(UserError):
            self.env["clerk.reminder.confirm.wizard"].with_user(self.clerk).create({"log_id": log_b.id}).action_send()
        self.run_reminders(day(6))
        self.assertEqual(len(self.mails_for(move_a | move_b)), 1)
        queue = self.env.ref("invoicing_clerk_tools.queue_reminders_to_confirm").with_user(self.clerk)
        self.assertEqual(queue.record_count, 0)

    def test_waiting_confirmation_is_cancelled_when_paid(self):
        self.steps["First"].manual = True
        move = self.invoice()
        self.run_reminders(day(5))
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {})._create_payments()
        self.run_reminders(day(6))
        self.assertEqual(self.logs(move).state, "cancelled")

    def test_failures_are_recorded_and_retried(self):
        self.partner_a.email = False
        self.partner_b.email = "blocked@customer.example.com"
        self.env["mail.blacklist"].create({"email": "blocked@customer.example.com"})
        move_a, move_b = self.invoice(), self.invoice(partner=self.partner_b)
        self.run_reminders(day(5))
        self.assertEqual(self.logs(move_a).failure_reason, "no_email")
        self.assertEqual(self.logs(move_b).failure_reason, "blacklisted")
        queue = self.env.ref("invoicing_clerk_tools.queue_reminders_failed").with_user(self.clerk)
        self.assertEqual(queue.record_count, 2)
        self.run_reminders(day(5))  # not retried twice the same day
        self.assertEqual(self.logs(move_a).attempt_count, 1)
        self.partner_a.email = "a@customer.example.com"
        self.run_reminders(day(6))
        log_a = self.logs(move_a)
        self.assertEqual((log_a.state, log_a.attempt_count), ("queued", 2))
        self.assertEqual(len(self.logs(move_a)), 1)
        with deliver_to_sink(self.env):  # nothing listens: the mail server is unreachable
            log_a.mail_id.send()
        self.assertEqual((log_a.state, log_a.failure_reason), ("failed", "smtp"))
        self.run_reminders(day(7))
        self.assertEqual((log_a.state, log_a.attempt_count), ("queued", 3))
        with smtp_sink() as (messages, port), deliver_to_sink(self.env, port):
            log_a.mail_id.send()
        self.assertEqual(log_a.state, "sent")
        self.assertEqual(messages[0]["rcpt"], ["a@customer.example.com"])
        for n in (8, 9):
            self.run_reminders(day(n))
        log_b = self.logs(move_b)
        self.assertEqual((log_b.state, log_b.attempt_count), ("failed", 3))  # gives up after three attempts

    def test_lost_mail_fails_then_retries(self):
        move = self.invoice()
        self.run_reminders(day(5))
        log = self.logs(move)
        log.mail_id.unlink()  # someone deleted the queued mail
        self.run_reminders(day(6))
        self.assertEqual(log.state, "queued")  # marked lost, then retried in the same run
        self.assertEqual(log.attempt_count, 2)
        self.assertTrue(log.mail_id)

    def test_last_step_escalates_and_flags(self):
        self.schedule.write({"escalation_user_id": self.manager.id, "backlog": "due"})
        move = self.invoice(due=day(-40))
        self.run_reminders(day(0))
        # the call is the final notice: it waits until a reminder reached the customer
        self.assertEqual(self.logs(move).step_id, self.steps["Second"])
        self.assertFalse(self.partner_a.clerk_reminder_attention)
        self.run_reminders(day(1))
        log = self.logs(move, step_id=self.steps["Call"].id)
        self.assertEqual(log.step_id, self.steps["Call"])
        self.assertTrue(self.partner_a.clerk_reminder_attention)
        self.assertTrue(move.activity_ids.filtered(lambda a: a.user_id == self.manager))
        queue = self.env.ref("invoicing_clerk_tools.queue_customers_follow_up").with_user(self.clerk)
        self.assertEqual(queue.record_count, 1)
        self.partner_a.with_user(self.clerk).action_clerk_reminder_attention_done()
        self.assertFalse(self.partner_a.clerk_reminder_attention)

    def test_escalation_step_to_group(self):
        group = self.env.ref("invoicing_clerk_tools.group_approver")
        escalate = self.env["clerk.reminder.step"].create({
            "schedule_id": self.schedule.id, "name": "Escalate", "offset_days": 45, "action": "escalation",
            "escalation_group_id": group.id})
        move = self.invoice(due=day(-50))
        for n in range(3):  # found late: the reminders first, one a day, then the escalation
            self.run_reminders(day(n))
            self.assertNotIn(escalate, self.logs(move).step_id)
        self.run_reminders(day(3))
        self.assertEqual(self.logs(move, step_id=escalate.id).step_id, escalate)
        self.assertTrue(move.activity_ids.filtered(lambda a: a.user_id == self.approver))
        self.assertIn(self.approver.partner_id, move.message_ids.partner_ids)

    def test_thank_you_after_payment(self):
        self.schedule.write({"thank_you": True, "thank_you_template_id": self.thanks_template.id})
        move = self.invoice()
        self.run_reminders(day(5))
        with smtp_sink() as (messages, port), deliver_to_sink(self.env, port):
            self.logs(move).mail_id.send()
        self.assertEqual(self.logs(move).state, "sent")
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {})._create_payments()
        self.run_reminders(day(6))
        self.run_reminders(day(7))
        thanks = self.logs(move, kind="thanks")
        self.assertEqual(len(thanks), 1)
        self.assertIn("thank you", thanks.mail_id.subject.lower())

    def test_working_days_only(self):
        self.schedule.working_days_only = True
        move = self.invoice()  # due Monday 2 March; first step 5 working days later: Monday 9 March
        for n in range(7):
            self.run_reminders(day(n))
        self.assertFalse(self.logs(move, step_id=self.steps["First"].id))
        self.run_reminders(day(7))
        self.assertTrue(self.logs(move, step_id=self.steps["First"].id))

    def test_crash_mid_batch_then_resume(self):
        self.env["ir.config_parameter"].set_param("invoicing_clerk_tools.reminder_batch_size", "1")
        partner_c = self.env["res.partner"].create({"name": "Crash Co", "email": "c@customer.example.com",
                                                    "ref": "CRASH"})
        partner_d = self.env["res.partner"].create({"name": "After Co", "email": "d@customer.example.com"})
        moves = self.invoice() | self.invoice(partner=partner_c) | self.invoice(partner=partner_d)
        # a broken template crashes the run on the second customer only
        self.template.subject = "{{ object.partner_id.ref == 'CRASH' and (1 / 0) or 'Reminder' }}"
        # (not assertRaises: Odoo's rolls the test cursor back to before the block)
        crashed = None
        try:
            self.run_reminders(day(5))
        except UserError as error:
            crashed = error
        self.assertIn("Failed to render", str(crashed))
        done = self.logs(moves)
        self.assertEqual(done.move_id, moves[0])  # the first batch was committed
        partner_c.ref = False
        self.run_reminders(day(5))
        self.assertEqual(len(self.logs(moves)), 3)
        self.assertEqual(len(self.mails_for(moves)), 3)

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="Other Co")["company"]
        other_schedule = self.Schedule.create({"name": "Other", "company_id": other.id, "step_ids": [
            Command.create({"name": "Other first", "offset_days": 5, "action": "email",
                            "mail_template_id": self.template.id})]})
        other.clerk_reminder_schedule_id = other_schedule
        move = self.invoice()
        foreign = self.invoice(company=other)
        self.run_reminders(day(5), companies=self.company)
        self.assertFalse(self.logs(foreign))
        self.run_reminders(day(5), companies=self.company | other)
        self.assertEqual(self.logs(foreign).step_id, other_schedule.step_ids)
        self.assertEqual(self.logs(foreign).company_id, other)
        self.assertIn("Other Co", self.logs(foreign).mail_id.body_html)
        logs = self.Log.with_user(self.clerk).search([("move_id", "in", (move | foreign).ids)])
        self.assertEqual(logs.move_id, move)
        # a customer's schedule of another company does not apply to this company's invoices
        self.partner_a.clerk_reminder_schedule_id = other_schedule
        self.run_reminders(day(15), companies=self.company | other)
        self.assertEqual(self.logs(move, step_id=self.steps["Second"].id).schedule_id, self.schedule)

    def test_run_queries_grow_by_batch_not_by_invoice(self):
        partners = self.env["res.partner"].create([{"name": f"Customer {i}", "email": f"c{i}@example.com"}
                                                   for i in range(12)])
        for partner in partners:
            self.invoice(partner=partner)
        self.run_reminders(day(5))  # warm up
        more = self.env["res.partner"].create([{"name": f"More {i}", "email": f"m{i}@example.com"}
                                               for i in range(12)])
        small = self.invoice(partner=more[0], due=day(1))
        self.env.flush_all()
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = self.env(cr=cr)
            start = cr.sql_log_count
            env["clerk.reminder.schedule"].sudo()._run(today=day(6), companies=self.company.with_env(env))
            one = cr.sql_log_count - start
        for partner in more[1:]:
            self.invoice(partner=partner, due=day(2))
        self.env.flush_all()
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = self.env(cr=cr)
            start = cr.sql_log_count
            env["clerk.reminder.schedule"].sudo()._run(today=day(7), companies=self.company.with_env(env))
            eleven = cr.sql_log_count - start
        self.assertTrue(self.logs(small))
        self.assertEqual(len(self.logs(more[1:].invoice_ids)), 11)
        self.assertLess(eleven - one, 40, f"1 message: {one} queries, 11 messages: {eleven} queries")

    def test_exports(self):
        move = self.invoice()
        self.run_reminders(day(5))
        buffer = io.BytesIO()
        report = self.env["clerk.reminder.report"].with_user(self.clerk)
        self.assertEqual(report.export_log_xlsx(buffer), 1)
        header = "Date"
        rows = _rows(buffer.getvalue(), header)
        self.assertEqual(rows[0]["Invoice"], move.name)
        self.assertEqual(rows[0]["Step"], "First")
        buffer = io.BytesIO()
        report.export_worklist_xlsx(buffer, day(6))
        rows = _rows(buffer.getvalue(), "Company")
        row = next(r for r in rows if r["Invoice"] == move.name)
        self.assertEqual(row["Current Step"], "First")
        self.assertEqual(row["Next Step"], "Second")
        self.assertEqual(row["Days Overdue"], 6)
        with self.assertRaises(AccessError):
            self.env["clerk.reminder.report"].with_user(self.outsider).export_log_xlsx(io.BytesIO())


def _rows(data, first_header):
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    index = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return [dict(zip(rows[index], row, strict=True)) for row in rows[index + 1:]]



class TestReminderPdfPreparation(ReminderCommon):
    def prepare_pdfs(self, on):
        """The PDF job as the cron runs it, in a cursor of its own, rendering with wkhtmltopdf."""
        self.env.flush_all()
        with freeze_time(on), self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = self.env(cr=cr, context={"force_report_rendering": True})
            env["account.move"].sudo()._cron_clerk_render_missing_pdfs()
        self.env.invalidate_all()

    def test_missing_pdfs_are_stored_ahead_without_marking_sent(self):
        self.steps["Second"].attach_pdf = True
        due_soon = self.invoice(due=day(-14))  # the Second step (day 15) falls tomorrow
        later = self.invoice(due=day(10))
        self.assertFalse(due_soon.invoice_pdf_report_id)
        self.prepare_pdfs(day(0))
        pdf = due_soon.invoice_pdf_report_id
        self.assertTrue(pdf)
        self.assertTrue(pdf.raw.startswith(b"%PDF"))
        self.assertFalse(due_soon.is_move_sent)
        self.assertFalse(later.invoice_pdf_report_id, "only invoices a PDF step reaches by tomorrow")
        self.prepare_pdfs(day(0))  # a rerun renders nothing again
        self.assertEqual(self.env["ir.attachment"].search_count([
            ("res_model", "=", "account.move"), ("res_id", "=", due_soon.id),
            ("res_field", "=", "invoice_pdf_report_file")]), 1)

    def test_nothing_to_prepare_without_pdf_steps(self):
        move = self.invoice(due=day(-40))
        self.prepare_pdfs(day(0))
        self.assertFalse(move.invoice_pdf_report_id)

from freezegun import freeze_time

from odoo.exceptions import AccessError

from .test_reminders import ReminderCommon, day


class ReminderPlanCommon(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedule.write({"min_interval_days": 5, "escalation_user_id": cls.manager.id})
        cls.escalate = cls.env["clerk.reminder.step"].create({
            "schedule_id": cls.schedule.id, "name": "Escalate", "offset_days": 45, "action": "escalation"})
        cls.steps["Escalate"] = cls.escalate

    def escalations(self, move):
        return move.activity_ids.filtered(lambda activity: activity.user_id == self.manager)


class TestBacklog(ReminderPlanCommon):
    def test_found_late_starts_with_the_first_reminder(self):
        self.assertEqual(self.schedule.backlog, "first")  # the default
        move = self.invoice(due=day(-120))
        self.run_reminders(day(0))
        log = self.logs(move)
        self.assertEqual(log.step_id, self.steps["First"])
        self.assertEqual(log.action, "email")
        self.assertEqual(log.mail_id.recipient_ids, self.partner_a)
        self.assertFalse(self.escalations(move))
        fired = {}
        for n in range(1, 30):
            before = self.logs(move)
            self.run_reminders(day(n))
            for new in self.logs(move) - before:
                fired[new.step_id.name] = n
        # one by one, the schedule's minimum interval apart; the escalation last
        self.assertEqual(fired, {"Second": 5, "Call": 10, "Escalate": 15})
        self.assertTrue(self.escalations(move))

    def test_found_late_at_the_step_due_still_reminds_first(self):
        self.schedule.backlog = "due"
        move = self.invoice(due=day(-120))
        self.run_reminders(day(0))
        # the latest reminder due: neither the call (the final notice) nor the escalation
        self.assertEqual(self.logs(move).step_id, self.steps["Second"])
        self.assertFalse(self.escalations(move))
        for n in range(1, 5):
            self.run_reminders(day(n))
        self.assertEqual(len(self.logs(move)), 1)  # the minimum interval
        self.run_reminders(day(5))
        self.assertEqual(self.logs(move, step_id=self.escalate.id).step_id, self.escalate)
        self.assertTrue(self.escalations(move))

    def test_reminder_waiting_for_confirmation_holds_the_escalation(self):
        self.steps["First"].manual = True
        self.schedule.step_ids.filtered(lambda step: step.name in ("Second", "Call")).unlink()
        move = self.invoice(due=day(-120))
        self.run_reminders(day(0))
        self.assertEqual(self.logs(move).state, "to_confirm")
        for n in range(5, 12):
            self.run_reminders(day(n))
        self.assertEqual(len(self.logs(move)), 1, "no escalation before the reminder reached the customer")
        with freeze_time(day(12)):
            move.invalidate_recordset()
            self.assertFalse(move.clerk_reminder_next_step_id)
            self.assertIn("no reminder has reached the customer", move.clerk_reminder_status)

    def test_grouped_message_never_hides_a_reminder_in_an_escalation(self):
        old = self.invoice(due=day(-120))
        self.run_reminders(day(0))
        for n in (5, 10):
            self.run_reminders(day(n))
        recent = self.invoice(due=day(5))  # due 10 days before day 15: its first reminder
        self.run_reminders(day(15))
        escalation = self.logs(old, step_id=self.escalate.id)
        reminder = self.logs(recent)
        self.assertEqual((escalation.action, reminder.action), ("escalation", "email"))
        self.assertTrue(reminder.is_lead)
        self.assertEqual(reminder.mail_id.recipient_ids, self.partner_a)


class TestRunNowPreview(ReminderPlanCommon):
    def send(self, wizard, on):
        self.env.flush_all()
        with freeze_time(on), self.enter_registry_test_mode(), self.registry.cursor() as cr:
            action = wizard.with_env(self.env(cr=cr, user=self.manager)).action_send()
        self.env.invalidate_all()
        return action

    def test_preview_then_send_exactly_that(self):
        self.partner_b.email = "b@customer.example.com"
        late = self.invoice(due=day(-120), amount=300.0)
        also = self.invoice(due=day(-1), amount=50.0)
        other = self.invoice(partner=self.partner_b, due=day(-6))
        with freeze_time(day(5)):
            action = self.schedule.with_user(self.manager).action_run_now()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((wizard.customer_count, wizard.message_count, wizard.invoice_count), (2, 2, 3))
        line_a = wizard.line_ids.filtered(lambda line: line.partner_id == self.partner_a)
        self.assertEqual(line_a.step_id, self.steps["First"])
        self.assertEqual(line_a.action, "email")
        self.assertEqual(line_a.move_ids, late | also)
        self.assertEqual(line_a.amount, 350.0)
        self.assertEqual(wizard.line_ids.filtered(lambda line: line.partner_id == self.partner_b).move_ids, other)
        self.assertFalse(self.logs(late | also | other), "nothing is recorded by the preview")
        self.assertFalse(self.mails_for(late | also | other), "nothing is sent by the preview")
        # due after the preview: not sent with it
        later = self.invoice(partner=self.env["res.partner"].create({"name": "Late Co", "email": "l@example.com"}),
                             due=day(-10))
        result = self.send(wizard, day(5))
        self.assertEqual(self.logs(late | also | other).move_id, late | also | other)
        self.assertEqual(len(self.mails_for(late | also | other)), 2)
        self.assertFalse(self.logs(later))
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("2 message(s) to 2 customer(s)", result["params"]["message"])
        self.assertIn("1 invoice(s) became due after the preview", result["params"]["message"])

    def test_preview_says_what_is_passed_over_and_only_managers_run(self):
        self.schedule.backlog = "due"
        self.invoice(due=day(-120))
        with self.assertRaises(AccessError):
            self.schedule.with_user(self.clerk).action_run_now()
        with freeze_time(day(0)):
            action = self.schedule.with_user(self.manager).action_run_now()
        line = self.env[action["res_model"]].browse(action["res_id"]).line_ids
        self.assertEqual(line.step_id, self.steps["Second"])
        self.assertEqual(line.passed, "First")

    def test_nothing_due(self):
        with freeze_time(day(5)):
            action = self.schedule.with_user(self.manager).action_run_now()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.message_count, 0)
        result = self.send(wizard, day(5))
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("0 message(s)", result["params"]["message"])


class TestFollowUpTab(ReminderPlanCommon):
    def tab(self, move, on):
        with freeze_time(on):
            move.invalidate_recordset()
            return (move.clerk_reminder_next_step_id, move.clerk_reminder_next_date, move.clerk_reminder_status)

    def test_disputed_invoice_is_paused(self):
        move = self.invoice(due=day(-45))
        move.write({"clerk_dispute": True, "clerk_dispute_reason": "Wrong quantity"})
        self.assertEqual(self.tab(move.with_user(self.clerk), day(0)), (
            self.env["clerk.reminder.step"], False, "Paused: in dispute"))
        move.action_clerk_clear_pause()
        self.assertEqual(self.tab(move, day(0)), (self.steps["First"], day(0), False))

    def test_promised_invoice_resumes_after_the_promise(self):
        move = self.invoice(due=day(-20))
        self.run_reminders(day(-10))
        move.write({"clerk_promise_date": day(10), "clerk_promise_amount": 100.0})
        step, when, status = self.tab(move, day(0))
        self.assertEqual((step, when), (self.steps["Second"], day(11)))
        self.assertIn("Paused: promised to pay by", status)

    def test_due_now_is_today_never_the_past(self):
        move = self.invoice(due=day(-40))
        self.assertEqual(self.tab(move, day(0)), (self.steps["First"], day(0), False))
        self.schedule.working_days_only = True
        saturday = day(5)
        self.assertEqual(self.tab(move, saturday), (self.steps["First"], day(7), False))
        # as the run decides: the first reminder today, the next one the minimum interval later
        self.schedule.working_days_only = False
        self.run_reminders(day(0))
        self.assertEqual(self.tab(move, day(1)), (self.steps["Second"], day(5), False))
        move.write({"clerk_reminder_excluded": True, "clerk_reminder_exclusion_reason": "Key account"})
        self.assertEqual(self.tab(move, day(1)), (self.env["clerk.reminder.step"], False, "Excluded: Key account"))

    def test_tab_as_the_run_does(self):
        """The tab's next step and date are what the runs then perform, day after day."""
        move = self.invoice(due=day(-120))
        for n in range(25):
            step, when, _status = self.tab(move, day(n))
            before = self.logs(move)
            self.run_reminders(day(n))
            new = self.logs(move) - before
            if when == day(n):
                self.assertEqual(new.step_id, step, f"day {n}")
            else:
                self.assertFalse(new, f"day {n}")


class TestReminderLetter(ReminderCommon):
    def test_letter_fit_to_post(self):
        self.company.partner_id.write({"street": "1 Market Street", "city": "Springfield", "zip": "12345"})
        bank = self.env["res.partner.bank"].create({"acc_number": "BE71 0961 2345 6769",
                                                     "partner_id": self.company.partner_id.id})
        self.partner_a.write({"street": "9 Customer Road", "city": "Shelbyville", "zip": "54321"})
        letter_step = self.env["clerk.reminder.step"].create({
            "schedule_id": self.schedule.id, "name": "Letter", "offset_days": 10, "action": "letter",
            "letter_opening": "<p>Despite our e-mail reminder, these invoices are still open.</p>"})
        first = self.invoice(due=day(0), amount=120.0)
        second = self.invoice(due=day(-5), amount=80.0)
        self.run_reminders(day(5))
        self.run_reminders(day(10))
        lead = self.logs(first | second, step_id=letter_step.id).filtered("is_lead")
        self.assertEqual(lead.action, "letter")
        with freeze_time(day(10)):
            html = self.env["ir.actions.report"].with_user(self.clerk)._render_qweb_html(
                "invoicing_clerk_tools.report_clerk_reminder_letter", lead.ids)[0].decode()
        for text in (self.partner_a.name, "9 Customer Road", first.name, second.name, "200.00", "15",
                     bank.acc_number, "Payment reference", "Despite our e-mail reminder", "Payment reminder"):
            self.assertIn(text, html)
        self.assertNotIn("reply to this", html)
        self.assertNotIn(f"{self.company.name}: payment reminder", html)  # not the mail's subject
        # the wording is the step's, in the customer's language; empty, the standard one
        letter_step.letter_opening = False
        with freeze_time(day(10)):
            html = self.env["ir.actions.report"]._render_qweb_html(
                "invoicing_clerk_tools.report_clerk_reminder_letter", lead.ids)[0].decode()
        self.assertIn("According to our records", html)
        self.assertNotIn("e-mail", html.lower().replace("email", ""))

    def test_letter_step_needs_no_mail_template(self):
        step = self.env["clerk.reminder.step"].create({
            "schedule_id": self.schedule.id, "name": "Letter", "offset_days": 10, "action": "letter"})
        self.assertFalse(step.mail_template_id)
        with self.assertRaises(AccessError):
            step.with_user(self.clerk).letter_closing = "<p>Regards</p>"

"""Two workers at once, on two real database cursors (committed data, cleaned up afterwards)."""

import threading
from datetime import date, timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase

TODAY = date(2026, 3, 10)


class TestReminderTwoWorkers(TransactionCase):
    """Both workers see the same due invoices; each (invoice, step) is still recorded and mailed once."""

    def setUp(self):
        super().setUp()
        self.ids = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            template = env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
            schedule = env["clerk.reminder.schedule"].create({
                "name": "Concurrency test", "company_id": company.id, "min_interval_days": 0,
                "step_ids": [Command.create({"name": "First", "offset_days": 5, "mail_template_id": template.id})],
            })
            partners = env["res.partner"].create([
                {"name": f"Parallel customer {i}", "email": f"parallel{i}@example.com",
                 "clerk_reminder_schedule_id": schedule.id} for i in range(6)])
            moves = env["account.move"].with_company(company).create([{
                "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": TODAY - timedelta(days=40),
                "invoice_date_due": TODAY - timedelta(days=10), "invoice_payment_term_id": False,
                "invoice_line_ids": [Command.create({"name": "Work", "quantity": 1, "price_unit": 100.0,
                                                     "tax_ids": [Command.clear()]})],
            } for partner in partners for _ in range(2)])
            moves.action_post()
            self.ids = {"schedule": schedule.id, "partners": partners.ids, "moves": moves.ids, "company": company.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        ids = self.ids
        if not ids:
            return
        with self.registry.cursor() as cr:
            moves, partners = tuple(ids["moves"]), tuple(ids["partners"])
            cr.execute("DELETE FROM clerk_reminder_log WHERE move_id IN %s", [moves])
            cr.execute("DELETE FROM mail_mail WHERE mail_message_id IN (SELECT id FROM mail_message "
                       "WHERE model = 'account.move' AND res_id IN %s)", [moves])
            cr.execute("DELETE FROM mail_message WHERE model = 'account.move' AND res_id IN %s", [moves])
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'account.move' AND res_id IN %s", [moves])
            cr.execute("DELETE FROM account_move_line WHERE move_id IN %s", [moves])
            cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
            cr.execute("DELETE FROM mail_followers WHERE partner_id IN %s", [partners])
            cr.execute("DELETE FROM res_partner WHERE id IN %s", [partners])
            cr.execute("DELETE FROM clerk_reminder_schedule WHERE id = %s", [ids["schedule"]])

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _counts(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*), count(DISTINCT (move_id, step_id)) FROM clerk_reminder_log "
                       "WHERE move_id IN %s", [tuple(self.ids["moves"])])
            logs, distinct = cr.fetchone()
            cr.execute("SELECT count(*) FROM mail_mail JOIN mail_message ON mail_message.id = mail_message_id "
                       "WHERE mail_message.model = 'account.move' AND mail_message.res_id IN %s",
                       [tuple(self.ids["moves"])])
            return logs, distinct, cr.fetchone()[0]

    def test_second_worker_skips_what_the_first_holds(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            company_a = env_a["res.company"].browse(self.ids["company"])
            Schedule_a = env_a["clerk.reminder.schedule"]
            plan = Schedule_a._plan(TODAY, company_a)
            self.assertEqual(len(plan), 6)
            created, unclaimed, _done = Schedule_a._perform_batch(plan[:3], TODAY)  # A holds 3 customers, uncommitted
            self.assertEqual((created, unclaimed), (6, set()))
            # B runs the whole job meanwhile: it skips what A holds and does the rest
            stats = env_b["clerk.reminder.schedule"]._run(
                today=TODAY, companies=env_b["res.company"].browse(self.ids["company"]))
            self.assertEqual(stats["created"], 6)
            self.assertEqual(stats["skipped"], 6)
            cr_a.commit()
            # A goes on with the plan it made before B committed: nothing is left for it
            created, unclaimed, _done = Schedule_a._perform_batch(plan[3:], TODAY)
            self.assertEqual(created, 0)
            cr_a.commit()
        self.assertEqual(self._counts(), (12, 12, 6))

    def test_two_threads_run_at_once(self):
        errors, results = [], []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    results.append(env["clerk.reminder.schedule"]._run(
                        today=TODAY, companies=env["res.company"].browse(self.ids["company"])))
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(sum(result["created"] for result in results), 12)
        self.assertEqual(self._counts(), (12, 12, 6))

from odoo.exceptions import AccessError, ValidationError

from .common import ClerkCommon


class TestWorkspace(ClerkCommon):
    def test_queue_counts_match_their_records(self):
        self.make_invoice(amount=100, post=True, due_date="2020-01-01", invoice_date="2019-12-01")
        self.make_invoice(amount=250, post=True)
        queues = self.env["clerk.queue"].with_user(self.clerk).search([])
        self.assertTrue(queues)
        for queue in queues:
            records = self.env[queue.res_model].with_user(self.clerk).search(queue._get_domain())
            self.assertEqual(queue.record_count, len(records), queue.name)
            if queue.amount_field:
                self.assertAlmostEqual(queue.amount_total, sum(records.mapped(queue.amount_field)))
        overdue = self.env.ref("invoicing_clerk_tools.queue_overdue_invoices").with_user(self.clerk)
        self.assertGreaterEqual(overdue.record_count, 1)

    def test_queue_figures_use_one_query_per_model(self):
        queues = self.env["clerk.queue"].with_user(self.clerk).search([])
        self.assertGreater(len(queues), len(set(queues.mapped("res_model"))))
        queues.mapped("record_count")  # warm the caches of access rules
        self.env.invalidate_all()
        # one query per model (cards of one model counted together), plus the fixed facts some domains
        # read (the billing rule: the company's country and the EU countries; the document rules' drafts)
        with self.assertQueryCount(len(set(queues.mapped("res_model"))) + 9):
            queues.mapped("record_count")

    def test_queue_action_opens_filtered_list(self):
        queue = self.env.ref("invoicing_clerk_tools.queue_open_invoices").with_user(self.clerk)
        action = queue.action_open()
        self.assertEqual(action["res_model"], "account.move")
        self.assertIn(("state", "=", "posted"), action["domain"])

    def test_bad_queue_configuration_is_refused(self):
        Queue = self.env["clerk.queue"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "Domain"):
            Queue.create({"name": "Broken", "domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaisesRegex(ValidationError, "Domain"):
            Queue.create({"name": "Broken", "domain": "[('state', '=', "})
        with self.assertRaisesRegex(ValidationError, "Amount field"):
            Queue.create({"name": "Broken", "domain": "[]", "amount_field": "no_such_amount"})
        with self.assertRaisesRegex(ValidationError, "Model"):
            Queue.create({"name": "Broken", "res_model": "no.such.model"})

    def test_only_managers_configure_queues(self):
        with self.assertRaises(AccessError):
            self.env["clerk.queue"].with_user(self.clerk).create({"name": "Mine", "domain": "[]"})
        with self.assertRaises(AccessError):
            self.env["clerk.queue"].with_user(self.outsider).search([])

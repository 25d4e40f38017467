from odoo import Command
from odoo.exceptions import UserError

from .test_reminders import ReminderCommon, day


class TestBillingCompleteness(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terms = cls.env.ref("account.account_payment_term_30days")
        cls.complete = {"street": "Rue Haute 1", "city": "Brussels", "country_id": cls.env.ref("base.be").id,
                        "email": "billing@customer.example.com", "property_payment_term_id": cls.terms.id}
        cls.customer = cls.env["res.partner"].create({"name": "Complete Co", "is_company": True, **cls.complete})
        cls.bare = cls.env["res.partner"].create({"name": "Bare Co", "is_company": True})

    def test_rule(self):
        self.assertTrue(self.customer.clerk_billing_complete)
        self.assertFalse(self.customer.clerk_billing_issues)
        self.assertFalse(self.bare.clerk_billing_complete)
        self.assertEqual(self.bare.clerk_billing_issues, "invoicing address (street, city, country), billing e-mail "
                         "(invoices are sent by e-mail), payment terms")
        # an invoice address (child) provides address and e-mail; sending by hand needs no e-mail
        self.bare.write({"property_payment_term_id": self.terms.id, "child_ids": [Command.create({
            "type": "invoice", "name": "Accounts", "street": "1 Road", "city": "Leeds",
            "country_id": self.env.ref("base.uk").id, "email": "ap@bare.example.com"})]})
        self.assertTrue(self.bare.clerk_billing_complete)
        self.bare.child_ids.email = False
        self.assertEqual(self.bare.clerk_billing_issues, "billing e-mail (invoices are sent by e-mail)")
        self.bare.invoice_sending_method = "manual"
        self.assertTrue(self.bare.clerk_billing_complete)
        # an address needs street, city and country, all on the same contact; what lacks is named exactly
        self.customer.city = False
        self.assertEqual(self.customer.clerk_billing_issues, "city of the invoicing address")
        self.customer.write({"city": "Brussels", "country_id": False})
        self.assertFalse(self.customer.clerk_billing_complete)
        self.assertEqual(self.customer.clerk_billing_issues, "country of the invoicing address")
        self.customer.write({"city": False})
        self.assertEqual(self.customer.clerk_billing_issues, "city and country of the invoicing address")
        # an invoice address nearer to complete is the one to finish
        self.customer.write({"street": False, "child_ids": [Command.create({
            "type": "invoice", "name": "Accounts", "street": "2 Quai", "city": "Liège"})]})
        self.assertEqual(self.customer.clerk_billing_issues, "country of the invoicing address")

    def test_vat_where_the_company_country_requires_it(self):
        self.assertEqual(self.company.country_id, self.env.ref("base.us"))
        self.assertTrue(self.customer.clerk_billing_complete)  # a US company asks no VAT
        self.company.country_id = self.env.ref("base.be")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.clerk_billing_issues, "VAT number")
        private = self.env["res.partner"].create({"name": "Private Person", **self.complete})
        self.assertTrue(private.clerk_billing_complete)  # not a company
        self.customer.vat = "BE0477472701"
        self.assertTrue(self.customer.clerk_billing_complete)

    def test_search_agrees_with_the_rule_and_the_queue(self):
        partners = self.customer | self.bare | self.partner_a | self.partner_b
        Partner = self.env["res.partner"]
        for complete in (True, False):
            found = Partner.search([("id", "in", partners.ids), ("clerk_billing_complete", "=", complete)])
            self.assertEqual(found, partners.filtered(lambda p, c=complete: p.clerk_billing_complete == c))
        self.make_invoice(partner=self.bare, post=True)
        self.make_invoice(partner=self.customer, post=True)
        queue = self.env.ref("invoicing_clerk_tools.queue_customers_to_complete").with_user(self.clerk)
        records = Partner.with_user(self.clerk).search(queue._get_domain())
        self.assertEqual(queue.record_count, len(records))
        self.assertIn(self.bare, records)
        self.assertNotIn(self.customer, records)

    def test_shown_on_draft_invoices(self):
        draft = self.make_invoice(partner=self.bare)
        self.assertIn("payment terms", draft.clerk_billing_issues)
        # one line of the document's panel, for clerks, with the button that opens the customer
        line = next(line for line in draft.with_user(self.clerk).clerk_panel["lines"]
                    if "billing details" in line["messages"][0])
        self.assertFalse(line["blocks"])
        self.assertIn("payment terms", line["messages"][0])
        self.assertEqual([b["target"] for b in line["buttons"]], ["action_clerk_complete_customer"])
        action = draft.with_user(self.clerk).action_clerk_complete_customer()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.bare.id))
        missing_country = self.env["res.partner"].create({
            "name": "Almost Co", "is_company": True, **self.complete, "country_id": False})
        invoice = self.make_invoice(partner=missing_country)
        self.assertEqual([line["messages"] for line in invoice.with_user(self.clerk).clerk_panel["lines"]],
                         [["Customer's billing details incomplete: country of the invoicing address."]])
        self.assertFalse(self.make_invoice(partner=self.customer).clerk_billing_issues)
        draft.action_post()
        draft.invalidate_recordset()
        self.assertFalse(draft.clerk_billing_issues)

    def test_block_refuses_sending_invoices(self):
        invoice = self.make_invoice(partner=self.bare, post=True)
        good = self.make_invoice(partner=self.customer, post=True)
        # warn (default): sending goes on
        invoice.with_user(self.clerk).action_send_and_print()
        self.company.clerk_billing_check = "block"
        with self.assertRaisesRegex(UserError, "Bare Co: .*payment terms"):
            invoice.with_user(self.clerk).action_send_and_print()
        with self.assertRaisesRegex(UserError, "Sending invoices refused"):
            self.env["account.move.send"].with_user(self.clerk)._generate_and_send_invoices(invoice)
        with self.assertRaisesRegex(UserError, "Bare Co"):
            self.env["account.move.send.batch.wizard"].with_user(self.clerk).create(
                {"move_ids": [Command.set((invoice | good).ids)]})
        self.assertTrue(good.with_user(self.clerk).action_send_and_print())

    def test_block_holds_reminders_until_completed(self):
        self.bare.email = "bare@customer.example.com"
        self.company.clerk_billing_check = "block"
        held = self.invoice(partner=self.bare)
        sent = self.invoice(partner=self.customer)
        self.run_reminders(day(5))
        self.assertTrue(self.logs(sent))
        self.assertFalse(self.logs(held))
        self.bare.write({k: v for k, v in self.complete.items() if k != "email"})
        self.run_reminders(day(6))
        self.assertEqual(self.logs(held).state, "queued")

    def test_block_refuses_confirming_a_reminder(self):
        self.steps["First"].manual = True
        self.bare.email = "bare@customer.example.com"
        move = self.invoice(partner=self.bare)
        self.run_reminders(day(5))  # warn: planned, waiting for confirmation
        log = self.logs(move)
        self.assertEqual(log.state, "to_confirm")
        self.company.clerk_billing_check = "block"
        wizard = self.env["clerk.reminder.confirm.wizard"].with_user(self.clerk).create({"log_id": log.id})
        with self.assertRaisesRegex(UserError, "Sending the payment reminder refused"):
            wizard.action_send()
        self.assertEqual(log.state, "to_confirm")

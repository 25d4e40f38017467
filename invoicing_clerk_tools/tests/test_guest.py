"""A guest in someone else's Odoo (issue 10, parts 1 and 2): installed and not configured, the addon changes
nothing; accounting users outside its groups never hit an error caused by it, and still cannot read its records."""

import re

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ClerkCommon
from .test_matching import MatchingCommon

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

ADDON_MODELS = ("clerk.approval.rule", "clerk.approval.request", "clerk.approval.decision", "clerk.discrepancy",
                "clerk.match.tolerance", "clerk.reminder.schedule", "clerk.reminder.log", "clerk.statement.log",
                "clerk.post.override", "clerk.document.rule", "clerk.audit.pack", "clerk.team", "clerk.queue")


class GuestCommon(ClerkCommon):
    """Accounting users of the company who are in none of the addon's groups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids = [Command.link(cls.env.ref("invoicing_clerk_tools.group_manager").id)]
        cls.billing_user = cls._create_outsider("outsider_bill", "Bea Billing", [
            "account.group_account_invoice", "base.group_partner_manager"])
        cls.accountant = cls._create_outsider("outsider_acc", "Abe Accountant", [
            "account.group_account_user", "base.group_partner_manager", "purchase.group_purchase_user"])
        cls.admin_outsider = cls._create_outsider("outsider_admin", "Ada Admin", [
            "account.group_account_manager", "base.group_system"])

    @classmethod
    def _create_outsider(cls, login, name, groups):
        user = cls.env["res.users"].create({
            "name": name, "login": login, "password": login, "email": f"{login}@example.com",
            "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
            "group_ids": [Command.set([cls.env.ref(xmlid).id for xmlid in groups])],
        })
        clerk_groups = cls.env.ref("invoicing_clerk_tools.group_clerk")
        assert clerk_groups not in user.all_group_ids, "an outsider must not be an invoicing clerk"
        return user


@tagged("post_install", "-at_install")
class TestOutsiders(GuestCommon):
    """Every form the addon extends, used by accounting users outside its groups."""

    def invoice_form(self, user, move_type="out_invoice", partner=None):
        form = Form(self.env["account.move"].with_user(user).with_context(default_move_type=move_type))
        form.partner_id = partner or self.partner_a
        form.invoice_date = fields.Date.today()
        with form.invoice_line_ids.new() as line:
            line.product_id = self.product_a
            line.price_unit = 250.0
        return form.save()

    def test_outsiders_cannot_read_addon_records(self):
        for user in (self.billing_user, self.accountant):
            for model in ADDON_MODELS:
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).check_access("read")
            move = self.make_invoice().with_user(user)
            for name in ("clerk_approval_request_ids", "clerk_approval_decision_ids", "clerk_discrepancy_ids",
                         "clerk_override_ids", "clerk_reminder_log_ids"):
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    move.read([name])
            with self.assertRaises(AccessError):
                self.partner_a.with_user(user).read(["clerk_reminder_log_ids"])

    def addon_names(self, user, model, view_type, view=None):
        """Names of the addon's fields, buttons and elements in a view as ``user`` gets it."""
        view_id = self.env.ref(view).id if view else False
        arch = self.env[model].with_user(user).get_views([(view_id, view_type)])["views"][view_type]["arch"]
        return set(re.findall(r'name="((?:action_)?clerk_\w+)"', arch))

    def test_views_show_nothing_of_the_addon(self):
        for user in (self.billing_user, self.accountant):
            for model, view_type in (("account.move", "form"), ("account.move", "list"), ("account.move", "search"),
                                     ("res.partner", "form"), ("res.partner", "search")):
                with self.subTest(user=user.login, model=model, view_type=view_type):
                    # the gate's panel only: computed as superuser, it says why the gate would refuse to post
                    allowed = {"clerk_ready_panel", "clerk_ready_to_post", "clerk_panel"} \
                        if (model, view_type) == ("account.move", "form") else set()
                    self.assertEqual(self.addon_names(user, model, view_type) - allowed, set())
            for view, view_type in (("account.view_invoice_tree", "list"),
                                    ("account.view_in_invoice_bill_tree", "list"),
                                    ("account.view_account_invoice_filter", "search")):
                with self.subTest(user=user.login, view=view):
                    self.assertEqual(self.addon_names(user, "account.move", view_type, view), set())
        self.assertEqual(self.addon_names(self.admin_outsider, "res.config.settings", "form"), set())
        self.assertIn("clerk_approval_rule_ids", self.addon_names(self.clerk, "account.move", "form"))
        self.assertIn("clerk_match_status", self.addon_names(self.clerk, "account.move", "list",
                                                              "account.view_in_invoice_bill_tree"))
        self.assertIn("clerk_match_policy", self.addon_names(self.env.user, "res.config.settings", "form"))

    def test_customer_invoice_lifecycle(self):
        for user in (self.billing_user, self.accountant):
            with self.subTest(user=user.login):
                invoice = self.invoice_form(user)
                with Form(invoice) as form:
                    form.ref = "edited"
                    with form.invoice_line_ids.edit(0) as line:
                        line.quantity = 2
                self.assertEqual(invoice.amount_untaxed, 500.0)
                # nothing configured: no panel, no error (the customer's billing details are the clerks' concern)
                invoice.invalidate_recordset()
                self.assertEqual(invoice.read(["clerk_panel", "clerk_ready_to_post"])[0]["clerk_panel"], False)
                self.assertTrue(invoice.clerk_ready_to_post)
                invoice.action_post()
                self.assertEqual(invoice.state, "posted")
                invoice.button_draft()
                invoice.button_cancel()
                self.assertEqual(invoice.state, "cancel")
                invoice.button_draft()
                invoice.action_post()
                # print and send (PDF generated and stored, no mail)
                wizard = self.env["account.move.send.wizard"].with_user(user).with_context(
                    active_model="account.move", active_ids=invoice.ids).create({"sending_methods": []})
                wizard.action_send_and_print()
                self.assertTrue(invoice.invoice_pdf_report_id)
                # pay
                payments = self.env["account.payment.register"].with_user(user).with_context(
                    active_model="account.move", active_ids=invoice.ids).create({})._create_payments()
                self.assertTrue(payments)
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))
                # a draft is deleted as Odoo allows
                draft = self.invoice_form(user)
                draft.unlink()
                self.assertFalse(draft.exists())

    def test_credit_and_debit_notes(self):
        for user in (self.billing_user, self.accountant):
            with self.subTest(user=user.login):
                invoice = self.invoice_form(user)
                invoice.action_post()
                reversal = self.env["account.move.reversal"].with_user(user).with_context(
                    active_model="account.move", active_ids=invoice.ids).create({
                        "reason": "returned", "journal_id": invoice.journal_id.id})
                credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
                self.assertEqual(credit_note.move_type, "out_refund")
                with Form(credit_note.with_user(user)) as form:
                    form.ref = "credit"
                credit_note.with_user(user).action_post()
                debit = self.env["account.debit.note"].with_user(user).with_context(
                    active_model="account.move", active_ids=invoice.ids).create({"reason": "extra", "copy_lines": True})
                debit_note = self.env["account.move"].browse(debit.create_debit()["res_id"])
                self.assertEqual(debit_note.debit_origin_id, invoice)
                debit_note.with_user(user).action_post()
                self.assertEqual(debit_note.state, "posted")

    def test_vendor_bills_refunds_and_entries(self):
        for user in (self.billing_user, self.accountant):
            with self.subTest(user=user.login):
                bills = self.invoice_form(user, "in_invoice", self.partner_b) | self.invoice_form(
                    user, "in_invoice", self.partner_b)  # the same amount, the same day: posted anyway
                bills.action_post()
                self.assertEqual(set(bills.mapped("state")), {"posted"})
                refund = self.invoice_form(user, "in_refund", self.partner_b)
                refund.action_post()
                self.assertEqual(refund.state, "posted")
        entry_form = Form(self.env["account.move"].with_user(self.accountant).with_context(default_move_type="entry"))
        for account, debit, credit in ((self.company_data["default_account_revenue"], 0.0, 100.0),
                                       (self.company_data["default_account_expense"], 100.0, 0.0)):
            with entry_form.line_ids.new() as line:
                line.account_id = account
                line.debit = debit
                line.credit = credit
        entry = entry_form.save()
        entry.action_post()
        self.assertEqual(entry.state, "posted")

    def test_partner_form(self):
        partner = self.env["res.partner"].create({"name": "Guest Customer", "customer_rank": 1})
        for user in (self.billing_user, self.accountant):
            with self.subTest(user=user.login):
                with Form(partner.with_user(user)) as form:
                    form.phone = "+32 2 555 00 00"
                self.assertEqual(partner.phone, "+32 2 555 00 00")
                created = Form(self.env["res.partner"].with_user(user))
                created.name = "New Contact"
                self.assertTrue(created.save())

    def test_settings(self):
        """An administrator outside the addon's groups opens and saves the accounting settings; the addon's block
        is not shown to them (its records are not theirs to read)."""
        self.company.clerk_reminder_schedule_id = self.env["clerk.reminder.schedule"].create({
            "name": "Ours", "company_id": self.company.id})
        settings = Form(self.env["res.config.settings"].with_user(self.admin_outsider))
        self.assertNotIn("clerk_reminder_schedule_id", settings._view["fields"])
        settings.save().execute()
        self.assertTrue(self.company.clerk_reminder_schedule_id, "saving the settings keeps the addon's settings")


@tagged("post_install", "-at_install")
class TestNothingChangesUntilConfigured(GuestCommon):
    def test_defaults_of_a_new_company(self):
        company = self.env["res.company"].create({"name": "Just Installed"})
        self.assertEqual(company.clerk_match_policy, "report")
        self.assertFalse(company.clerk_keep_invoice_pdf)
        self.assertEqual(company.clerk_billing_check, "warn")
        self.assertFalse(company.clerk_reminder_schedule_id)
        self.assertFalse(company.clerk_statement_default)
        self.assertFalse(company.clerk_override_group_id)
        self.assertFalse(self.env["clerk.document.category"].search([("keep_after_posting", "=", True)]))

    def test_invoice_pdf_deletable_by_default(self):
        invoice = self.make_invoice(post=True)
        self.env["account.move.send.wizard"].with_user(self.billing_user).with_context(
            active_model="account.move", active_ids=invoice.ids).create({"sending_methods": []}).action_send_and_print()
        pdf = invoice.invoice_pdf_report_id
        self.assertTrue(pdf)
        self.assertFalse(pdf.clerk_retained)
        pdf.with_user(self.billing_user).unlink()
        self.assertFalse(pdf.exists())

    def test_supporting_documents_not_kept_without_rule_or_category(self):
        category = self.env.ref("invoicing_clerk_tools.document_category_delivery_note")
        bill = self.make_invoice("in_invoice")
        doc = self.env["ir.attachment"].create({
            "name": "delivery.pdf", "raw": PDF, "res_model": "account.move", "res_id": bill.id,
            "clerk_category_id": category.id})
        chatter = self.env["ir.attachment"].with_user(self.billing_user).create({
            "name": "Delivery note 12.pdf", "raw": PDF, "res_model": "account.move", "res_id": bill.id})
        self.assertFalse(chatter.clerk_category_id, "no document rule: files are not filed by their name")
        self.assertEqual(chatter.name, "Delivery note 12.pdf")
        bill.action_post()
        self.assertFalse(doc.clerk_retained)
        late = self.env["ir.attachment"].create({
            "name": "late.pdf", "raw": PDF, "res_model": "account.move", "res_id": bill.id,
            "clerk_category_id": category.id})
        self.assertFalse(late.clerk_retained)
        (doc | chatter | late).with_user(self.billing_user).unlink()
        self.assertFalse((doc | chatter | late).exists())

    def test_retention_once_switched_on(self):
        kept = self.env.ref("invoicing_clerk_tools.document_category_contract")
        by_rule = self.env.ref("invoicing_clerk_tools.document_category_delivery_note")
        loose = self.env.ref("invoicing_clerk_tools.document_category_other")
        kept.keep_after_posting = True
        self.company.clerk_keep_invoice_pdf = True
        self.env["clerk.document.rule"].create({
            "name": "Bills: delivery note", "company_id": self.company.id, "apply_in_invoice": True,
            "category_ids": [Command.set(by_rule.ids)], "mode": "warn"})
        self.env["clerk.document.rule"].create({
            "name": "Bills: other, not kept", "company_id": self.company.id, "apply_in_invoice": True,
            "category_ids": [Command.set(loose.ids)], "mode": "warn", "keep_documents": False})
        bill = self.make_invoice("in_invoice")
        docs = self.env["ir.attachment"].create([{
            "name": f"{category.code}.pdf", "raw": PDF, "res_model": "account.move", "res_id": bill.id,
            "clerk_category_id": category.id} for category in (kept, by_rule, loose)])
        bill.action_post()
        self.assertEqual(docs.mapped("clerk_retained"), [True, True, False])
        with self.assertRaisesRegex(UserError, "kept for audit"):
            docs[0].unlink()
        with self.assertRaisesRegex(UserError, "kept for audit"):
            docs[1].unlink()
        docs[2].unlink()
        # The printed invoice, once the company keeps it.
        invoice = self.make_invoice(post=True)
        self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"sending_methods": []}).action_send_and_print()
        self.assertTrue(invoice.invoice_pdf_report_id.clerk_retained)
        with self.assertRaisesRegex(UserError, "kept for audit"):
            invoice.invoice_pdf_report_id.with_user(self.billing_user).unlink()
        # A category kept from now on keeps what is filed in it on posted documents from now on.
        other_bill = self.make_invoice("out_invoice", post=True)
        receipt = self.env.ref("invoicing_clerk_tools.document_category_payment_receipt")
        receipt.keep_after_posting = True
        filed = self.env["ir.attachment"].create({
            "name": "receipt.pdf", "raw": PDF, "res_model": "account.move", "res_id": other_bill.id,
            "clerk_category_id": receipt.id})
        self.assertTrue(filed.clerk_retained)

    def test_files_filed_by_name_once_a_document_rule_exists(self):
        self.env["clerk.document.rule"].create({
            "name": "Bills: delivery note", "company_id": self.company.id, "apply_in_invoice": True,
            "category_ids": [Command.set(self.env.ref("invoicing_clerk_tools.document_category_delivery_note").ids)],
            "mode": "warn"})
        bill = self.make_invoice("in_invoice")
        chatter = self.env["ir.attachment"].create({
            "name": "Delivery note 12.pdf", "raw": PDF, "res_model": "account.move", "res_id": bill.id})
        self.assertEqual(chatter.clerk_category_id,
                         self.env.ref("invoicing_clerk_tools.document_category_delivery_note"))

    def test_settings_turn_features_on(self):
        settings = Form(self.env["res.config.settings"])
        self.assertIn("clerk_match_policy", settings._view["fields"])
        self.assertEqual(settings.clerk_match_policy, "report")
        settings.clerk_match_policy = "block"
        settings.clerk_keep_invoice_pdf = True
        settings.save().execute()
        self.assertEqual(self.company.clerk_match_policy, "block")
        self.assertTrue(self.company.clerk_keep_invoice_pdf)


@tagged("post_install", "-at_install")
class TestBillCheckReportsByDefault(MatchingCommon):
    """The bill check of an unconfigured company reports its findings; posting is Odoo's as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.clerk_match_policy = "report"  # MatchingCommon switches blocking on; this is the default

    def test_duplicates_and_unreceived_goods_post(self):
        first = self.make_bill([{"product_id": self.paper.id, "quantity": 3, "price_unit": 40.0}])
        second = self.make_bill([{"product_id": self.paper.id, "quantity": 3, "price_unit": 40.0}])
        self.assertEqual(second.clerk_match_status, "exception")
        self.assertTrue(self.findings(second, "duplicate"))
        (first | second).action_post()
        self.assertEqual((first | second).mapped("state"), ["posted", "posted"])
        order = self.make_po([(self.paper, 10, 20.0, 0.0)], received=False)
        bill = self.make_bill([{"pol": order.order_line}])
        self.assertEqual(bill.clerk_match_status, "exception")
        self.assertTrue(self.findings(bill, "quantity"))
        bill.action_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(order.order_line.qty_invoiced, 10.0)

    def test_bill_from_purchase_order_before_receipt(self):
        order = self.make_po([(self.ink, 2, 50.0, 0.0), (self.paper, 10, 20.0, 0.0)], received=False)
        order.with_user(self.accountant_with_purchase()).action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = fields.Date.today()
        with Form(bill) as form:
            form.ref = "PO-BILL-1"
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def accountant_with_purchase(self):
        return self.env["res.users"].create({
            "name": "Pia Purchase", "login": "outsider_pia", "company_id": self.company.id,
            "company_ids": [Command.set(self.company.ids)],
            "group_ids": [Command.set([self.env.ref("account.group_account_user").id,
                                       self.env.ref("purchase.group_purchase_user").id])]})

    def test_blocking_once_switched_on(self):
        self.make_bill([{"product_id": self.paper.id, "quantity": 3, "price_unit": 40.0}], post=True)
        twin = self.make_bill([{"product_id": self.paper.id, "quantity": 3, "price_unit": 40.0}])
        accountant = self.accountant_with_purchase()
        # reported only (the default): an outsider's form shows nothing of it
        self.assertEqual(twin.clerk_match_status, "exception")
        self.assertFalse(twin.with_user(accountant).clerk_panel)
        self.company.clerk_match_policy = "block"
        # blocking: the panel says what blocks and who clears it, without the addon's buttons
        twin.invalidate_recordset()
        lines = twin.with_user(accountant).clerk_panel["lines"]
        self.assertTrue(lines and all(line["blocks"] and not line["buttons"] for line in lines))
        self.assertIn("Billing Approver", lines[0]["who"])
        with self.assertRaisesRegex(UserError, "possible duplicate|same amount"):
            twin.action_post()

    def test_first_tolerance_switches_blocking_on(self):
        self.tolerance(price_pct=5.0)
        self.assertEqual(self.company.clerk_match_policy, "block")
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0}])
        with self.assertRaisesRegex(UserError, "beyond tolerance"):
            bill.action_post()
        # Back to report only: a later tolerance leaves the setting alone.
        self.company.clerk_match_policy = "report"
        self.tolerance(partner_id=self.vendor.id, price_pct=10.0)
        self.assertEqual(self.company.clerk_match_policy, "report")
        bill.action_post()
        self.assertEqual(bill.state, "posted")

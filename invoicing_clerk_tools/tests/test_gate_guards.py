"""The gate holds for every write (issue 10): no user posts by writing ``state``, writes the addon's computed
states, moves a held document out of the gate's reach, changes what a posted document is, or moves or hides a
retained document; Odoo's own paths (post after approval, reset to draft, reverse, duplicate) keep working."""

import base64

from odoo import Command, fields
from odoo.exceptions import UserError

from ..models.ir_attachment import internal_writes
from .test_approvals import ApprovalCommon

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


class GuardCommon(ApprovalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What these tests rely on is configured here, whatever the defaults: an approval rule on customer
        # invoices over 1,000 (and the bills rule of ApprovalCommon); the bill check off.
        cls.company.clerk_match_policy = "none"
        cls.rule_invoices = cls.make_rule(name="Invoices over 1,000", apply_in_invoice=False,
                                          apply_out_invoice=True, amount_min=1000.0)
        cls.users = {"clerk": cls.clerk, "approver": cls.approver, "manager": cls.manager}

    def held(self, amount=5000.0, partner=None, sent=False, **values):
        """A draft customer invoice the approval rule holds (sent for approval when ``sent``)."""
        move = self.make_invoice(amount=amount, partner=partner, user=self.clerk, **values)
        if sent:
            self.send(move)
        return move

    def approved(self, **values):
        move = self.held(sent=True, **values)
        move.with_user(self.approver).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")
        return move

    def assert_untouched(self, move, state="draft"):
        move.invalidate_recordset()
        self.assertEqual(move.state, state)
        if state == "draft":
            self.assertFalse(move.name not in (False, "/") and not move.posted_before,
                             "a draft never posted gets no number")


class TestStateWrites(GuardCommon):
    def test_nobody_posts_by_writing_state(self):
        ready = self.make_invoice(amount=10.0, user=self.clerk)
        for login, user in self.users.items():
            for move in (self.held(), self.held(sent=True), self.approved(), ready):
                with self.subTest(user=login, move=move._clerk_label()),\
                        self.assertRaisesRegex(UserError, "cannot be posted by writing its status.*Confirm"):
                    move.with_user(user).write({"state": "posted"})
                self.assert_untouched(move)

    def test_journal_entries_neither(self):
        revenue, expense = (self.company_data[key] for key in ("default_account_revenue", "default_account_expense"))
        entry = self.env["account.move"].create({
            "move_type": "entry",
            "line_ids": [
                Command.create({"name": "a", "debit": 10.0, "account_id": revenue.id}),
                Command.create({"name": "b", "credit": 10.0, "account_id": expense.id}),
            ],
        })
        with self.assertRaisesRegex(UserError, "cannot be posted by writing its status"):
            entry.with_user(self.manager).write({"state": "posted"})
        self.assertEqual(entry.state, "draft")
        entry.with_user(self.manager).action_post()
        self.assertEqual(entry.state, "posted")

    def test_refusal_names_each_document_of_a_batch(self):
        one = self.held(partner=self.partner_a, ref="PO-ONE")
        two = self.held(amount=7000.0, partner=self.partner_b)
        with self.assertRaises(UserError) as caught:
            (one | two).with_user(self.clerk).write({"state": "posted"})
        message = str(caught.exception)
        for expected in (self.partner_a.name, "PO-ONE", self.partner_b.name, "5,000.00", "7,000.00"):
            self.assertIn(expected, message)

    def test_superuser_code_writing_state_is_gated(self):
        move = self.held(sent=True)
        with self.assertRaisesRegex(UserError, "(?s)not ready.*Waiting for approval: rule Invoices over 1,000"):
            move.sudo().write({"state": "posted"})
        self.assert_untouched(move)

    def test_mass_post_names_each_draft(self):
        """The gate's refusal heads each document with its partner and amount, not only "Draft Invoice"."""
        one = self.held(partner=self.partner_a)
        two = self.held(amount=6000.0, partner=self.partner_b)
        wizard = self.env["validate.account.move"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=(one | two).ids).create({})
        with self.assertRaises(UserError) as caught:
            wizard.validate_move()
        message = str(caught.exception)
        self.assertRegex(message, rf"Draft Invoice \({self.partner_a.name}, [^)]*5,000\.00[^)]*\):\n  - ")
        self.assertRegex(message, rf"Draft Invoice \({self.partner_b.name}, [^)]*6,000\.00[^)]*\):\n  - ")
        self.assertNotIn("Draft Invoice:", message)


class TestComputedStates(GuardCommon):
    def test_approval_state_cannot_be_written(self):
        for login, user in self.users.items():
            for move in (self.held(), self.held(sent=True)):
                with self.subTest(user=login, sent=bool(move.clerk_approval_state)):
                    with self.assertRaisesRegex(UserError, "Approval of .*5,000.00.* cannot be written.*approve"):
                        move.with_user(user).write({"clerk_approval_state": "approved"})
                    with self.assertRaisesRegex(UserError, "Invoices over 1,000"):
                        move.with_user(user)._post(soft=False)
                    self.assert_untouched(move)
        with self.assertRaisesRegex(UserError, "cannot be written"):
            self.held(sent=True).sudo().write({"clerk_approval_state": "approved"})

    def test_every_computed_state_is_refused(self):
        bill = self.bill(amount=10.0)
        invoice = self.held()
        cases = [
            (invoice, "clerk_approval_state", "approved", "approvers"),
            (bill, "clerk_match_status", "matched", "bill check"),
            (bill, "clerk_match_date", fields.Datetime.now(), "bill check"),
            (bill, "clerk_exception_count", 0, "bill check"),
            (invoice, "clerk_document_complete", True, "attach the missing documents"),
            (invoice, "clerk_document_completeness", 100.0, "attach the missing documents"),
            (invoice, "clerk_document_missing_ids", [Command.clear()], "attach the missing documents"),
            (invoice, "clerk_billing_issues", False, "complete the customer"),
            (invoice, "clerk_ready_to_post", True, "Ready to post"),
            (invoice, "clerk_approval_can_decide", True, "approvers"),
        ]
        for move, name, value, hint in cases:
            with self.subTest(field=name), self.assertRaisesRegex(UserError, f"cannot be written.*{hint}"):
                move.with_user(self.manager).write({name: value})
        with self.assertRaisesRegex(UserError, "Billing Details Complete of .* cannot be written"):
            self.partner_a.with_user(self.manager).write({"clerk_billing_complete": True})

    def test_computed_states_cannot_be_given_at_creation(self):
        Move = self.env["account.move"].with_user(self.clerk)
        values = {"move_type": "out_invoice", "partner_id": self.partner_a.id, "invoice_line_ids": [
            Command.create({"name": "Consulting", "quantity": 1, "price_unit": 5000.0, "tax_ids": [Command.clear()]})]}
        with self.assertRaisesRegex(UserError, "Approval of a new document cannot be written"):
            Move.create({**values, "clerk_approval_state": "approved"})
        with self.assertRaisesRegex(UserError, "Approval of a new document cannot be written"):
            Move.with_context(default_clerk_approval_state="approved").create(values)
        with self.assertRaisesRegex(UserError, "Match Status of a new document cannot be written"):
            Move.create({**values, "move_type": "in_invoice", "clerk_match_status": "matched"})

    def test_lines_cannot_post_their_move(self):
        move = self.held(sent=True)
        with self.assertRaisesRegex(UserError, "status of the lines of .*5,000.00.* cannot be written"):
            move.line_ids.with_user(self.clerk).write({"parent_state": "posted"})
        with self.assertRaisesRegex(UserError, "status of the lines of .* cannot be written"):
            move.with_user(self.clerk).write({"invoice_line_ids": [Command.create({
                "name": "More", "quantity": 1, "price_unit": 1.0, "parent_state": "posted"})]})
        self.assert_untouched(move)
        self.assertEqual(set(move.line_ids.mapped("parent_state")), {"draft"})

    def test_ordinary_fields_still_write(self):
        move = self.held(sent=True)
        move.with_user(self.clerk).write({"narration": "<p>Note</p>", "clerk_user_id": self.clerk_2.id})
        self.assertEqual(move.clerk_user_id, self.clerk_2)
        self.assertEqual(move.clerk_approval_state, "pending")


class TestMoveIdentity(GuardCommon):
    def test_held_invoice_cannot_become_an_entry(self):
        for login, user in self.users.items():
            for move in (self.held(), self.held(sent=True), self.approved()):
                with self.subTest(user=login, state=move.clerk_approval_state),\
                        self.assertRaisesRegex(UserError, "5,000.00.* cannot become a journal entry.*Ready to post"):
                    move.with_user(user).write({"move_type": "entry"})
                self.assertEqual(move.move_type, "out_invoice")

    def test_entry_turned_invoice_after_posting_is_refused(self):
        """Issue 10: entry, post, back to invoice. Nothing holds this small invoice, so it may become an entry;
        once posted, its type is fixed."""
        move = self.make_invoice(amount=10.0, user=self.clerk)
        move.with_user(self.clerk).write({"move_type": "entry"})
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")
        for user in self.users.values():
            with self.assertRaisesRegex(UserError, "Type of .* cannot be changed: it was posted as it is"):
                move.with_user(user).write({"move_type": "out_invoice"})
        self.assertEqual(move.move_type, "entry")

    def test_posted_document_keeps_type_company_partner_currency(self):
        move = self.approved()
        move.with_user(self.clerk).action_post()
        eur = self.setup_other_currency("EUR")
        cases = {
            "move_type": "out_refund",
            "partner_id": self.partner_b.id,
            "currency_id": eur.id,
            "company_id": self.env["res.company"].create({"name": "Elsewhere"}).id,
        }
        for login, user in self.users.items():
            for name, value in cases.items():
                with self.subTest(user=login, field=name),\
                        self.assertRaisesRegex(UserError, rf"of {move.name} cannot be changed: it was posted"):
                    move.with_user(user).with_context(skip_readonly_check=True).write({name: value})
        self.assertRecordValues(move, [{"move_type": "out_invoice", "partner_id": self.partner_a.id,
                                        "currency_id": self.company.currency_id.id, "state": "posted"}])
        # Writing the type it already has changes nothing and is allowed.
        move.with_user(self.clerk).write({"move_type": "out_invoice"})

    def test_type_of_a_document_posted_once_is_fixed(self):
        move = self.make_invoice(amount=10.0, post=True)
        move.button_draft()
        with self.assertRaisesRegex(UserError, "Type of .* cannot be changed"):
            move.with_user(self.clerk).write({"move_type": "out_refund"})

    def test_switching_type_of_a_draft_voids_its_approvals(self):
        rule_refunds = self.make_rule(name="Credit notes", apply_in_invoice=False, apply_out_refund=True)
        move = self.approved()
        move.with_user(self.clerk).action_switch_move_type()
        self.assertEqual(move.move_type, "out_refund")
        self.assertFalse(move.clerk_approval_state)
        self.assertIn("Type", move.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "Credit notes"):
            move.with_user(self.clerk)._post(soft=False)
        self.assertEqual(move.clerk_approval_rule_ids, rule_refunds)

    def test_partner_change_of_a_draft_voids_its_approvals(self):
        move = self.approved()
        move.with_user(self.clerk).write({"partner_id": self.partner_b.id})
        self.assertFalse(move.clerk_approval_state)
        with self.assertRaisesRegex(UserError, "Invoices over 1,000"):
            move.with_user(self.clerk)._post(soft=False)


class TestRetainedDocuments(GuardCommon):
    def setUp(self):
        super().setUp()
        self.category = self.env["clerk.document.category"].create({"name": "Vendor invoice original"})
        self.posted_bill = self.bill(amount=10.0)
        self.original = self.env["ir.attachment"].with_user(self.clerk).create({
            "name": "original.pdf", "raw": PDF, "res_model": "account.move", "res_id": self.posted_bill.id,
            "clerk_category_id": self.category.id,
        })
        self.posted_bill.with_user(self.clerk).action_post()
        self.assertEqual(self.posted_bill.state, "posted")
        # Kept for audit whatever the retention settings say: these tests are about what a retained document allows.
        with internal_writes():
            self.original.sudo().write({"clerk_retained": True})
        self.other_bill = self.bill(amount=20.0)

    def test_retained_document_stays_where_it_is(self):
        cases = {
            "res_field": "invoice_pdf_report_file",
            "res_id": self.other_bill.id,
            "res_model": "res.partner",
            "company_id": self.env["res.company"].create({"name": "Elsewhere"}).id,
        }
        for login, user in self.users.items():
            for name, value in cases.items():
                with self.subTest(user=login, field=name), self.assertRaisesRegex(
                        UserError, rf"original.pdf belongs to {self.posted_bill.name} and is kept for audit"):
                    self.original.with_user(user).write({name: value})
        self.original.invalidate_recordset()
        self.assertRecordValues(self.original.sudo(), [{
            "res_model": "account.move", "res_id": self.posted_bill.id, "res_field": False,
            "company_id": self.company.id}])
        self.assertIn(self.original, self.posted_bill.clerk_document_ids)
        # The same values again (a form saving what it shows) and a description are fine.
        self.original.with_user(self.clerk).write({"res_id": self.posted_bill.id, "description": "Scanned"})

    def test_reset_to_draft_detaches_the_printed_invoice_and_keeps_it(self):
        invoice = self.make_invoice(amount=10.0, post=True)
        pdf = self.env["ir.attachment"].create({
            "name": "invoice.pdf", "raw": PDF, "res_model": "account.move", "res_id": invoice.id,
            "res_field": "invoice_pdf_report_file",
        })
        with internal_writes():
            pdf.write({"clerk_retained": True})
        invoice.with_user(self.clerk).button_draft()
        self.assertEqual(invoice.state, "draft")
        pdf.invalidate_recordset()
        self.assertRecordValues(pdf, [{"res_id": invoice.id, "res_field": False, "clerk_retained": True}])
        self.assertIn("detached", pdf.name)


class TestOdooPathsStillWork(GuardCommon):
    def test_post_after_approval_reset_repost(self):
        move = self.held()
        move.with_user(self.clerk).action_post()  # sends it for approval
        self.assertEqual((move.state, move.clerk_approval_state), ("draft", "pending"))
        move.with_user(self.approver).clerk_approve()
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")
        self.assertTrue(move.name and move.name != "/")
        move.with_user(self.clerk).button_draft()
        self.assertEqual(move.state, "draft")
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")

    def test_mass_post_of_ready_and_approved(self):
        ready = self.make_invoice(amount=10.0, user=self.clerk)
        approved = self.approved()
        wizard = self.env["validate.account.move"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=(ready | approved).ids).create({})
        wizard.validate_move()
        self.assertEqual((ready | approved).mapped("state"), ["posted", "posted"])

    def test_reverse_and_duplicate(self):
        move = self.approved()
        move.with_user(self.clerk).action_post()
        reversal = self.env["account.move.reversal"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=move.ids).create({
                "journal_id": move.journal_id.id, "reason": "Wrong customer"})
        reversal.reverse_moves()
        credit_note = move.reversal_move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        credit_note.with_user(self.clerk).action_post()
        self.assertEqual(credit_note.state, "posted")
        # Reverse and cancel: the credit note is posted by Odoo's own code, through the gate.
        other = self.make_invoice(amount=10.0, post=True)
        other._reverse_moves(cancel=True)
        self.assertEqual(other.payment_state, "reversed")
        # A duplicate is a new draft: it needs its own approval.
        copy = move.with_user(self.clerk).copy()
        self.assertEqual((copy.state, copy.clerk_approval_state), ("draft", False))
        with self.assertRaisesRegex(UserError, "Approval required"):
            copy.with_user(self.clerk)._post(soft=False)

    def test_cancel_and_delete_draft(self):
        move = self.held(sent=True)
        move.with_user(self.clerk).button_cancel()
        self.assertEqual(move.state, "cancel")
        move.with_user(self.clerk).button_draft()
        self.assertEqual(move.state, "draft")
        draft = self.make_invoice(amount=10.0, user=self.clerk)
        attachment = self.env["ir.attachment"].with_user(self.clerk).create({
            "name": "note.txt", "raw": b"hello", "res_model": "account.move", "res_id": draft.id})
        attachment.with_user(self.clerk).write({"datas": base64.b64encode(b"changed")})
        draft.with_user(self.clerk).unlink()
        self.assertFalse(draft.exists())

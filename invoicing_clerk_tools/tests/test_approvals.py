"""Billing-coordination approvals (issue 3): rules, requests, the guard, and who may do what."""

import io
from datetime import date, datetime, timedelta

import openpyxl
import psycopg2
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase
from odoo.tools import mute_logger

from .common import ClerkCommon


class ApprovalCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test user of Odoo's accounting fixtures runs the set-up as a Clerk Manager (configures rules).
        cls.env.user.group_ids = [Command.link(cls.env.ref("invoicing_clerk_tools.group_manager").id)]
        cls.Rule = cls.env["clerk.approval.rule"]
        cls.rule_bills = cls.make_rule(name="Bills over 1,000", amount_min=1000.0)

    @classmethod
    def make_rule(cls, **values):
        vals = {
            "name": "Level",
            "company_id": cls.company.id,
            "apply_in_invoice": True,
            "approver_kind": "users",
            "approver_user_ids": [Command.set(cls.approver.ids)],
            "sequence": 10,
        }
        vals.update(values)
        return cls.env["clerk.approval.rule"].create(vals)

    def bill(self, amount=2000.0, user=None, **values):
        return self.make_invoice(move_type="in_invoice", amount=amount, user=user or self.clerk, **values)

    def send(self, move, user=None):
        move.with_user(user or self.clerk).action_clerk_send_for_approval()
        return move

    def current(self, move):
        return move.clerk_approval_request_ids.filtered("is_current").sorted("sequence")


class TestApprovalRules(ApprovalCommon):
    def test_bad_configuration_is_refused_naming_the_field(self):
        Rule = self.Rule.with_user(self.manager)
        base = {"name": "Broken", "apply_in_invoice": True, "approver_user_ids": [Command.set(self.approver.ids)]}
        cases = [
            ({"approver_user_ids": [Command.clear()]}, "Approvers: the rule has no approver"),
            ({"approver_kind": "group", "approver_user_ids": []}, "Approver Group: the rule has no approver"),
            ({"approver_kind": "field"}, "Approver Field: the rule has no approver"),
            ({"amount_min": 500.0, "amount_max": 100.0}, "Minimum Total .* is above Maximum Total"),
            ({"amount_min": -5.0}, "Minimum Total cannot be negative"),
            ({"domain": "[('state', '=', "}, "Extra Conditions .* not a valid domain"),
            ({"domain": "[('no_such_field', '=', 1)]"}, "Extra Conditions .* not a valid domain"),
            ({"min_approvals": 2}, r"Approvals Needed \(2\) is more than the approvers can give \(1\)"),
            ({"min_approvals": 0}, "Approvals Needed must be at least 1"),
            ({"apply_in_invoice": False}, "Documents: tick at least one"),
            ({"escalation_days": 3}, "Escalate To: .* names nobody"),
            ({"nudge_days": -1}, "cannot be negative"),
            ({"approver_kind": "field", "approver_field_id": self.env.ref(
                "account.field_account_move__invoice_user_id").id, "min_approvals": 2},
             r"Approvals Needed \(2\) is more than the approvers can give \(1\)"),
        ]
        for values, message in cases:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message):
                Rule.create({**base, **values})
        rule = Rule.create(base)
        with self.assertRaisesRegex(ValidationError, "Minimum Total"):
            rule.write({"amount_min": 10.0, "amount_max": 5.0})

    def test_only_managers_configure_rules(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.approver).create({"name": "Mine", "apply_in_invoice": True,
                                                       "approver_user_ids": [Command.set(self.approver.ids)]})
        with self.assertRaises(AccessError):
            self.rule_bills.with_user(self.clerk).write({"amount_min": 1.0})
        self.assertEqual(self.rule_bills.with_user(self.clerk).name, "Bills over 1,000")

    def test_matching_criteria(self):
        Rule = self.Rule
        eur = self.setup_other_currency("EUR")  # 2 EUR for 1 company currency unit since 2017
        tag = self.env["res.partner.category"].create({"name": "Key supplier"})
        self.partner_b.category_id = [Command.set(tag.ids)]
        by_journal = self.make_rule(name="Journal", journal_ids=[Command.set(
            self.company_data["default_journal_purchase"].ids)], amount_min=0.0)
        by_partner = self.make_rule(name="Partner", partner_ids=[Command.set(self.partner_a.ids)])
        by_tag = self.make_rule(name="Tag", partner_category_ids=[Command.set(tag.ids)])
        by_domain = self.make_rule(name="Domain", domain="[('ref', '=', 'SPECIAL')]")
        ranged = self.make_rule(name="Range", amount_min=100.0, amount_max=500.0, apply_in_invoice=False,
                                apply_out_refund=True)

        small = self.bill(amount=999.0)
        big = self.bill(amount=1000.0)
        big_eur = self.bill(amount=2400.0, currency_id=eur.id)  # 1,200 in company currency
        small_eur = self.bill(amount=1800.0, currency_id=eur.id)  # 900
        tagged_bill = self.bill(amount=10.0, partner=self.partner_b)
        special = self.bill(amount=10.0, partner=self.partner_b, ref="SPECIAL")
        refund_in = self.make_invoice(move_type="out_refund", amount=500.0)
        refund_out = self.make_invoice(move_type="out_refund", amount=500.01)
        invoice = self.make_invoice(amount=5000.0)
        moves = small | big | big_eur | small_eur | tagged_bill | special | refund_in | refund_out | invoice
        result = Rule._rules_for_moves(moves)

        def names(move):
            return set(result.get(move.id, Rule).mapped("name"))

        self.assertEqual(names(small), {"Journal", "Partner"})
        self.assertEqual(names(big), {"Bills over 1,000", "Journal", "Partner"})
        self.assertEqual(names(big_eur), {"Bills over 1,000", "Journal", "Partner"})
        self.assertEqual(names(small_eur), {"Journal", "Partner"})
        self.assertEqual(names(tagged_bill), {"Journal", "Tag"})
        self.assertEqual(names(special), {"Journal", "Tag", "Domain"})
        self.assertEqual(names(refund_in), {"Range"})
        self.assertEqual(names(refund_out), set())
        self.assertEqual(names(invoice), set())
        self.assertTrue(by_journal and by_partner and by_tag and by_domain and ranged)
        # Rules come in sequence order; archived rules apply no more.
        self.assertEqual(result[big.id].mapped("sequence"), sorted(result[big.id].mapped("sequence")))
        by_partner.active = False
        self.assertNotIn("Partner", set(Rule._rules_for_moves(small).get(small.id, Rule).mapped("name")))

    def test_draft_shows_levels_that_apply(self):
        move = self.bill(amount=2000.0)
        self.assertEqual(move.clerk_approval_rule_ids, self.rule_bills)
        self.assertTrue(move.clerk_approval_can_send)
        self.assertFalse(move.clerk_ready_to_post)
        self.assertIn("Bills over 1,000", move.clerk_blocking_html)
        self.assertIn("Cleo Approver", move.clerk_blocking_html)
        small = self.bill(amount=20.0)
        self.assertFalse(small.clerk_approval_rule_ids)
        self.assertTrue(small.clerk_ready_to_post)


class TestApprovalFlow(ApprovalCommon):
    def test_post_sends_for_approval_then_refuses_until_approved(self):
        move = self.bill()
        action = move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "draft")
        self.assertEqual(action["tag"], "display_notification")
        # Confirm says clearly, once, that it sent the document for approval (to whom) and did not post it
        params = action["params"]
        self.assertEqual(params["title"], "Sent for approval, not posted")
        self.assertIn("needs approval before posting: Confirm sent it to Bills over 1,000 (Cleo Approver) instead "
                      "of posting it.", params["message"])
        self.assertIn(move._clerk_label(), params["message"])
        self.assertNotIn("Sent for approval", params["message"])  # the title is not repeated in the message
        self.assertEqual(params["next"], {"type": "ir.actions.client", "tag": "soft_reload"})
        self.assertEqual(move.clerk_approval_state, "pending")
        request = self.current(move)
        self.assertEqual((request.state, request.requester_id, request.approver_user_ids),
                         ("pending", self.clerk, self.approver))
        activity = move.activity_ids.filtered(lambda a: a.user_id == self.approver)
        self.assertEqual(len(activity), 1)
        self.assertIn("Sent for approval by Ada Clerk", move.message_ids[0].body)

        with self.assertRaisesRegex(UserError, "Bills over 1,000.*Cleo Approver"):
            move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "draft")

        self.assertTrue(move.with_user(self.approver).clerk_approval_can_decide)
        self.assertFalse(move.with_user(self.clerk).clerk_approval_can_decide)
        move.with_user(self.approver).clerk_approve("Checked against the PO")
        self.assertEqual(move.clerk_approval_state, "approved")
        decision = move.clerk_approval_decision_ids
        self.assertEqual((decision.user_id, decision.approver_id, decision.decision, decision.comment),
                         (self.approver, self.approver, "approve", "Checked against the PO"))
        self.assertFalse(move.activity_ids.filtered(lambda a: a.user_id == self.approver))
        self.assertIn(self.clerk.partner_id, move.message_ids[0].partner_ids)
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")

    def test_mass_post_action_refuses(self):
        ready = self.bill(amount=10.0)
        pending = self.send(self.bill())
        wizard = self.env["validate.account.move"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=(ready | pending).ids).create({})
        with self.assertRaisesRegex(UserError, "Bills over 1,000"):
            wizard.validate_move()
        self.assertEqual((ready | pending).mapped("state"), ["draft", "draft"])
        never_sent = self.bill()
        wizard = self.env["validate.account.move"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=(ready | never_sent).ids).create({})
        with self.assertRaisesRegex(UserError, r"Approval required \(not sent yet\): rule Bills over 1,000"):
            wizard.validate_move()

    def test_external_api_calls_are_checked(self):
        move = self.send(self.bill())
        ids = move.ids
        # Shaped like an XML-RPC/JSON-RPC call: the public method on the model, as the user.
        with self.assertRaisesRegex(UserError, "Waiting for approval: rule Bills over 1,000"):
            self.env["account.move"].with_user(self.clerk).browse(ids).action_post()
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.clerk).browse(ids).clerk_approve()
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.clerk).browse(ids).clerk_reject("no")
        request = self.current(move)
        with self.assertRaises(AccessError):
            request.with_user(self.clerk).write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.env["clerk.approval.decision"].with_user(self.clerk).create({
                "request_id": request.id, "decision": "approve", "user_id": self.approver.id,
                "approver_id": self.approver.id})
        with self.assertRaises(AccessError):
            self.env["clerk.approval.request"].with_user(self.clerk).create({
                "name": "Fake", "move_id": move.id, "company_id": self.company.id, "state": "approved",
                "requester_id": self.clerk.id, "approver_kind": "users"})
        # A sudo caller in the addon's own methods is the only writer; even sudo cannot delete.
        with self.assertRaises(UserError):
            request.sudo().unlink()
        self.assertEqual(self.env["account.move"].browse(ids).state, "draft")

    def test_other_modules_calling_post_are_guarded(self):
        move = self.bill()
        with self.assertRaisesRegex(UserError, "Approval required"):
            move._post(soft=False)
        # A recurring/auto-posted draft: Odoo's auto-post cron leaves it in draft and says why.
        recurring = self.bill(auto_post="at_date", date=fields.Date.today())
        with self.enter_registry_test_mode():
            self.env.ref("account.ir_cron_auto_post_draft_entry").method_direct_trigger()
        self.assertEqual(recurring.state, "draft")
        self.assertTrue(any("Approval required" in (m.body or "") for m in recurring.message_ids))

    def test_levels_are_sequential(self):
        level_2 = self.make_rule(name="Bills over 1,000: director", amount_min=1000.0, sequence=20,
                                 approver_user_ids=[Command.set(self.approver_2.ids)])
        move = self.send(self.bill())
        level_1, second = self.current(move)
        self.assertEqual((level_1.state, second.state), ("pending", "waiting"))
        self.assertEqual(second.rule_id, level_2)
        self.assertFalse(move.activity_ids.filtered(lambda a: a.user_id == self.approver_2))
        with self.assertRaises(AccessError):
            move.with_user(self.approver_2).clerk_approve()
        move.with_user(self.approver).clerk_approve()
        self.assertEqual((level_1.state, second.state), ("approved", "pending"))
        self.assertEqual(move.clerk_approval_state, "pending")
        self.assertTrue(move.activity_ids.filtered(lambda a: a.user_id == self.approver_2))
        with self.assertRaisesRegex(UserError, "director"):
            move.with_user(self.clerk).action_post()
        move.with_user(self.approver_2).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")

    def test_distinct_approvals(self):
        self.rule_bills.write({"approver_user_ids": [Command.set((self.approver | self.approver_2).ids)],
                               "min_approvals": 2})
        move = self.send(self.bill())
        move.with_user(self.approver).clerk_approve()
        request = self.current(move)
        self.assertEqual((request.state, request.approval_count), ("pending", 1))
        with self.assertRaises(AccessError):
            move.with_user(self.approver).clerk_approve()
        move.with_user(self.approver_2).clerk_approve()
        self.assertEqual((request.state, request.approval_count), ("approved", 2))

    def test_four_eyes(self):
        self.rule_bills.approver_user_ids = [Command.set((self.approver | self.approver_2).ids)]
        move = self.send(self.bill(user=self.approver), user=self.approver)
        with self.assertRaises(AccessError):
            move.with_user(self.approver).clerk_approve()
        move.with_user(self.approver_2).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")

        # The requester as only approver: refused at sending, saying why.
        self.rule_bills.approver_user_ids = [Command.set(self.approver.ids)]
        lonely = self.bill(user=self.approver)
        with self.assertRaisesRegex(UserError, "needs 1 approvals but only 0 approvers other than Cleo Approver"):
            self.send(lonely, user=self.approver)
        # Unless the rule lets the requester approve.
        self.rule_bills.allow_self_approval = True
        self.send(lonely, user=self.approver)
        lonely.with_user(self.approver).clerk_approve()
        self.assertEqual(lonely.clerk_approval_state, "approved")

    def test_group_approvers(self):
        self.rule_bills.write({"approver_kind": "group",
                               "approver_group_id": self.env.ref("invoicing_clerk_tools.group_approver").id})
        move = self.send(self.bill())
        self.assertIn("Billing Approver", self.current(move).approvers_label)
        with self.assertRaises(AccessError):
            move.with_user(self.clerk_2).clerk_approve()
        self.assertTrue(move.activity_ids.filtered(lambda a: a.user_id == self.approver_2))
        move.with_user(self.approver_2).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")

    def test_field_based_approvers(self):
        field = self.env.ref("account.field_account_move__invoice_user_id")
        self.rule_bills.write({"approver_kind": "field", "approver_field_id": field.id})
        empty = self.bill(invoice_user_id=False)
        with self.assertRaisesRegex(UserError, "empty: fill in"):
            self.send(empty)
        move = self.send(self.bill(invoice_user_id=self.approver_2.id))
        request = self.current(move)
        self.assertEqual(request.approver_user_ids, self.approver_2)
        with self.assertRaises(AccessError):
            move.with_user(self.approver).clerk_approve()
        move.with_user(self.approver_2).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")

    def test_rejection_needs_reason_and_clerk_sends_again(self):
        move = self.send(self.bill())
        with self.assertRaisesRegex(UserError, "needs a reason"):
            move.with_user(self.approver).clerk_reject("  ")
        wizard = self.env["clerk.approval.decision.wizard"].with_user(self.approver).create({
            "move_ids": [Command.set(move.ids)], "decision": "reject", "comment": ""})
        with self.assertRaisesRegex(UserError, "needs a reason"):
            wizard.action_confirm()
        wizard = self.env["clerk.approval.decision.wizard"].with_user(self.approver).create({
            "move_ids": [Command.set(move.ids)], "decision": "reject", "comment": "Wrong unit price"})
        wizard.action_confirm()
        self.assertEqual((move.state, move.clerk_approval_state), ("draft", "rejected"))
        message = move.message_ids[0]
        self.assertIn("Wrong unit price", message.body)
        self.assertIn(self.clerk.partner_id, message.partner_ids)
        self.assertTrue(move.activity_ids.filtered(lambda a: a.user_id == self.clerk))
        with self.assertRaisesRegex(UserError, "Rejected: rule Bills over 1,000 by Cleo Approver: Wrong unit price"):
            move.with_user(self.clerk).action_post()
        self.assertTrue(move.with_user(self.clerk).clerk_approval_can_send)
        move.with_user(self.clerk).invoice_line_ids.price_unit = 1900.0
        self.send(move)
        self.assertEqual(move.clerk_approval_state, "pending")
        self.assertFalse(move.activity_ids.filtered(lambda a: a.user_id == self.clerk))
        old = move.clerk_approval_request_ids.filtered(lambda r: not r.is_current)
        self.assertEqual(old.state, "rejected")
        self.assertEqual(old.decision_ids.comment, "Wrong unit price")

    def test_substitute_approves_in_place_of_approver(self):
        today = fields.Date.today()
        Substitute = self.env["clerk.approval.substitute"]
        with self.assertRaises(AccessError):
            Substitute.with_user(self.clerk).create({"substitute_id": self.approver_2.id, "date_from": today,
                                                     "date_to": today})
        with self.assertRaisesRegex(UserError, "for yourself only"):
            Substitute.with_user(self.approver).create({"user_id": self.approver_2.id, "substitute_id": self.manager.id,
                                                        "date_from": today, "date_to": today})
        with self.assertRaisesRegex(ValidationError, "To .* is before From"):
            Substitute.with_user(self.approver).create({"substitute_id": self.approver_2.id, "date_from": today,
                                                        "date_to": today - timedelta(days=1)})
        with self.assertRaisesRegex(ValidationError, "not a Billing Approver"):
            Substitute.with_user(self.approver).create({"substitute_id": self.clerk.id, "date_from": today,
                                                        "date_to": today})
        away = Substitute.with_user(self.approver).create({
            "substitute_id": self.approver_2.id, "date_from": today - timedelta(days=1),
            "date_to": today + timedelta(days=3), "note": "Holiday"})
        self.assertTrue(away.is_active)
        with self.assertRaises(UserError):
            away.with_user(self.approver).write({"date_to": today + timedelta(days=30)})
        with self.assertRaises(AccessError):
            away.with_user(self.approver).unlink()

        move = self.send(self.bill())
        self.assertTrue(move.activity_ids.filtered(lambda a: a.user_id == self.approver_2))
        self.assertTrue(move.with_user(self.approver_2).clerk_approval_can_decide)
        move.with_user(self.approver_2).clerk_approve("For Cleo")
        decision = move.clerk_approval_decision_ids
        self.assertEqual((decision.user_id, decision.approver_id, decision.is_substitute),
                         (self.approver_2, self.approver, True))
        self.assertIn("Dan Approver for Cleo Approver", decision._summary())
        self.assertIn("Dan Approver for Cleo Approver", move.message_ids[1].body + move.message_ids[0].body)

        # Once the absence is over, the substitute may not approve any more.
        later = self.send(self.bill())
        with freeze_time(today + timedelta(days=5)):
            with self.assertRaises(AccessError):
                later.with_user(self.approver_2).clerk_approve()
        # Ending it early works the same way, and is the only change allowed.
        away.with_user(self.approver).action_end_now()
        self.assertEqual(away.ended_on, today)
        self.assertFalse(away.is_active)
        with self.assertRaises(AccessError):
            later.with_user(self.approver_2).clerk_approve()
        later.with_user(self.approver).clerk_approve()


class TestApprovalInvalidation(ApprovalCommon):
    def approved_bill(self, lines=1):
        move = self.bill()
        if lines > 1:
            move.write({"invoice_line_ids": [Command.create({"name": "Second", "quantity": 1, "price_unit": 1.0,
                                                             "tax_ids": []})]})
        self.send(move)
        move.with_user(self.approver).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")
        return move

    def test_significant_change_voids_approvals(self):
        move = self.approved_bill()
        move.with_user(self.clerk).write({"invoice_line_ids": [Command.update(move.invoice_line_ids.id,
                                                                               {"price_unit": 2500.0})]})
        self.assertFalse(move.clerk_approval_state)
        voided = move.clerk_approval_request_ids
        self.assertEqual((voided.state, voided.is_current, voided.voided_by_id), ("voided", False, self.clerk))
        self.assertIn("Ada Clerk", voided.void_reason)
        body = move.message_ids[0].body
        self.assertIn("Approvals voided: Ada Clerk changed", body)
        self.assertIn("2,500.00", body)
        # The gate asks for approval again, and posting sends it again.
        with self.assertRaisesRegex(UserError, "Approval required"):
            move._post(soft=False)
        move.with_user(self.clerk).action_post()
        self.assertEqual((move.state, move.clerk_approval_state), ("draft", "pending"))

    def test_each_significant_field_voids(self):
        eur = self.setup_other_currency("EUR")
        tax = self.company_data["default_tax_purchase"]
        changes = {
            "partner": lambda m: m.write({"partner_id": self.partner_b.id}),
            "quantity": lambda m: m.invoice_line_ids.write({"quantity": 3.0}),
            "discount": lambda m: m.invoice_line_ids.write({"discount": 10.0}),
            "taxes": lambda m: m.invoice_line_ids.write({"tax_ids": [Command.set(tax.ids)]}),
            "currency": lambda m: m.write({"currency_id": eur.id}),
            "invoice date": lambda m: m.write({"invoice_date": date(2025, 1, 2)}),
            "due date": lambda m: m.write({"invoice_date_due": date(2031, 1, 2)}),
            "new line": lambda m: m.write({"invoice_line_ids": [Command.create({
                "name": "Extra", "quantity": 1, "price_unit": 5.0, "tax_ids": []})]}),
            "removed line": lambda m: m.invoice_line_ids[:1].unlink(),
        }
        for label, change in changes.items():
            with self.subTest(change=label):
                move = self.approved_bill(lines=2 if label == "removed line" else 1)
                change(move.with_user(self.clerk))
                self.assertFalse(move.clerk_approval_state, label)

    def test_insignificant_change_keeps_approvals(self):
        move = self.approved_bill()
        move.with_user(self.clerk).write({"ref": "BILL-42", "narration": "Delivered to dock 3"})
        move.with_user(self.clerk).invoice_line_ids.name = "Consulting, March"
        self.assertEqual(move.clerk_approval_state, "approved")
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.clerk_approval_request_ids.state, "approved")

    def test_rules_frozen_until_manager_reevaluates(self):
        move = self.send(self.bill())
        self.rule_bills.write({"approver_user_ids": [Command.set(self.approver_2.ids)], "name": "Renamed"})
        request = self.current(move)
        self.assertEqual((request.name, request.approver_user_ids), ("Bills over 1,000", self.approver))
        with self.assertRaises(AccessError):
            move.with_user(self.approver_2).clerk_approve()
        with self.assertRaises(AccessError):
            move.with_user(self.approver).action_clerk_reevaluate_approvals()
        move.with_user(self.manager).action_clerk_reevaluate_approvals()
        request.invalidate_recordset()
        self.assertEqual((request.state, request.is_current), ("voided", False))
        self.assertIn("Re-evaluated", request.void_reason)
        new = self.current(move)
        self.assertEqual((new.name, new.approver_user_ids, new.requester_id), ("Renamed", self.approver_2, self.clerk))
        self.assertIn("re-evaluated", move.message_ids[0].body)
        move.with_user(self.approver_2).clerk_approve()
        self.assertEqual(move.clerk_approval_state, "approved")


class TestApprovalOverrideAndCompanies(ApprovalCommon):
    def test_emergency_override_posts_and_is_recorded(self):
        move = self.send(self.bill())
        with self.assertRaises(AccessError):
            move.with_user(self.clerk).with_context(clerk_override_reason="Deadline")._post(soft=False)
        self.company.clerk_override_group_id = self.env.ref("invoicing_clerk_tools.group_manager")
        wizard = self.env["clerk.post.override.wizard"].with_user(self.manager).create({
            "move_ids": [Command.set(move.ids)], "reason": "Supplier cuts delivery tonight"})
        wizard.action_confirm()
        self.assertEqual(move.state, "posted")
        override = move.clerk_override_ids
        self.assertEqual(override.user_id, self.manager)
        self.assertIn("Bills over 1,000", override.bypassed)
        request = move.clerk_approval_request_ids
        self.assertEqual(request.state, "voided")
        self.assertIn("emergency override", request.void_reason)
        self.assertFalse(move.activity_ids.filtered(lambda a: a.user_id == self.approver))

    def test_rules_and_requests_stay_in_their_company(self):
        other = self.setup_other_company(name="Other Co")["company"]
        approver_other = self._create_clerk_user("approver_zoe", "Zoe Approver", "group_approver", companies=other)
        self.make_rule(name="Other Co bills", company_id=other.id, amount_min=0.0,
                       approver_user_ids=[Command.set(approver_other.ids)])
        small_here = self.bill(amount=10.0)
        self.assertFalse(small_here.clerk_approval_rule_ids)
        foreign = self.make_invoice(move_type="in_invoice", amount=10.0, company=other)
        self.assertEqual(foreign.clerk_approval_rule_ids.name, "Other Co bills")
        self.assertNotIn(self.rule_bills, foreign.clerk_approval_rule_ids)
        foreign.with_user(self.env.user).with_company(other).action_clerk_send_for_approval()
        here = self.send(self.bill())
        Request = self.env["clerk.approval.request"]
        self.assertEqual(Request.with_user(self.approver).search([]).move_id, here)
        self.assertEqual(Request.with_user(approver_other).search([]).move_id, foreign)
        with self.assertRaises(AccessError):
            foreign.with_user(self.approver).clerk_approve()
        self.assertNotIn(foreign.clerk_approval_rule_ids, self.Rule.with_user(self.approver).search([]))
        foreign.with_user(approver_other).with_company(other).clerk_approve()
        self.assertEqual(foreign.clerk_approval_state, "approved")


class TestApprovalQueuesAndCron(ApprovalCommon):
    def run_cron(self):
        # The real cron path (its own cursor, _commit_progress), wrapped in the test transaction.
        with self.enter_registry_test_mode():
            result = self.env.ref("invoicing_clerk_tools.ir_cron_clerk_approval_followups").method_direct_trigger()
        self.assertIs(result, True, result)

    def test_workspace_queues(self):
        move = self.send(self.bill())
        to_approve = self.env.ref("invoicing_clerk_tools.queue_to_approve")
        waiting = self.env.ref("invoicing_clerk_tools.queue_waiting_approval")
        Move = self.env["account.move"]
        self.assertEqual(Move.with_user(self.approver).search(to_approve._get_domain()), move)
        self.assertFalse(Move.with_user(self.approver_2).search(to_approve.with_user(self.approver_2)._get_domain()))
        self.assertEqual(to_approve.with_user(self.approver).record_count, 1)
        self.assertEqual(to_approve.with_user(self.approver_2).record_count, 0)
        self.assertIn(move, Move.with_user(self.clerk).search(waiting._get_domain()))
        self.assertEqual(to_approve.with_user(self.approver).action_open()["domain"],
                         list(to_approve._get_domain()))
        # The substitute sees the approver's work while the absence lasts.
        self.env["clerk.approval.substitute"].with_user(self.approver).create({
            "substitute_id": self.approver_2.id, "date_from": fields.Date.today(), "date_to": fields.Date.today()})
        self.assertEqual(Move.with_user(self.approver_2).search([("clerk_approval_can_decide", "=", True)]), move)
        move.with_user(self.approver).clerk_approve()
        self.assertFalse(Move.with_user(self.approver).search([("clerk_approval_can_decide", "=", True)]))

    def test_reminder_and_escalation_once_each(self):
        self.rule_bills.write({"nudge_days": 2, "escalation_days": 5, "escalation_user_id": self.manager.id})
        Followup = self.env["clerk.approval.followup"]
        start = datetime(2026, 3, 2, 9, 0)
        with freeze_time(start):
            move = self.send(self.bill())
        request = self.current(move)
        with freeze_time(start + timedelta(days=1, hours=23)):
            self.run_cron()
        self.assertFalse(Followup.search([("request_id", "=", request.id)]))
        with freeze_time(start + timedelta(days=2, hours=1)):
            self.run_cron()
            self.run_cron()
        reminders = Followup.search([("request_id", "=", request.id)])
        self.assertEqual(reminders.mapped("kind"), ["nudge"])
        self.assertEqual(reminders.notified_user_ids, self.approver)
        self.assertEqual(len(move.message_ids.filtered(lambda m: "Nudge:" in (m.body or ""))), 1)
        with freeze_time(start + timedelta(days=6)):
            self.run_cron()
            self.run_cron()
        followups = Followup.search([("request_id", "=", request.id)])
        self.assertEqual(sorted(followups.mapped("kind")), ["escalation", "nudge"])
        self.assertEqual(followups.filtered(lambda f: f.kind == "escalation").notified_user_ids, self.manager)
        self.assertEqual(len(move.activity_ids.filtered(lambda a: a.user_id == self.manager)), 1)
        self.assertEqual(len(move.message_ids.filtered(lambda m: "Escalated:" in (m.body or ""))), 1)
        with self.assertRaises(psycopg2.IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            Followup.sudo().create({"request_id": request.id, "kind": "nudge"})
        # Decided requests are not followed up.
        with freeze_time(start + timedelta(days=30)):
            move.with_user(self.approver).clerk_approve()
            self.assertFalse(self.env["clerk.approval.request"].search(
                self.env["clerk.approval.request"]._followup_domain(fields.Datetime.now())))

    def test_cron_delays_of_later_levels_count_from_their_activation(self):
        self.make_rule(name="Second", amount_min=1000.0, sequence=20, nudge_days=1,
                       approver_user_ids=[Command.set(self.approver_2.ids)])
        start = datetime(2026, 3, 2, 9, 0)
        with freeze_time(start):
            move = self.send(self.bill())
        with freeze_time(start + timedelta(days=3)):
            self.run_cron()
            self.assertFalse(self.env["clerk.approval.followup"].search([("move_id", "=", move.id)]))
            move.with_user(self.approver).clerk_approve()
        with freeze_time(start + timedelta(days=3, hours=12)):
            self.run_cron()
            self.assertFalse(self.env["clerk.approval.followup"].search([("move_id", "=", move.id)]))
        with freeze_time(start + timedelta(days=4, hours=1)):
            self.run_cron()
        self.assertEqual(self.env["clerk.approval.followup"].search([("move_id", "=", move.id)]).kind, "nudge")


class TestApprovalPerformance(ApprovalCommon):
    def test_rule_evaluation_queries_do_not_grow_with_moves(self):
        self.make_rule(name="Domain", domain="[('ref', '!=', 'X')]")
        self.make_rule(name="Tag", partner_category_ids=[Command.create({"name": "T"})])
        few = self.env["account.move"].concat(*(self.bill(amount=1500.0 + i) for i in range(3)))
        many = self.env["account.move"].concat(*(self.bill(amount=1500.0 + i) for i in range(30)))
        Rule = self.Rule
        def count(moves):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            result = Rule._rules_for_moves(moves)
            self.assertEqual(len(result), len(moves))
            return self.cr.sql_log_count - before

        count(many)  # warm the caches (access rules, fields)
        self.assertEqual(count(few), count(many))
        self.assertLess(count(many), 15)

    def test_sending_in_batch(self):
        """Sending many documents at once: queries do not grow with them; one notification per approver."""
        self.make_rule(name="Second rule", sequence=20)

        def send(count):
            moves = self.env["account.move"].concat(*(self.bill(amount=1500.0 + i) for i in range(count)))
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.send(moves)
            self.env.flush_all()
            return moves, self.cr.sql_log_count - before

        send(2)  # warm the caches
        few, few_queries = send(2)
        many, many_queries = send(12)
        self.assertLessEqual(many_queries, few_queries + 5)  # noise: caches of users and groups
        for move in many:
            self.assertEqual(self.current(move).mapped("state"), ["pending", "waiting"])
            self.assertEqual(len(move.activity_ids.filtered(lambda a: a.user_id == self.approver)), 1)
            self.assertIn("Sent for approval by Ada Clerk", move.message_ids[0].body)
            self.assertIn("Second rule", move.message_ids[0].body)
        notifications = self.env["mail.message"].sudo().search([
            ("message_type", "=", "user_notification"), ("partner_ids", "in", self.approver.partner_id.ids),
            ("subject", "=like", "12 %")])
        self.assertEqual(len(notifications), 1)
        self.assertIn(many[0].display_name, notifications.body)

    def test_no_rule_path_is_free(self):
        invoices = self.make_invoice() | self.make_invoice(amount=5000.0)
        invoices._clerk_approval_reasons()
        with self.assertQueryCount(0):
            self.assertEqual(invoices._clerk_approval_reasons(), {})


class TestApprovalHistoryExport(HttpCase, ApprovalCommon):
    def test_history_export(self):
        move = self.send(self.bill())
        move.with_user(self.approver).clerk_reject("Missing delivery note")
        self.send(move)
        move.with_user(self.approver).clerk_approve("OK now")
        self.env["clerk.approval.substitute"].with_user(self.approver).create({
            "substitute_id": self.approver_2.id, "date_from": fields.Date.today(), "date_to": fields.Date.today()})
        buffer = io.BytesIO()
        counts = self.env["clerk.approval.history.report"].with_user(self.approver).export_xlsx(buffer)
        self.assertEqual(counts["Requests"], 2)
        self.assertEqual(counts["Decisions"], 2)
        self.assertEqual(counts["Substitutes"], 1)
        book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
        rows = list(book["Decisions"].iter_rows(values_only=True))
        self.assertIn("Missing delivery note", {row[8] for row in rows if len(row) > 8})
        with self.assertRaises(AccessError):
            self.env["clerk.approval.history.report"].with_user(self.outsider).export_xlsx(io.BytesIO())

        self.authenticate(self.approver.login, self.approver.login)
        response = self.url_open(f"/invoicing_clerk_tools/approval_history.xlsx?company_ids={self.company.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        other = self.setup_other_company(name="Elsewhere")["company"]
        response = self.url_open(f"/invoicing_clerk_tools/approval_history.xlsx?company_ids={other.id}")
        self.assertEqual(response.status_code, 403)
        response = self.url_open("/invoicing_clerk_tools/approval_history.xlsx?date_from=soon")
        self.assertEqual(response.status_code, 400)
        self.authenticate(self.outsider.login, self.outsider.login)
        self.assertEqual(self.url_open("/invoicing_clerk_tools/approval_history.xlsx").status_code, 403)

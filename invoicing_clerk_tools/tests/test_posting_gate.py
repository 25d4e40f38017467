from collections import defaultdict

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .common import ClerkCommon


class TestPostingGate(ClerkCommon):
    """The gate itself; each feature's tests check the reasons it adds."""

    def test_ready_invoice_posts_as_clerk(self):
        move = self.make_invoice(user=self.clerk)
        self.assertTrue(move.clerk_ready_to_post)
        self.assertFalse(move.clerk_blocking_html)
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")

    def test_blocking_reasons_cover_every_move(self):
        moves = self.make_invoice() | self.make_invoice(move_type="in_invoice")
        reasons = moves._clerk_blocking_reasons()
        self.assertEqual(set(reasons), set(moves.ids))
        self.assertEqual(moves._clerk_moves_to_gate(), moves)

    def test_override_audit_record_is_immutable(self):
        move = self.make_invoice(post=True)
        group = self.env.ref("invoicing_clerk_tools.group_manager")
        self.company.clerk_override_group_id = group
        override = self.env["clerk.post.override"].with_user(self.manager).create({
            "move_id": move.id, "company_id": self.company.id, "reason": "Year-end deadline",
        })
        self.assertEqual(override.user_id, self.manager)
        with self.assertRaises(UserError):
            override.with_user(self.manager).write({"reason": "changed"})
        with self.assertRaises(AccessError):
            override.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            override.sudo().unlink()

    def test_override_needs_group_and_reason(self):
        move = self.make_invoice(post=True)
        Override = self.env["clerk.post.override"]
        with self.assertRaisesRegex(AccessError, "emergency posting group"):
            Override.with_user(self.clerk).create({"move_id": move.id, "company_id": self.company.id,
                                                   "reason": "because"})
        self.company.clerk_override_group_id = self.env.ref("invoicing_clerk_tools.group_clerk")
        with self.assertRaisesRegex(UserError, "needs a reason"):
            Override.with_user(self.clerk).create({"move_id": move.id, "company_id": self.company.id,
                                                   "reason": "   "})
        self.assertFalse(Override.sudo().search([("move_id", "=", move.id)]))

    def test_override_flag_follows_settings(self):
        move = self.make_invoice()
        self.assertFalse(move.with_user(self.clerk).clerk_can_override)
        settings = self.env["res.config.settings"].create({
            "clerk_override_group_id": self.env.ref("invoicing_clerk_tools.group_approver").id,
        })
        settings.execute()
        self.assertEqual(self.company.clerk_override_group_id, self.env.ref("invoicing_clerk_tools.group_approver"))
        move.invalidate_recordset()
        self.assertTrue(move.with_user(self.approver).clerk_can_override)
        self.assertFalse(move.with_user(self.clerk).clerk_can_override)


class TestReadyPanel(ClerkCommon):
    """One panel above the form (issue 13, item 3): one line per item, who clears it, the button that does it;
    no second banner; one primary button in the header."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["clerk.approval.rule"].sudo().create({
            "name": "Bills over 1,000", "company_id": cls.company.id, "apply_in_invoice": True,
            "amount_min": 1000.0, "approver_user_ids": [Command.set(cls.approver.ids)]})
        Rule = cls.env["clerk.document.rule"].sudo()
        Rule.create({"name": "Delivery note", "company_id": cls.company.id, "apply_in_invoice": True, "mode": "block",
                     "category_ids": [Command.set(cls.env.ref(
                         "invoicing_clerk_tools.document_category_delivery_note").ids)]})
        contract = cls.env.ref("invoicing_clerk_tools.document_category_contract")
        Rule.create({"name": "Contract", "company_id": cls.company.id, "apply_in_invoice": True, "mode": "warn",
                     "category_ids": [Command.set(contract.ids)]})

    def lines(self, move, user):
        move.invalidate_recordset(["clerk_panel"])
        panel = move.with_user(user).clerk_panel
        return {line["messages"][0].split(":")[0]: line for line in panel["lines"]} if panel else {}

    def test_one_line_per_item_with_who_and_button(self):
        bill = self.make_invoice(move_type="in_invoice", amount=4200.0, user=self.clerk)
        panel = bill.with_user(self.clerk).clerk_panel
        self.assertEqual(panel["level"], "warning")
        self.assertEqual(panel["title"], "Ready to post? Not yet: 2 items to clear.")
        lines = self.lines(bill, self.clerk)
        self.assertEqual(set(lines), {"Approval required (not sent yet)", "Supporting documents missing",
                                      "Supporting documents missing (posting is not blocked)"})
        approval = lines["Approval required (not sent yet)"]
        self.assertEqual((approval["blocks"], approval["who"]), (True, "Cleo Approver"))
        self.assertEqual([(b["kind"], b["target"], b["label"]) for b in approval["buttons"]],
                         [("method", "action_clerk_send_for_approval", "Send for Approval")])
        missing = lines["Supporting documents missing"]
        self.assertTrue(missing["blocks"])
        self.assertIn("Delivery Note", missing["messages"][0])
        self.assertIn("upload it, or request it", missing["who"])
        self.assertEqual([b["target"] for b in missing["buttons"]],
                         ["action_clerk_upload_document", "action_clerk_request_document"])
        warned = lines["Supporting documents missing (posting is not blocked)"]
        self.assertFalse(warned["blocks"])
        self.assertIn("Contract", warned["messages"][0])
        self.assertEqual(warned["buttons"], [], "a button already on a line above is not repeated")
        # every button of the panel is a method the clerk may call on the document
        for target in ("action_clerk_send_for_approval", "action_clerk_upload_document",
                       "action_clerk_request_document"):
            self.assertTrue(callable(getattr(bill.with_user(self.clerk), target)))
        bill.with_user(self.clerk).action_clerk_send_for_approval()
        waiting = self.lines(bill, self.clerk)["Waiting for approval"]
        self.assertEqual((waiting["who"], waiting["buttons"]), ("Cleo Approver", []))
        for_approver = self.lines(bill, self.approver)["Waiting for approval"]
        self.assertEqual([b["target"] for b in for_approver["buttons"]],
                         ["action_clerk_approve", "action_clerk_reject"])
        bill.with_user(self.approver).clerk_reject("Wrong vendor")
        rejected = self.lines(bill, self.clerk)["Rejected"]
        self.assertIn("Wrong vendor", rejected["messages"][0])
        self.assertIn("send it again", rejected["who"])
        self.assertEqual([b["target"] for b in rejected["buttons"]], ["action_clerk_send_for_approval"])

    def test_nothing_outstanding_no_panel(self):
        bill = self.make_invoice(move_type="in_invoice", amount=10.0, user=self.clerk)
        self.assertEqual(set(self.lines(bill, self.clerk)), {
            "Supporting documents missing", "Supporting documents missing (posting is not blocked)"})
        invoice = self.make_invoice(move_type="out_invoice", amount=10.0)
        invoice.partner_id.write({"street": "1 Main St", "city": "Springfield",
                                 "country_id": self.env.ref("base.us").id, "email": "ap@a.example.com",
                                 "property_payment_term_id": self.env.ref("account.account_payment_term_30days").id})
        self.assertFalse(invoice.with_user(self.clerk).clerk_panel)

    def test_outsiders_see_what_blocks_without_buttons_or_warnings(self):
        outsider = self.env["res.users"].create({
            "name": "Bea Billing", "login": "bea_panel", "company_id": self.company.id,
            "company_ids": [Command.set(self.company.ids)],
            "group_ids": [Command.set(self.env.ref("account.group_account_invoice").ids)]})
        bill = self.make_invoice(move_type="in_invoice", amount=4200.0, user=self.clerk)
        lines = self.lines(bill, outsider)
        self.assertEqual(set(lines), {"Approval required (not sent yet)", "Supporting documents missing"})
        self.assertTrue(all(line["blocks"] and not line["buttons"] for line in lines.values()))
        invoice = self.make_invoice(amount=10.0)  # a customer lacking billing details: a clerk's warning only
        self.assertTrue(invoice.with_user(self.clerk).clerk_billing_issues)
        self.assertFalse(invoice.with_user(outsider).clerk_panel)

    def test_form_has_one_panel_and_one_primary_button(self):
        arch = etree.fromstring(
            self.env["account.move"].with_user(self.approver).get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertEqual(len(arch.xpath("//field[@name='clerk_panel'][@widget='clerk_ready_panel']")), 1)
        for banner in ("clerk_approval_required", "clerk_approval_rejected", "clerk_match_exceptions",
                       "clerk_document_warning_banner"):
            self.assertFalse(arch.xpath(f"//*[@name='{banner}']"), banner)
        self.assertFalse(arch.xpath("//*[contains(@class, 'o_clerk_billing_alert')]"))
        primary = [button for button in arch.xpath("//header/button")
                   if {"btn-primary", "oe_highlight"} & set((button.get("class") or "").split())]

        def visible_primary(**values):
            names = defaultdict(bool, state="draft", move_type="in_invoice", **values)
            return sorted(button.get("name") for button in primary
                          if not eval(button.get("invisible") or "False", {"__builtins__": {}}, names))  # noqa: S307

        self.assertEqual(visible_primary(clerk_ready_to_post=True), ["action_post"])
        self.assertEqual(visible_primary(clerk_ready_to_post=False, clerk_approval_can_send=True),
                         ["action_clerk_send_for_approval"])
        self.assertEqual(visible_primary(clerk_ready_to_post=False), [])
        # waiting for approval: the approver's Approve moves it forward
        self.assertEqual(visible_primary(clerk_ready_to_post=False, clerk_approval_state="pending",
                                         clerk_approval_can_decide=True), ["action_clerk_approve"])
        # Confirm stays available (not highlighted) when something is outstanding: it sends or says what blocks
        plain = [button for button in arch.xpath("//header/button[@name='action_post']") if button not in primary]
        self.assertTrue(any(not eval(button.get("invisible"), {"__builtins__": {}},  # noqa: S307
                                     defaultdict(bool, state="draft", move_type="in_invoice"))
                            for button in plain))

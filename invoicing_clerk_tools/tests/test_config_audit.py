from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase
from odoo.tools import format_amount

from .common import ClerkCommon


class TestConfigAudit(ClerkCommon):
    """Configuration changes leave a trace in the chatter: who changed what, old -> new."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
        cls.rule = cls.env["clerk.approval.rule"].sudo().create({
            "name": "Bills over 1,000", "company_id": cls.company.id, "apply_in_invoice": True,
            "amount_min": 1000.0, "approver_kind": "users", "approver_user_ids": [Command.set(cls.approver.ids)],
        })

    def as_manager(self, records):
        """``records`` as the Clerk Manager, with tracking on (the fixtures switch it off)."""
        self.settle()
        return records.with_user(self.manager).with_context(tracking_disable=False, mail_notrack=False)

    def settle(self):
        """End of a request: pending tracking is written (a record is not tracked in the transaction creating it)."""
        self.env.flush_all()
        self.env.cr.flush()

    def tracked(self, record, field_name):
        """The (old, new) values the chatter shows for ``field_name``, newest change first, and their authors."""
        self.settle()
        messages = record.sudo().message_ids.filtered("tracking_value_ids")
        found = []
        for message in messages:
            for value in message.tracking_value_ids._tracking_value_format():
                tracking = message.tracking_value_ids.browse(value["id"])
                if tracking.field_id.name == field_name:
                    found.append((value["oldValue"], value["newValue"], message.author_id))
        return found

    def assert_tracked(self, record, field_name, old, new):
        changes = self.tracked(record, field_name)
        self.assertTrue(changes, f"no tracking of {field_name} on {record}")
        self.assertEqual(changes[0], (old, new, self.manager.partner_id))

    # ------------------------------------------------------------ one test per configuration model
    def test_approval_rule_threshold_and_approvers_are_tracked(self):
        rule = self.as_manager(self.rule)
        rule.write({"amount_min": 2500.0, "approver_user_ids": [Command.link(self.approver_2.id)]})
        self.assert_tracked(rule, "amount_min", 1000.0, 2500.0)
        self.assert_tracked(rule, "approver_user_ids", "Cleo Approver", "Cleo Approver, Dan Approver")
        rule.write({"nudge_days": 3, "clerk_missing_documents_only": True})
        self.assert_tracked(rule, "nudge_days", 0, 3)
        self.assert_tracked(rule, "clerk_missing_documents_only", False, True)

    def test_document_rule_is_tracked(self):
        category = self.env.ref("invoicing_clerk_tools.document_category_purchase_order")
        rule = self.as_manager(self.env["clerk.document.rule"]).create({
            "name": "Bills need a PO", "company_id": self.company.id, "apply_in_invoice": True,
            "category_ids": [Command.set(category.ids)], "mode": "block",
        })
        self.settle()
        rule.write({"mode": "warn", "amount_min": 100.0})
        self.assert_tracked(rule, "mode", "Blocks Posting", "Warning Only")
        self.assert_tracked(rule, "amount_min", 0.0, 100.0)

    def test_tolerance_is_tracked(self):
        tolerance = self.as_manager(self.env["clerk.match.tolerance"]).create({"company_id": self.company.id})
        self.settle()
        tolerance.write({"price_pct": 5.0, "match_basis": "received"})
        self.assert_tracked(tolerance, "price_pct", 0.0, 5.0)
        self.assert_tracked(tolerance, "match_basis", "Product's Bill Control Policy", "Received Quantities (3-Way)")

    def test_document_category_is_tracked(self):
        category = self.as_manager(self.env.ref("invoicing_clerk_tools.document_category_purchase_order"))
        old_size = category.max_size_mb
        kept_before = self.env["clerk.document.category"]._kept_category_ids()  # cached from now on
        category.write({"max_size_mb": old_size + 5, "keep_after_posting": not category.keep_after_posting})
        self.assert_tracked(category, "max_size_mb", old_size, old_size + 5)
        self.assertTrue(self.tracked(category, "keep_after_posting"))
        # the cache of kept categories follows the change (chatter or not, a write clears it)
        kept_after = self.env["clerk.document.category"]._kept_category_ids()
        self.assertNotEqual(category.id in kept_before, category.id in kept_after)
        self.assertEqual(category.id in kept_after, category.keep_after_posting)

    def test_schedule_settings_are_tracked(self):
        schedule = self.as_manager(self.env["clerk.reminder.schedule"]).create({
            "name": "Standard", "company_id": self.company.id, "min_interval_days": 5,
        })
        self.settle()
        schedule.write({"min_interval_days": 7, "grouping": "invoice"})
        self.assert_tracked(schedule, "min_interval_days", 5, 7)
        self.assert_tracked(schedule, "grouping", "One message per customer", "One message per invoice")
        with self.assertRaises(AccessError):
            schedule.with_user(self.clerk).action_set_company_default()
        schedule.action_set_company_default()
        self.assertEqual(self.company.clerk_reminder_schedule_id, schedule)
        self.assertIn("Made the default schedule", schedule.sudo().message_ids[0].body)

    def test_step_changes_appear_on_the_schedule(self):
        """Steps are edited in the schedule's form: their additions, changes and removals are in its chatter."""
        schedule = self.as_manager(self.env["clerk.reminder.schedule"]).create({
            "name": "Standard", "company_id": self.company.id,
            "step_ids": [Command.create({"name": "First reminder", "offset_days": 7,
                                         "mail_template_id": self.template.id})],
        })
        added = schedule.sudo().message_ids.filtered(lambda m: "Step added" in (m.body or ""))
        self.assertEqual(len(added), 1)
        self.assertIn("First reminder (day 7), Email: Payment Reminder", added.body)
        step = schedule.step_ids
        schedule.write({"step_ids": [Command.update(step.id, {"offset_days": 10, "manual": True}),
                                     Command.create({"name": "Call", "offset_days": 20, "action": "call"})]})
        changed = schedule.sudo().message_ids.filtered(lambda m: "Step changed" in (m.body or ""))
        self.assertEqual(len(changed), 1)
        self.assertIn("First reminder (day 10)", changed.body)
        values = {v["fieldInfo"]["changedField"]: (v["oldValue"], v["newValue"])
                  for v in changed.sudo().tracking_value_ids._tracking_value_format()}
        self.assertEqual(values, {"Days From Due Date": (7, 10), "Needs Confirmation": (False, True)})
        self.assertEqual(changed.author_id, self.manager.partner_id)
        schedule.write({"step_ids": [Command.delete(step.id)]})
        removed = schedule.sudo().message_ids.filtered(lambda m: "Step removed" in (m.body or ""))
        self.assertIn("First reminder (day 10), Email: Payment Reminder", removed.body)
        self.assertEqual(len(schedule.sudo().message_ids.filtered(lambda m: "Step added" in (m.body or ""))), 2)

    def test_queue_and_team_are_tracked(self):
        queue = self.as_manager(self.env.ref("invoicing_clerk_tools.queue_to_approve"))
        old_name = queue.name
        queue.write({"name": "Mine to approve"})
        self.assert_tracked(queue, "name", old_name, "Mine to approve")
        team = self.as_manager(self.env["clerk.team"]).create({
            "name": "Payables", "company_id": self.company.id, "member_ids": [Command.set(self.clerk.ids)],
        })
        self.settle()
        team.write({"member_ids": [Command.link(self.clerk_2.id)], "leader_id": self.manager.id})
        self.assert_tracked(team, "member_ids", "Ada Clerk", "Ada Clerk, Ben Clerk")
        self.assert_tracked(team, "leader_id", "", "Eve Manager")

    def test_untracked_context_and_clerks(self):
        """Internal writes asked not to track leave no message; clerks read the rules but cannot post on them."""
        self.rule.with_context(tracking_disable=True).write({"amount_min": 3000.0})
        self.assertFalse(self.tracked(self.rule, "amount_min"))
        with self.assertRaises(AccessError):
            self.rule.with_user(self.clerk).message_post(body="Lower it, please")

    # ------------------------------------------------------------ no magic values
    def test_no_maximum_keeps_the_rule_semantics(self):
        """'No Maximum' stores a maximum of 0, which the rule engine reads as no upper limit; the cache follows."""
        Rule = self.env["clerk.approval.rule"]
        rule = self.as_manager(self.rule)
        self.assertTrue(rule.no_amount_max)
        self.assertEqual(rule.amount_range, "From %s" % format_amount(self.env, 1000.0, self.company.currency_id))
        big = self.make_invoice(move_type="in_invoice", amount=1_000_000.0)
        small = self.make_invoice(move_type="in_invoice", amount=1_500.0)
        self.assertEqual(set(Rule._rules_for_moves(big | small)), {big.id, small.id})

        rule.write({"no_amount_max": False, "amount_max": 5000.0})
        self.assertEqual(rule.amount_max, 5000.0)
        self.assertFalse(rule.no_amount_max)
        self.assertEqual(Rule._rule_criteria()[rule.id]["amount_max"], 5000.0)  # the cache was cleared
        self.assertEqual(set(Rule._rules_for_moves(big | small)), {small.id})
        self.assertEqual(rule.amount_range, "%s to %s" % (format_amount(self.env, 1000.0, self.company.currency_id),
                                                          format_amount(self.env, 5000.0, self.company.currency_id)))
        self.assert_tracked(rule, "amount_max", 0.0, 5000.0)

        rule.write({"no_amount_max": True})
        self.assertEqual(rule.amount_max, 0.0)
        self.assertEqual(set(Rule._rules_for_moves(big | small)), {big.id, small.id})

        with self.assertRaisesRegex(ValidationError, "Maximum Total .* tick No Maximum"):
            rule.write({"no_amount_max": False})
        rule.write({"amount_min": 0.0})
        self.assertEqual(rule.amount_range, "Any total")

    def test_no_maximum_in_the_form(self):
        """Ticking No Maximum in the form clears the maximum; typing a maximum unticks it."""
        with Form(self.rule.with_user(self.manager)) as form:
            form.no_amount_max = False
            form.amount_max = 4000.0
        self.assertEqual(self.rule.amount_max, 4000.0)
        with Form(self.rule.with_user(self.manager)) as form:
            self.assertFalse(form.no_amount_max)
            form.no_amount_max = True
            self.assertEqual(form.amount_max, 0.0)
        self.assertEqual(self.rule.amount_max, 0.0)

    # ------------------------------------------------------------ technical fields
    def assert_debug_only(self, model, view_type, field_names, visible=()):
        """Outside debug mode, ``field_names`` are hidden (groups base.group_no_one) and ``visible`` are shown."""
        arch = self.env[model].with_user(self.manager).get_views([(False, view_type)])["views"][view_type]["arch"]
        tree = etree.fromstring(arch)
        for name in field_names:
            nodes = tree.xpath(f"//field[@name='{name}']")
            self.assertTrue(nodes, f"{name} not in the {view_type} view of {model}")
            for node in nodes:
                hidden = [n for n in (node, *node.iterancestors()) if n.get("invisible") == "1" or
                          n.get("column_invisible") == "1"]
                self.assertTrue(hidden, f"{name} is shown in the {view_type} view of {model} outside debug mode")
        for name in visible:
            self.assertTrue([node for node in tree.xpath(f"//field[@name='{name}']") if node.get("invisible") != "1"],
                            f"{name} is not shown in the {view_type} view of {model}")

    def test_technical_fields_only_in_debug_mode(self):
        self.assert_debug_only("clerk.queue", "form", ["res_model", "amount_field", "user_field", "action_id"],
                               visible=["name", "description", "res_model_name", "group_ids"])
        self.assert_debug_only("clerk.queue", "list", ["res_model", "domain"], visible=["res_model_name"])
        queue_form = self.env["clerk.queue"].with_user(self.manager).get_views([(False, "form")])
        domain_nodes = etree.fromstring(queue_form["views"]["form"]["arch"]).xpath("//field[@name='domain']")
        self.assertTrue(all(node.get("invisible") == "1" for node in domain_nodes))
        queue = self.env.ref("invoicing_clerk_tools.queue_to_approve").with_user(self.manager)
        self.assertEqual(queue.res_model_name, "Journal Entry")
        for model in ("clerk.approval.rule", "clerk.document.rule"):
            arch = self.env[model].with_user(self.manager).get_views([(False, "form")])["views"]["form"]["arch"]
            editable = [node for node in etree.fromstring(arch).xpath("//field[@name='domain']")
                        if node.get("readonly") != "1"]
            self.assertEqual(len(editable), 1)
            self.assertEqual(editable[0].getparent().get("invisible"), "1", f"{model}: domain editable outside debug")

    def test_forms_have_a_chatter_and_buttons_wait_for_a_saved_record(self):
        for model in ("clerk.approval.rule", "clerk.document.rule", "clerk.match.tolerance", "clerk.document.category",
                      "clerk.reminder.schedule", "clerk.queue", "clerk.team"):
            arch = self.env[model].with_user(self.manager).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertTrue(etree.fromstring(arch).xpath("//chatter"), f"{model} form has no chatter")
        arch = self.env["clerk.reminder.schedule"].with_user(self.manager).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        for button in etree.fromstring(arch).xpath("//header/button"):
            self.assertIn("not id", button.get("invisible", ""), f"{button.get('name')} shows on unsaved records")


class TestConfigAuditUi(HttpCase, ClerkCommon):
    def test_manager_sees_changes_in_the_chatter(self):
        template = self.env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
        self.env["clerk.approval.rule"].sudo().create({
            "name": "Tour bills over 1,000", "company_id": self.company.id, "apply_in_invoice": True,
            "amount_min": 1000.0, "approver_kind": "users", "approver_user_ids": [Command.set(self.approver.ids)],
        })
        schedule = self.env["clerk.reminder.schedule"].sudo().create({
            "name": "Tour reminders", "company_id": self.company.id, "min_interval_days": 5,
            "step_ids": [Command.create({"name": "First reminder", "offset_days": 7,
                                         "mail_template_id": template.id})],
        })
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_approval_rule_action",
                        "invoicing_clerk_tools_config_audit", login=self.manager.login)
        rule = self.env["clerk.approval.rule"].sudo().search([("name", "=", "Tour bills over 1,000")])
        self.assertEqual(rule.amount_min, 2500.0)
        self.assertEqual(schedule.min_interval_days, 7)
        self.assertEqual(schedule.step_ids.offset_days, 10)
        step_logs = schedule.message_ids.filtered(lambda m: "Step changed" in (m.body or ""))
        self.assertEqual(step_logs.author_id, self.manager.partner_id)

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import ClerkCommon

DASHBOARD_SPEC = {"name": {}, "description": {}, "record_count": {}, "amount_total": {}, "amount_field": {},
                  "currency_id": {"fields": {"display_name": {}}}, "color": {}}


class AssignmentCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_group = cls.env.ref("invoicing_clerk_tools.group_clerk_team_view")
        cls.lead = cls._create_clerk_user("clerk_lea", "Lea Lead", "group_clerk")
        cls.lead.group_ids += cls.team_group
        cls.partner_a.clerk_user_id = cls.clerk
        cls.partner_b.clerk_user_id = cls.clerk_2
        cls.team = cls.env["clerk.team"].with_user(cls.manager).create({
            "name": "North", "company_id": cls.company.id, "leader_id": cls.lead.id,
            "member_ids": [Command.set((cls.clerk | cls.clerk_2).ids)]})
        cls.today = fields.Date.today()

    def overdue(self, days, amount, partner=None):
        due = self.today - timedelta(days=days)
        return self.make_invoice(partner=partner or self.partner_a, amount=amount, invoice_date=due, due_date=due,
                                 post=True)

    def queue(self, xmlid, user, scope):
        return self.env.ref(f"invoicing_clerk_tools.{xmlid}").with_user(user).with_context(clerk_scope=scope)


class TestAssignment(AssignmentCommon):
    def test_customer_clerk_by_default(self):
        invoice = self.make_invoice(partner=self.partner_a)
        self.assertEqual(invoice.clerk_user_id, self.clerk)
        bill = self.make_invoice(move_type="in_invoice", partner=self.partner_b)
        self.assertEqual(bill.clerk_user_id, self.clerk_2)
        # another customer: the new customer's clerk; a hand-picked clerk stays when the customer has none
        invoice.partner_id = self.partner_b
        self.assertEqual(invoice.clerk_user_id, self.clerk_2)
        invoice.clerk_user_id = self.clerk
        self.assertEqual(invoice.clerk_user_id, self.clerk)
        unassigned = self.env["res.partner"].create({"name": "Nobody's"})
        free = self.make_invoice(partner=unassigned, clerk_user_id=self.clerk_2.id)
        self.assertEqual(free.clerk_user_id, self.clerk_2)
        self.assertFalse(self.make_invoice(partner=unassigned).clerk_user_id)

    def test_clerk_reassigns_invoices_in_bulk(self):
        moves = self.make_invoice(partner=self.partner_a) | self.overdue(10, 50.0)
        wizard = self.env["clerk.reassign.wizard"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=moves.ids).create({"user_id": self.clerk_2.id})
        self.assertEqual(wizard.move_ids, moves)
        wizard.action_reassign()
        self.assertEqual(moves.mapped("clerk_user_id"), self.clerk_2 | self.clerk_2)

    def test_reassign_refuses_a_non_clerk(self):
        move = self.make_invoice(partner=self.partner_a)
        wizard = self.env["clerk.reassign.wizard"].with_user(self.clerk).create(
            {"move_ids": move.ids, "user_id": self.outsider.id})
        with self.assertRaisesRegex(UserError, "New Responsible Clerk"):
            wizard.action_reassign()
        with self.assertRaises(AccessError):
            self.env["clerk.reassign.wizard"].with_user(self.outsider).create(
                {"move_ids": move.ids, "user_id": self.clerk.id}).action_reassign()
        self.assertEqual(move.clerk_user_id, self.clerk)

    def test_customers_reassigned_by_team_leaders_only(self):
        draft = self.make_invoice(partner=self.partner_a)
        wizard = self.env["clerk.reassign.wizard"].with_user(self.clerk).create(
            {"partner_ids": self.partner_a.ids, "user_id": self.clerk_2.id})
        with self.assertRaisesRegex(AccessError, "team leaders"):
            wizard.action_reassign()
        self.env["clerk.reassign.wizard"].with_user(self.lead).create(
            {"partner_ids": self.partner_a.ids, "user_id": self.clerk_2.id}).action_reassign()
        self.assertEqual(self.partner_a.clerk_user_id, self.clerk_2)
        self.assertEqual(draft.clerk_user_id, self.clerk_2)  # its open documents followed
        self.assertEqual(self.make_invoice(partner=self.partner_a).clerk_user_id, self.clerk_2)

    def test_team_members_belong_to_the_company(self):
        other = self.setup_other_company(name="Elsewhere")["company"]
        with self.assertRaisesRegex(ValidationError, "Members"):
            self.env["clerk.team"].sudo().create({"name": "Far", "company_id": other.id,
                                           "member_ids": [Command.set(self.clerk.ids)]})

    def test_workload_per_clerk(self):
        self.overdue(100, 300.0)
        self.overdue(5, 200.0)
        self.make_invoice(partner=self.partner_a, amount=40.0)  # draft
        self.make_invoice(move_type="in_invoice", partner=self.partner_a, amount=60.0, post=True)
        paid = self.overdue(3, 10.0)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids) \
            .create({})._create_payments()
        self.overdue(8, 999.0, partner=self.partner_b)
        users = (self.clerk | self.clerk_2).with_user(self.lead)
        ada, ben = users
        self.assertEqual((ada.clerk_open_count, ada.clerk_open_amount), (4, 600.0))
        self.assertEqual(ada.clerk_oldest_date, self.today - timedelta(days=100))
        self.assertEqual((ben.clerk_open_count, ben.clerk_open_amount), (1, 999.0))
        self.assertEqual(ada.clerk_customer_count, 1)
        action = ada.action_clerk_open_items()
        self.assertEqual(self.env["account.move"].search_count(action["domain"]), 4)

    def test_workload_in_grouped_queries(self):
        for _n in range(5):
            self.overdue(5, 10.0)
        users = (self.clerk | self.clerk_2 | self.lead).with_user(self.lead)
        users.mapped("clerk_open_count")
        users.invalidate_recordset()
        with self.assertQueryCount(3):
            users.mapped("clerk_open_count")


class TestWorkspaceScopes(AssignmentCommon):
    def test_mine_and_team(self):
        self.overdue(10, 100.0)                          # clerk's
        self.overdue(40, 70.0, partner=self.partner_b)   # clerk_2's
        mine = self.queue("queue_overdue_invoices", self.clerk, "mine")
        self.assertEqual((mine.record_count, mine.amount_total), (1, 100.0))
        # without the Team Queues group, 'team' is 'mine' and the switch is refused
        team = self.queue("queue_overdue_invoices", self.clerk, "team")
        self.assertEqual(team.record_count, 1)
        with self.assertRaises(AccessError):
            team.action_scope_team()
        lead_team = self.queue("queue_overdue_invoices", self.lead, "team")
        self.assertEqual((lead_team.record_count, lead_team.amount_total), (2, 170.0))
        self.assertEqual(self.queue("queue_overdue_invoices", self.lead, "mine").record_count, 0)
        self.assertEqual(lead_team.action_scope_team()["context"], {"clerk_scope": "team"})
        # the card opens the same records
        action = lead_team.action_open()
        self.assertEqual(self.env["account.move"].search_count(action["domain"]), 2)
        action = mine.action_open()
        self.assertEqual(self.env["account.move"].search(action["domain"]).clerk_user_id, self.clerk)

    def test_team_from_the_group_given_to_a_clerk(self):
        self.overdue(40, 70.0, partner=self.partner_b)
        self.clerk.group_ids += self.team_group
        self.assertEqual(self.queue("queue_overdue_invoices", self.clerk, "team").record_count, 1)
        outsider_team = self.env["clerk.team"].sudo().create({"name": "South", "company_id": self.company.id,
                                                        "member_ids": [Command.set(self.approver.ids)]})
        self.assertNotIn(self.approver.id, self.env["clerk.team"].with_user(self.clerk)._team_user_ids())
        self.assertTrue(outsider_team)

    def test_overdue_buckets_match_their_invoices(self):
        expected = {"1_30": (1, 10.0), "31_60": (2, 50.0), "61_90": (1, 61.0), "90_plus": (1, 91.0)}
        self.overdue(0, 1.0)  # due today: current, in no overdue card
        self.overdue(1, 4.0)
        self.overdue(30, 6.0)
        self.overdue(31, 20.0)
        self.overdue(60, 30.0)
        self.overdue(61, 61.0)
        self.overdue(91, 91.0)
        expected["1_30"] = (2, 10.0)
        for key, (count, total) in expected.items():
            queue = self.queue(f"queue_overdue_{key}", self.clerk, "mine")
            self.assertEqual((queue.record_count, queue.amount_total), (count, total), key)
            records = self.env["account.move"].search(queue.action_open()["domain"])
            self.assertEqual(sum(records.mapped("amount_residual_signed")), total, key)

    def test_every_queue_count_matches_its_records(self):
        self.overdue(10, 100.0)
        self.overdue(40, 70.0, partner=self.partner_b)
        self.make_invoice(partner=self.partner_a)
        for scope in ("mine", "team"):
            for queue in self.env["clerk.queue"].with_user(self.lead).with_context(clerk_scope=scope).search([]):
                records = self.env[queue.res_model].with_user(self.lead).search(queue.action_open()["domain"])
                self.assertEqual(queue.record_count, len(records), (scope, queue.name))
                if queue.amount_field:
                    self.assertAlmostEqual(queue.amount_total, sum(records.mapped(queue.amount_field)))

    def test_queue_bad_paths_are_refused(self):
        Queue = self.env["clerk.queue"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "Responsible Field"):
            Queue.create({"name": "Broken", "domain": "[]", "user_field": "no_such_user"})
        with self.assertRaisesRegex(ValidationError, "Aging Date Field"):
            Queue.create({"name": "Broken", "domain": "[]", "aging_bucket": "1_30", "aging_field": "nope"})

    def dashboard_queries(self, user, scope):
        Queue = self.env["clerk.queue"].with_user(user).with_context(clerk_scope=scope)
        Queue.web_search_read([], DASHBOARD_SPEC)  # warm the caches (access rules, views)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        Queue.web_search_read([], DASHBOARD_SPEC)
        return self.env.cr.sql_log_count - before

    def test_dashboard_queries_do_not_grow_with_data(self):
        self.overdue(10, 100.0)
        for scope in ("mine", "team"):
            self.dashboard_queries(self.lead, scope)
        small = {scope: self.dashboard_queries(self.lead, scope) for scope in ("mine", "team")}
        for days in range(1, 120, 4):
            self.overdue(days, 10.0)
            self.overdue(days, 10.0, partner=self.partner_b)
            self.make_invoice(partner=self.partner_b)
        self.env.flush_all()
        large = {scope: self.dashboard_queries(self.lead, scope) for scope in ("mine", "team")}
        self.assertEqual(small, large)
        Queue = self.env["clerk.queue"].with_user(self.lead).with_context(clerk_scope="team")
        Queue.web_search_read([], DASHBOARD_SPEC)
        self.env.invalidate_all()
        with self.assertQueryCount(29):
            result = Queue.web_search_read([], DASHBOARD_SPEC)
        self.assertGreaterEqual(result["length"], 15)


class TestAssignmentAtCreation(AssignmentCommon):
    """Nothing stays unassigned: the customer's clerk, else the clerk who creates the document."""

    def test_creating_clerk_by_default(self):
        nobody = self.env["res.partner"].create({"name": "Nobody's"})
        # from code, as the clerk (an RPC create runs the same create)
        invoice = self.make_invoice(partner=nobody, user=self.clerk)
        self.assertEqual(invoice.clerk_user_id, self.clerk)
        bill = self.make_invoice(move_type="in_invoice", partner=nobody, user=self.clerk_2)
        self.assertEqual(bill.clerk_user_id, self.clerk_2)
        # the customer's clerk first, whoever creates it
        self.assertEqual(self.make_invoice(partner=self.partner_b, user=self.clerk).clerk_user_id, self.clerk_2)
        # an explicit clerk is kept
        chosen = self.make_invoice(partner=nobody, user=self.clerk, clerk_user_id=self.clerk_2.id)
        self.assertEqual(chosen.clerk_user_id, self.clerk_2)
        # a saved document keeps its clerk when its new customer has none
        invoice.with_user(self.clerk_2).partner_id = self.env["res.partner"].create({"name": "Nobody's either"})
        self.assertEqual(invoice.clerk_user_id, self.clerk)

    def test_creating_clerk_from_the_form(self):
        nobody = self.env["res.partner"].create({"name": "Nobody's"})
        with Form(self.env["account.move"].with_user(self.clerk).with_context(default_move_type="out_invoice")) as form:
            form.partner_id = nobody
            with form.invoice_line_ids.new() as line:
                line.name = "Consulting"
                line.price_unit = 10.0
            self.assertEqual(form.clerk_user_id, self.clerk)
        self.assertEqual(form.record.clerk_user_id, self.clerk)

    def test_users_outside_the_addon_are_not_assigned(self):
        billing = self.env["res.users"].create({
            "name": "Bill Outside", "login": "bill_outside", "email": "bill_outside@example.com",
            "company_id": self.company.id, "company_ids": [Command.set(self.company.ids)],
            "group_ids": [Command.set([self.env.ref("account.group_account_invoice").id])],
        })
        nobody = self.env["res.partner"].create({"name": "Nobody's"})
        invoice = self.make_invoice(partner=nobody, user=billing, post=True)
        self.assertFalse(invoice.clerk_user_id)
        self.assertEqual(invoice.state, "posted")
        # the superuser of crons and scripts is nobody's clerk either
        self.assertFalse(self.make_invoice(partner=nobody).clerk_user_id)
        # journal entries have no responsible clerk
        entry = self.env["account.move"].with_user(self.clerk).create({"move_type": "entry", "line_ids": []})
        self.assertFalse(entry.clerk_user_id)


class TestWorkspaceMine(AssignmentCommon):
    """Mine: what I am responsible for, what waits for my approval, what I sent that came back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["clerk.approval.rule"].sudo().create({
            "name": "Invoices over 1,000", "company_id": cls.company.id, "apply_out_invoice": True,
            "amount_min": 1000.0, "approver_user_ids": [Command.set(cls.approver.ids)],
        })

    def test_rejected_approval_is_mine_when_i_sent_it(self):
        invoice = self.make_invoice(partner=self.partner_b, amount=5000.0)  # Ben's customer
        invoice.with_user(self.clerk).action_clerk_send_for_approval()
        to_approve = self.queue("queue_to_approve", self.approver, "mine")
        self.assertEqual((to_approve.record_count, to_approve.amount_total), (1, 5000.0))
        invoice.with_user(self.approver).clerk_reject("Wrong price")
        self.assertEqual(self.queue("queue_to_approve", self.approver, "mine").record_count, 0)
        # Ada sent it: it came back to her, and to Ben who is responsible for it
        for user in (self.clerk, self.clerk_2):
            rejected = self.queue("queue_approval_rejected", user, "mine")
            self.assertEqual(rejected.record_count, 1, user.name)
            action = rejected.action_open()
            self.assertEqual(self.env["account.move"].with_user(user).search(action["domain"]), invoice)
        self.assertEqual(self.queue("queue_approval_rejected", self.lead, "mine").record_count, 0)
        self.assertEqual(self.queue("queue_approval_rejected", self.lead, "team").record_count, 1)
        self.assertEqual(invoice.with_user(self.clerk).clerk_approval_rule_name, "Invoices over 1,000")
        self.assertEqual(invoice.with_user(self.clerk).clerk_approval_rejection, "Cleo Approver: Wrong price")
        self.assertEqual(invoice.with_user(self.clerk).clerk_approval_requester_id, self.clerk)

    def test_waiting_since_and_rule_for_the_approver(self):
        invoice = self.make_invoice(partner=self.partner_a, amount=3000.0)
        self.assertFalse(invoice.clerk_approval_waiting_since)
        invoice.with_user(self.clerk).action_clerk_send_for_approval()
        self.assertTrue(invoice.clerk_approval_waiting_since)
        self.assertEqual(invoice.with_user(self.approver).clerk_approval_rule_name, "Invoices over 1,000")
        action = self.queue("queue_to_approve", self.approver, "mine").action_open()
        view = self.env.ref("invoicing_clerk_tools.account_move_view_list_clerk_queue_approval")
        self.assertEqual(action["views"][0], (view.id, "list"))
        arch = self.env["account.move"].with_user(self.approver).get_views([(view.id, "list")])["views"]["list"]["arch"]
        for column in ("partner_id", "clerk_approval_rule_name", "clerk_approval_requester_id",
                       "clerk_approval_waiting_since", "amount_total_signed"):
            self.assertIn(f'name="{column}"', arch)
        invoice.with_user(self.approver).clerk_approve("fine")
        self.assertFalse(invoice.clerk_approval_waiting_since)

    def test_scope_all_and_default_scope(self):
        self.overdue(10, 100.0, partner=self.partner_b)  # Ben's
        nobody = self.env["res.partner"].create({"name": "Nobody's"})
        self.overdue(20, 30.0, partner=nobody)           # unassigned (created by the superuser)
        overdue = self.queue("queue_overdue_invoices", self.clerk, "all")
        self.assertEqual((overdue.record_count, overdue.amount_total), (2, 130.0))
        self.assertEqual(self.queue("queue_overdue_invoices", self.clerk, "mine").record_count, 0)
        Queue = self.env["clerk.queue"]
        # Ada has nothing of her own and no team view: all; Lea leads the team that has Ben's invoice
        self.assertEqual(Queue.with_user(self.clerk)._default_scope(), "all")
        self.assertEqual(Queue.with_user(self.lead)._default_scope(), "team")
        self.overdue(5, 10.0)  # Ada's
        self.env.invalidate_all()  # the figures are cached per request
        self.assertEqual(Queue.with_user(self.clerk)._default_scope(), "mine")
        action = Queue.with_user(self.clerk).action_open_workspace()
        self.assertEqual(action["context"], {"clerk_scope": "mine"})
        self.assertEqual(Queue.with_user(self.clerk).action_scope_all()["context"], {"clerk_scope": "all"})

    def test_cards_shown_to_their_groups(self):
        to_approve = self.env.ref("invoicing_clerk_tools.queue_to_approve")
        self.assertNotIn(to_approve, self.env["clerk.queue"].with_user(self.clerk).search([]))
        self.assertIn(to_approve, self.env["clerk.queue"].with_user(self.approver).search([]))
        self.assertIn(to_approve, self.env["clerk.queue"].with_user(self.manager).search([]))

    def test_every_card_opens_a_list_with_its_figure(self):
        """The card's total is the sum of the column the opened list sums (amount due for the overdue cards)."""
        self.overdue(10, 100.0)
        queues = self.env["clerk.queue"].with_user(self.manager).search([])
        self.assertEqual(set(queues.mapped("section")), {"approvals", "bills", "documents", "collections", "aging"})
        for queue in queues.filtered("list_view_id"):
            arch = self.env[queue.res_model].get_views([(queue.list_view_id.id, "list")])["views"]["list"]["arch"]
            if queue.amount_field:
                self.assertRegex(arch, rf'name="{queue.amount_field}"[^>]*sum=', queue.name)
            self.assertIn('create="0"', arch, queue.name)
        overdue = self.env.ref("invoicing_clerk_tools.queue_overdue_invoices")
        self.assertEqual(overdue.amount_field, "amount_residual_signed")

    def test_bad_also_mine_and_views_are_refused(self):
        Queue = self.env["clerk.queue"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "Also Mine"):
            Queue.create({"name": "Broken", "domain": "[]", "mine_domain": "[('nope', 'in', user_ids)]"})
        moves_list = self.env.ref("invoicing_clerk_tools.account_move_view_list_clerk_queue_draft")
        with self.assertRaisesRegex(ValidationError, "List View"):
            Queue.create({"name": "Broken", "domain": "[]", "res_model": "res.partner",
                          "list_view_id": moves_list.id})

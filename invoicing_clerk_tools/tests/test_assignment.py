from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError

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

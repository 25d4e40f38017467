"""Approval decisions at the same moment, on two real database cursors in two threads (committed data, cleaned
up afterwards), as the RPC layer runs them: each call inside ``odoo.service.model.retrying``."""

import threading
from functools import partial

import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError
from odoo.service.model import retrying
from odoo.tests import TransactionCase
from odoo.tools import mute_logger

from .test_approvals import ApprovalCommon


class TestDecisionsAtOnce(TransactionCase):
    """A rule needing 2 approvals from a group of two, then a second rule; a clerk sent the invoice."""

    def setUp(self):
        super().setUp()
        self.ids = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            company = env.ref("base.main_company")

            def user(login, group):
                return env["res.users"].create({
                    "name": login.replace("_", " ").title(), "login": login, "email": f"{login}@example.com",
                    "company_id": company.id, "company_ids": [Command.set(company.ids)],
                    "group_ids": [Command.set([env.ref(f"invoicing_clerk_tools.{group}").id])],
                })

            clerk = user("race_clerk", "group_clerk")
            first, second, director = (user(f"race_{name}", "group_approver") for name in ("ann", "bob", "dora"))
            group = env["res.groups"].create({"name": "Race approvers",
                                              "user_ids": [Command.set((first | second).ids)]})
            rules = env["clerk.approval.rule"].create([{
                "name": "Race: two of the team", "company_id": company.id, "apply_out_invoice": True,
                "approver_kind": "group", "approver_group_id": group.id, "min_approvals": 2, "sequence": 10,
                "domain": "[('ref', '=', 'RACE')]",
            }, {
                "name": "Race: director", "company_id": company.id, "apply_out_invoice": True,
                "approver_kind": "users", "approver_user_ids": [Command.set(director.ids)], "sequence": 20,
                "domain": "[('ref', '=', 'RACE')]",
            }])
            partner = env["res.partner"].create({"name": "Race customer"})
            move = env["account.move"].with_user(clerk).with_company(company).create({
                "move_type": "out_invoice", "partner_id": partner.id, "ref": "RACE",
                "invoice_line_ids": [Command.create({"name": "Work", "quantity": 1, "price_unit": 500.0,
                                                     "tax_ids": [Command.clear()]})],
            })
            move.with_user(clerk).action_clerk_send_for_approval()
            self.ids = {"users": (clerk | first | second | director).ids, "group": group.id, "rules": rules.ids,
                        "partner": partner.id, "move": move.id, "first": first.id, "second": second.id,
                        "director": director.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        ids = self.ids
        if not ids:
            return
        with self.registry.cursor() as cr:
            move = ids["move"]
            cr.execute("DELETE FROM clerk_approval_decision WHERE move_id = %s", [move])
            cr.execute("DELETE FROM clerk_approval_followup WHERE request_id IN "
                       "(SELECT id FROM clerk_approval_request WHERE move_id = %s)", [move])
            cr.execute("DELETE FROM clerk_approval_request WHERE move_id = %s", [move])
            cr.execute("DELETE FROM mail_activity WHERE res_model = 'account.move' AND res_id = %s", [move])
            cr.execute("DELETE FROM mail_message WHERE model = 'account.move' AND res_id = %s", [move])
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'account.move' AND res_id = %s", [move])
            cr.execute("DELETE FROM account_move_line WHERE move_id = %s", [move])
            cr.execute("DELETE FROM account_move WHERE id = %s", [move])
            cr.execute("DELETE FROM clerk_approval_rule WHERE id IN %s", [tuple(ids["rules"])])
            env = api.Environment(cr, SUPERUSER_ID, {})
            users = env["res.users"].browse(ids["users"])
            partners = users.partner_id | env["res.partner"].browse(ids["partner"])
            env["res.groups"].browse(ids["group"]).unlink()
            users.unlink()
            partners.unlink()

    def _decide_at_once(self, user_ids):
        """Each user approves in its own thread and cursor, all starting together; returns the errors."""
        barrier = threading.Barrier(len(user_ids))
        errors = []

        def worker(uid):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    env.cr.execute("SELECT 1")  # both transactions see the data as it was before either decided
                    barrier.wait(timeout=30)
                    retrying(partial(env["account.move"].browse(self.ids["move"]).clerk_approve), env)
            except Exception as error:  # noqa: BLE001 - reported by the caller's assertions
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return errors

    def _facts(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            move = env["account.move"].browse(self.ids["move"])
            requests = move.clerk_approval_request_ids.filtered("is_current").sorted("sequence")
            todos = env["mail.activity"].search([("res_model", "=", "account.move"), ("res_id", "=", move.id),
                                                 ("user_id", "=", self.ids["director"])])
            asked = [m for m in move.message_ids if "Next rule asked" in (m.body or "")]
            return {
                "decisions": len(move.clerk_approval_decision_ids),
                "states": [(r.name, r.state, r.approval_count) for r in requests],
                "director_todos": len(todos),
                "next_level_asked": len(asked),
                "approval_state": move.clerk_approval_state,
            }

    def test_two_approvers_at_once_approve_the_level_once(self):
        errors = self._decide_at_once([self.ids["first"], self.ids["second"]])
        self.assertEqual(errors, [])
        self.assertEqual(self._facts(), {
            "decisions": 2,
            "states": [("Race: two of the team", "approved", 2), ("Race: director", "pending", 0)],
            "director_todos": 1,
            "next_level_asked": 1,
            "approval_state": "pending",
        })

    def test_one_approver_clicking_twice_decides_once(self):
        errors = self._decide_at_once([self.ids["first"], self.ids["first"]])
        self.assertEqual(len(errors), 1, errors)
        self.assertIsInstance(errors[0], AccessError)
        self.assertIn("You already decided on", str(errors[0]))
        facts = self._facts()
        self.assertEqual(facts["decisions"], 1)
        self.assertEqual(facts["states"][0], ("Race: two of the team", "pending", 1))


class TestOneDecisionPerPerson(ApprovalCommon):
    def test_database_refuses_a_second_decision(self):
        move = self.send(self.bill())
        request = self.current(move)
        self.env["clerk.approval.decision"].sudo().create({
            "request_id": request.id, "decision": "approve", "user_id": self.approver.id,
            "approver_id": self.approver.id})
        for values in ({"user_id": self.approver.id, "approver_id": self.approver_2.id},
                       {"user_id": self.approver_2.id, "approver_id": self.approver.id}):
            with self.subTest(values=values), mute_logger("odoo.sql_db"),\
                    self.assertRaises(psycopg2.errors.UniqueViolation), self.cr.savepoint():
                self.env["clerk.approval.decision"].sudo().create({
                    "request_id": request.id, "decision": "approve", **values})
                self.env.flush_all()

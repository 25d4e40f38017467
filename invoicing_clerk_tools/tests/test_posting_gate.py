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

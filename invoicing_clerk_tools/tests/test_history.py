from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import ClerkCommon

HISTORY_MODELS = {
    "clerk.approval.decision", "clerk.approval.followup", "clerk.approval.request", "clerk.approval.substitute",
    "clerk.post.override", "clerk.reminder.communication", "clerk.reminder.line", "clerk.statement.log",
    "clerk.dispute", "clerk.payment.promise",
}


class TestHistory(ClerkCommon):
    def test_history_models_share_the_mixin(self):
        inheriting = set(self.env.registry.descendants(["clerk.history.mixin"], "_inherit")) - {"clerk.history.mixin"}
        self.assertEqual(inheriting, HISTORY_MODELS)
        for name in HISTORY_MODELS:
            model = self.env[name]
            self.assertLessEqual(model._history_open_fields, set(model._fields), name)

    def test_only_open_fields_change_and_only_by_the_addon(self):
        today = fields.Date.context_today(self.env.user)
        away = self.env["clerk.approval.substitute"].with_user(self.approver).create({
            "substitute_id": self.approver_2.id, "date_from": today, "date_to": today + timedelta(days=3)})
        with self.assertRaisesRegex(UserError, r"Approval Substitute .*Cleo Approver.*: this is history, it cannot "
                                               r"be changed\. End a substitution with End Now"):
            away.sudo().write({"date_to": today + timedelta(days=30)})
        with self.assertRaises(AccessError):  # people change nothing directly, open fields included
            away.with_user(self.approver).write({"ended_on": today})
        away.sudo().write({"ended_on": today})  # the addon's End Now
        self.assertEqual(away.ended_on, today)
        with self.assertRaisesRegex(UserError, "this is history, it cannot be deleted"):
            away.sudo().unlink()
        self.assertTrue(away.exists())

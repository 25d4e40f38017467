from odoo import Command
from odoo.tests import HttpCase, tagged

from .test_matching import MatchingCommon


@tagged("post_install", "-at_install")
class TestMatchingUi(HttpCase, MatchingCommon):
    def test_price_variance_seen_accepted_posted(self):
        purchase = self.env.ref("purchase.group_purchase_user")
        (self.clerk | self.approver).write({"group_ids": [Command.link(purchase.id)]})
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0}], ref="UI-1", user=self.clerk)
        self.assertEqual(bill.clerk_match_status, "exception")
        url = f"/odoo/account.move/{bill.id}"
        self.start_tour(url, "invoicing_clerk_tools_matching_clerk", login=self.clerk.login)
        self.start_tour(url, "invoicing_clerk_tools_matching_approver", login=self.approver.login)
        price = bill.clerk_discrepancy_ids.filtered(lambda d: d.kind == "price")
        self.assertEqual(price.state, "accepted")
        self.assertEqual(price.accepted_by_id, self.approver)
        self.assertEqual(price.accept_reason, "Price rise agreed with purchasing")
        self.assertEqual(bill.state, "posted")

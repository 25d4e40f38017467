"""Vendor bills checked against purchase orders and receipts (issue 4), on real orders, receipts and bills."""

from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ClerkCommon


@tagged("post_install", "-at_install")
class MatchingCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.clerk_match_policy = "block"
        cls.vendor = cls.env["res.partner"].create({"name": "Northern Paper", "supplier_rank": 1,
                                                    "email": "billing@northern.example.com"})
        cls.vendor_2 = cls.env["res.partner"].create({"name": "Ironside Tools", "supplier_rank": 1})
        cls.category = cls.env["product.category"].create({"name": "Paper goods"})
        cls.tax_15 = cls.company_data["default_tax_purchase"]
        cls.tax_other = cls.tax_15.copy({"name": "Purchase 21%", "amount": 21.0})
        cls.paper = cls.env["product.product"].create({
            "name": "Copy paper", "type": "consu", "purchase_method": "receive", "categ_id": cls.category.id,
            "standard_price": 10.0, "supplier_taxes_id": [Command.set(cls.tax_15.ids)]})
        cls.ink = cls.env["product.product"].create({
            "name": "Ink", "type": "consu", "purchase_method": "purchase", "standard_price": 50.0,
            "supplier_taxes_id": [Command.set(cls.tax_15.ids)]})
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.today = fields.Date.today()

    @classmethod
    def make_po(cls, lines, partner=None, currency=None, company=None, received=True):
        """A confirmed purchase order of ``lines`` [(product, qty, price, discount)], received in full or not."""
        company = company or cls.company
        order = cls.env["purchase.order"].with_company(company).create({
            "partner_id": (partner or cls.vendor).id,
            "company_id": company.id,
            "currency_id": (currency or company.currency_id).id,
            "order_line": [Command.create({
                "product_id": line[0].id, "product_qty": line[1], "price_unit": line[2], "discount": line[3],
                **({"product_uom_id": line[4].id} if len(line) > 4 else {}),
            }) for line in lines],
        })
        order.button_confirm()
        if received:
            cls.receive(order.order_line, [line.product_qty for line in order.order_line])
        return order

    @classmethod
    def receive(cls, pols, quantities):
        for pol, qty in zip(pols, quantities, strict=True):
            pol.qty_received = qty

    def make_bill(self, lines, partner=None, move_type="in_invoice", ref=None, invoice_date=None, user=None,
                  currency=None, company=None, post=False):
        """A bill of ``lines``: dicts with ``pol`` (a purchase line, its values by default) and overrides."""
        env = self.env(user=user) if user else self.env
        company = company or self.company
        line_commands = []
        for values in lines:
            values = dict(values)
            pol = values.pop("pol", None)
            base = {}
            if pol:
                base = {"product_id": pol.product_id.id, "quantity": pol.product_qty, "price_unit": pol.price_unit,
                        "discount": pol.discount, "tax_ids": [Command.set(pol.tax_ids.ids)],
                        "product_uom_id": pol.product_uom_id.id, "purchase_line_id": pol.id}
            line_commands.append(Command.create({**base, **values}))
        bill = env["account.move"].with_company(company).create({
            "move_type": move_type,
            "partner_id": (partner or self.vendor).id,
            "ref": ref,
            "invoice_date": invoice_date or self.today,
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": line_commands,
        })
        if post:
            bill.action_post()
        return bill

    def tolerance(self, **values):
        return self.env["clerk.match.tolerance"].with_user(self.manager).create(
            {"company_id": self.company.id, **values})

    def findings(self, bill, kind=None, states=("open", "accepted", "waiting", "resolved")):
        return bill.clerk_discrepancy_ids.filtered(lambda d: d.state in states and (not kind or d.kind == kind))


@tagged("post_install", "-at_install")
class TestMatchingChecks(MatchingCommon):
    def test_exact_match_posts(self):
        order = self.make_po([(self.paper, 10, 20.0, 0.0), (self.ink, 2, 50.0, 10.0)])
        bill = self.make_bill([{"pol": pol} for pol in order.order_line], ref="NP-1")
        self.assertEqual(bill.clerk_match_status, "matched")
        self.assertFalse(bill.clerk_discrepancy_ids)
        self.assertTrue(bill.clerk_match_date)
        bill.action_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(order.order_line.mapped("qty_invoiced"), [10.0, 2.0])

    def test_not_checked_when_policy_off_and_for_customer_invoices(self):
        invoice = self.make_invoice()
        self.assertEqual(invoice.clerk_match_status, "none")
        self.company.clerk_match_policy = "none"
        order = self.make_po([(self.paper, 10, 20.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 99.0}])
        self.assertEqual(bill.clerk_match_status, "none")
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_price_just_inside_and_outside_both(self):
        self.tolerance(price_pct=5.0, price_amount=5.0, price_mode="both", total_pct=100.0, total_amount=1000.0)
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        inside = self.make_bill([{"pol": order.order_line, "price_unit": 10.5}])  # 5 %, 5.00
        price = self.findings(inside, "price")
        self.assertEqual(len(price), 1)
        self.assertTrue(price.within_tolerance)
        self.assertAlmostEqual(price.expected, 10.0)
        self.assertAlmostEqual(price.actual, 10.5)
        self.assertAlmostEqual(price.impact, 5.0)
        self.assertEqual(inside.clerk_match_status, "within")
        outside = self.make_bill([{"pol": order.order_line, "price_unit": 10.51}])  # 5.1 %, 5.10
        self.assertFalse(self.findings(outside, "price").within_tolerance)
        self.assertEqual(outside.clerk_match_status, "exception")
        # beyond the percentage only (1 unit): within under "both"
        one = self.make_bill([{"pol": order.order_line, "price_unit": 10.9, "quantity": 1}])
        self.assertTrue(self.findings(one, "price").within_tolerance)

    def test_price_either_mode(self):
        self.tolerance(price_pct=5.0, price_amount=5.0, price_mode="either")
        order = self.make_po([(self.paper, 100, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 10.06}])  # 0.6 % but 6.00 on the line
        self.assertFalse(self.findings(bill, "price").within_tolerance)
        bill.write({"invoice_line_ids": [Command.update(bill.invoice_line_ids.id, {"price_unit": 10.05})]})
        self.assertTrue(self.findings(bill, "price").within_tolerance)

    def test_price_favourable_is_within(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 9.0}])
        price = self.findings(bill, "price")
        self.assertTrue(price.within_tolerance)
        self.assertAlmostEqual(price.impact, -10.0)
        self.assertEqual(bill.clerk_match_status, "within")

    def test_quantity_three_way_inside_outside(self):
        self.tolerance(qty_pct=10.0, qty_amount=20.0, qty_mode="both")
        order = self.make_po([(self.paper, 20, 10.0, 0.0)], received=False)
        self.receive(order.order_line, [10])
        inside = self.make_bill([{"pol": order.order_line, "quantity": 11}])  # 10 %, 10.00
        self.assertTrue(self.findings(inside, "quantity").within_tolerance)
        outside = self.make_bill([{"pol": order.order_line, "quantity": 13}])  # 30 %, 30.00
        quantity = self.findings(outside, "quantity")
        self.assertFalse(quantity.within_tolerance)
        self.assertAlmostEqual(quantity.expected, 10.0)
        self.assertAlmostEqual(quantity.actual, 13.0)
        self.assertAlmostEqual(quantity.difference, 3.0)
        self.assertAlmostEqual(quantity.impact, 30.0)
        # the total is off as well (3 units billed without receipt), but the quantity exception explains it
        total = self.findings(outside, "total")
        self.assertAlmostEqual(total.difference, 30.0)
        self.assertTrue(total.within_tolerance)

    def test_quantity_two_way_against_ordered(self):
        order = self.make_po([(self.ink, 5, 50.0, 0.0)], received=False)  # ink: bill ordered quantities
        bill = self.make_bill([{"pol": order.order_line}])
        self.assertEqual(bill.clerk_match_status, "matched")
        over = self.make_bill([{"pol": order.order_line, "quantity": 6}])
        self.assertEqual(len(self.findings(over, "quantity")), 1)
        # a tolerance forcing 3-way matches ink against what was received (nothing)
        self.tolerance(match_basis="received")
        bill.action_clerk_match_check()
        self.assertFalse(self.findings(bill, "quantity").within_tolerance)

    def test_partial_billing_across_bills(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        first = self.make_bill([{"pol": order.order_line, "quantity": 6}], ref="P-1", post=True)
        self.assertEqual(first.state, "posted")
        second = self.make_bill([{"pol": order.order_line, "quantity": 4}], ref="P-2")
        self.assertEqual(second.clerk_match_status, "matched")
        second.action_post()
        third = self.make_bill([{"pol": order.order_line, "quantity": 1}], ref="P-3")
        quantity = self.findings(third, "quantity")
        self.assertAlmostEqual(quantity.expected, 0.0)
        self.assertAlmostEqual(quantity.difference, 1.0)
        self.assertFalse(quantity.within_tolerance)
        # a posted refund of 2 units makes room again
        self.make_bill([{"pol": order.order_line, "quantity": 2}], move_type="in_refund", ref="R-1", post=True)
        third.action_clerk_match_check()
        self.assertFalse(self.findings(third, "quantity"))
        self.assertEqual(third.clerk_match_status, "matched")

    def test_discount_points(self):
        self.tolerance(discount_points=2.0)
        order = self.make_po([(self.paper, 10, 100.0, 10.0)])
        inside = self.make_bill([{"pol": order.order_line, "discount": 8.0}])
        discount = self.findings(inside, "discount")
        self.assertTrue(discount.within_tolerance)
        self.assertAlmostEqual(discount.impact, 20.0)
        outside = self.make_bill([{"pol": order.order_line, "discount": 7.9}])
        self.assertFalse(self.findings(outside, "discount").within_tolerance)

    def test_taxes_differ(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "tax_ids": [Command.set(self.tax_other.ids)]}])
        tax = self.findings(bill, "tax")
        self.assertFalse(tax.within_tolerance)
        self.assertIn(self.tax_15.name, tax.expected_text)
        self.assertIn("21%", tax.actual_text)
        self.assertAlmostEqual(tax.impact, 100.0 * (21.0 - self.tax_15.amount) / 100.0)

    def test_lines_without_po_product_and_vendor(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        loose = {"name": "Delivery", "quantity": 1, "price_unit": 15.0, "tax_ids": [Command.clear()]}
        allowed = self.make_bill([{"pol": order.order_line}, loose])
        self.assertFalse(self.findings(allowed, "no_po"))
        self.tolerance(partner_id=self.vendor.id, allow_without_po=False)
        required = self.make_bill([{"pol": order.order_line}, loose])
        no_po = self.findings(required, "no_po")
        self.assertEqual(no_po.move_line_id.name, "Delivery")
        self.assertAlmostEqual(no_po.impact, 15.0)
        other_product = self.make_bill([{"pol": order.order_line, "product_id": self.ink.id}])
        self.assertEqual(self.findings(other_product, "product").expected_text, "Copy paper")
        other_vendor = self.make_bill([{"pol": order.order_line}], partner=self.vendor_2)
        vendor = self.findings(other_vendor, "vendor")
        self.assertEqual(vendor.expected_text, "Northern Paper")
        self.assertEqual(vendor.actual_text, "Ironside Tools")

    def test_bill_total_tolerance(self):
        self.tolerance(price_pct=5.0, price_amount=50.0, total_pct=1.0, total_amount=5.0, total_mode="either")
        order = self.make_po([(self.paper, 10, 10.0, 0.0), (self.ink, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": pol, "price_unit": 10.3} for pol in order.order_line])
        self.assertTrue(all(self.findings(bill, "price").mapped("within_tolerance")))
        total = self.findings(bill, "total")
        self.assertAlmostEqual(total.expected, 200.0)
        self.assertAlmostEqual(total.actual, 206.0)
        self.assertFalse(total.within_tolerance)
        bill.write({"invoice_line_ids": [Command.update(line.id, {"price_unit": 10.02})
                                         for line in bill.invoice_line_ids]})
        self.assertTrue(self.findings(bill, "total").within_tolerance)  # 0.40: within 1 % and 5.00

    def test_uom_conversion(self):
        order = self.make_po([(self.paper, 2, 120.0, 0.0, self.dozen)])  # 2 dozen at 120 a dozen
        self.assertEqual(order.order_line.product_uom_id, self.dozen)
        bill = self.make_bill([{"pol": order.order_line, "quantity": 24, "price_unit": 10.0,
                                "product_uom_id": self.unit.id}])
        self.assertEqual(bill.clerk_match_status, "matched", bill.clerk_discrepancy_ids.mapped("summary"))
        over = self.make_bill([{"pol": order.order_line, "quantity": 25, "price_unit": 10.5,
                                "product_uom_id": self.unit.id}])
        quantity = self.findings(over, "quantity")
        self.assertAlmostEqual(quantity.difference, 1 / 12, places=4)  # in dozens
        price = self.findings(over, "price")
        self.assertAlmostEqual(price.actual, 126.0)  # per dozen
        self.assertAlmostEqual(price.impact, 12.5)  # 0.50 x 25 units

    def test_currency_conversion(self):
        eur = self.setup_other_currency("EUR")  # 1 company currency = 2 EUR
        order = self.make_po([(self.paper, 10, 20.0, 0.0)], currency=eur)  # 20 EUR
        same = self.make_bill([{"pol": order.order_line, "price_unit": 10.0}])  # 10 USD = 20 EUR
        self.assertEqual(same.clerk_match_status, "matched", same.clerk_discrepancy_ids.mapped("summary"))
        in_eur = self.make_bill([{"pol": order.order_line, "price_unit": 22.0}], currency=eur)
        price = self.findings(in_eur, "price")
        self.assertAlmostEqual(price.expected, 20.0)
        self.assertAlmostEqual(price.actual, 22.0)
        self.assertAlmostEqual(price.impact, 10.0)  # 20 EUR = 10 in company currency
        # a tolerance amount in company currency: 10.00 = 20 EUR per line
        self.tolerance(price_pct=5.0, price_amount=10.0, price_mode="either")
        in_eur.action_clerk_match_check()
        self.assertFalse(self.findings(in_eur, "price").within_tolerance)  # 10 % beyond 5 %
        self.env["clerk.match.tolerance"].with_user(self.manager).search([]).price_pct = 10.0
        in_eur.action_clerk_match_check()
        self.assertTrue(self.findings(in_eur, "price").within_tolerance)

    def test_duplicates(self):
        order = self.make_po([(self.paper, 100, 10.0, 0.0)])
        first = self.make_bill([{"pol": order.order_line, "quantity": 5}], ref="INV-7", post=True)
        same_ref = self.make_bill([{"pol": order.order_line, "quantity": 6}], ref="inv 7")
        duplicate = self.findings(same_ref, "duplicate")
        self.assertEqual(duplicate.other_move_id, first)
        self.assertEqual(duplicate.description, "same vendor reference")
        same_amount = self.make_bill([{"pol": order.order_line, "quantity": 5}], ref=False,
                                     invoice_date=self.today + timedelta(days=3))
        self.assertEqual(self.findings(same_amount, "duplicate").other_move_id, first)
        far = self.make_bill([{"pol": order.order_line, "quantity": 5}], ref=False,
                             invoice_date=self.today + timedelta(days=4))
        self.assertFalse(self.findings(far, "duplicate").filtered(lambda d: d.other_move_id == first))
        self.tolerance(duplicate_days=10)
        far.action_clerk_match_check()
        self.assertIn(first, self.findings(far, "duplicate").other_move_id)
        other_vendor = self.make_bill([{"name": "x", "quantity": 1, "price_unit": 50.0}], partner=self.vendor_2,
                                      ref="INV-7")
        self.assertFalse(self.findings(other_vendor, "duplicate"))

    def test_recheck_is_idempotent_and_obsoletes(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0, "quantity": 12}])
        before = bill.clerk_discrepancy_ids
        self.assertEqual(set(before.mapped("kind")), {"price", "quantity", "total"})
        for _attempt in range(2):
            bill.action_clerk_match_check()
            self.assertEqual(bill.clerk_discrepancy_ids, before)
        bill.write({"invoice_line_ids": [Command.update(bill.invoice_line_ids.id, {"price_unit": 10.0,
                                                                                    "quantity": 10})]})
        self.assertEqual(set(bill.clerk_discrepancy_ids.mapped("state")), {"obsolete"})
        self.assertEqual(bill.clerk_match_status, "matched")
        bill.write({"invoice_line_ids": [Command.update(bill.invoice_line_ids.id, {"price_unit": 12.0})]})
        price = self.findings(bill, "price")
        self.assertIn(price, before)  # the same record, open again
        self.assertEqual(price.state, "open")

    def test_refund_checked_for_vendor_and_duplicate_only(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        refund = self.make_bill([{"pol": order.order_line, "price_unit": 3.0, "quantity": 1}],
                                move_type="in_refund")
        self.assertEqual(refund.clerk_match_status, "matched")
        other = self.make_bill([{"pol": order.order_line, "quantity": 1}], move_type="in_refund",
                               partner=self.vendor_2)
        self.assertTrue(self.findings(other, "vendor"))

    def test_batch_server_action_and_query_count(self):
        order = self.make_po([(self.paper, 1000, 1.0, 0.0)])
        small = self.make_bill([{"pol": order.order_line, "quantity": 1, "name": f"l{i}"} for i in range(5)],
                               ref="S")
        big = self.make_bill([{"pol": order.order_line, "quantity": 1, "name": f"l{i}"} for i in range(60)],
                             ref="B")
        action = self.env.ref("invoicing_clerk_tools.action_server_clerk_match_check")
        result = action.with_user(self.clerk).with_context(
            active_model="account.move", active_ids=(small | big).ids).run()
        self.assertEqual(result["params"]["message"], "2 draft bill(s) checked, 0 with exceptions.")
        counts = []
        (small | big)._clerk_match_check()  # warm the caches that do not depend on the bill
        for bill in (big, small, big, small):
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            bill._clerk_match_check()
            bill.env.flush_all()
            counts.append(self.env.cr.sql_log_count - queries)
        # the first rounds fill caches shared by every bill (currencies, companies); then 5 or 60 lines cost the same
        self.assertEqual(counts[2], counts[3], f"the check must not make more queries for more lines: {counts}")
        self.assertLess(max(counts), 40)


@tagged("post_install", "-at_install")
class TestMatchingTolerances(MatchingCommon):
    def test_bad_values_refused(self):
        cases = [
            ({"price_pct": -1.0}, "cannot be negative"),
            ({"qty_amount": -5.0}, "cannot be negative"),
            ({"duplicate_days": -1}, "cannot be negative"),
            ({"qty_pct": 150.0}, "cannot be above 100"),
            ({"discount_points": 101.0}, "cannot be above 100"),
            ({"price_amount": 5.0, "currency_id": False}, "needs a currency"),
        ]
        for values, message in cases:
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                self.tolerance(**values)
            self.assertIn(message, str(caught.exception))
        self.tolerance(price_amount=0.0, currency_id=False)  # no amount, no currency needed
        with self.assertRaises(ValidationError) as caught:
            self.tolerance()
        self.assertIn("already a matching tolerance", str(caught.exception))

    def test_most_specific_wins(self):
        self.tolerance(price_pct=1.0, price_amount=1.0)
        self.tolerance(product_category_id=self.category.id, price_pct=20.0, price_amount=1000.0)
        vendor = self.tolerance(partner_id=self.vendor.id, price_pct=2.0, price_amount=1.0)
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 10.5}])  # 5 %: category yes, vendor no
        self.assertFalse(self.findings(bill, "price").within_tolerance)
        self.tolerance(partner_id=self.vendor.id, product_category_id=self.category.id, price_pct=5.0,
                       price_amount=1000.0)
        bill.action_clerk_match_check()
        self.assertTrue(self.findings(bill, "price").within_tolerance)
        vendor.active = False
        other = self.make_bill([{"pol": order.order_line, "price_unit": 10.5}], partner=self.vendor_2)
        self.assertTrue(self.findings(other, "price").within_tolerance)  # category tolerance, 20 %

    def test_only_manager_configures(self):
        with self.assertRaises(AccessError):
            self.env["clerk.match.tolerance"].with_user(self.approver).create({"company_id": self.company.id})
        tolerance = self.env["clerk.match.tolerance"].with_user(self.manager).create(
            {"company_id": self.company.id, "price_pct": 3.0})
        self.assertEqual(tolerance.with_user(self.clerk).price_pct, 3.0)


@tagged("post_install", "-at_install")
class TestMatchingExceptions(MatchingCommon):
    def _variance_bill(self, **values):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        return self.make_bill([{"pol": order.order_line, "price_unit": 12.0, **values}], user=self.clerk), order

    def test_blocking_mode_every_way_of_posting(self):
        bill, _order = self._variance_bill()
        self.assertEqual(bill.clerk_match_status, "exception")
        self.assertFalse(bill.clerk_ready_to_post)
        self.assertIn("Discrepancy beyond tolerance", bill.clerk_blocking_html)
        with self.assertRaisesRegex(UserError, "Discrepancy beyond tolerance: Unit Price"):
            bill.with_user(self.clerk).action_post()
        with self.assertRaisesRegex(UserError, "not ready to post"):
            self.env["validate.account.move"].with_user(self.clerk).with_context(
                active_model="account.move", active_ids=bill.ids).create({}).validate_move()
        with self.assertRaisesRegex(UserError, "not ready to post"):
            bill.with_user(self.clerk)._post(soft=False)
        self.assertEqual(bill.state, "draft")

    def test_acceptance_right_and_wrong_user(self):
        bill, _order = self._variance_bill()
        exceptions = bill.clerk_discrepancy_ids.filtered("is_exception")
        with self.assertRaises(AccessError):
            exceptions.with_user(self.clerk).action_accept("fine")
        with self.assertRaises(AccessError):
            exceptions.with_user(self.clerk).sudo(False).write({"state": "accepted"})
        with self.assertRaisesRegex(UserError, "needs a reason"):
            exceptions.with_user(self.approver).action_accept("  ")
        self.env["clerk.discrepancy.accept.wizard"].with_user(self.approver).create({
            "discrepancy_ids": [Command.set(exceptions.ids)], "reason": "Price rise agreed"}).action_confirm()
        self.assertEqual(set(exceptions.mapped("state")), {"accepted"})
        self.assertEqual(exceptions.accepted_by_id, self.approver)
        self.assertEqual(bill.clerk_match_status, "within")
        # acceptance survives a re-check while the values stay
        bill.action_clerk_match_check()
        self.assertEqual(set(exceptions.mapped("state")), {"accepted"})
        bill.with_user(self.clerk).action_post()
        self.assertEqual(bill.state, "posted")

    def test_acceptance_falls_when_values_change(self):
        bill, _order = self._variance_bill()
        price = self.findings(bill, "price")
        price.with_user(self.manager).action_accept("ok")
        bill.write({"invoice_line_ids": [Command.update(bill.invoice_line_ids.id, {"price_unit": 13.0})]})
        self.assertEqual(price.state, "open")
        self.assertFalse(price.accepted_by_id)
        self.assertAlmostEqual(price.actual, 13.0)

    def test_approval_mode_routes_to_approvers(self):
        self.company.clerk_match_policy = "approval"
        bill, _order = self._variance_bill()
        # no rule for bills with open discrepancies: exceptions still block, with a hint
        with self.assertRaisesRegex(UserError, "Discrepancy beyond tolerance"):
            bill.with_user(self.clerk).action_post()
        self.env["clerk.approval.rule"].with_user(self.manager).create({
            "name": "Bill variances", "company_id": self.company.id, "apply_in_invoice": True,
            "clerk_open_discrepancies": True, "approver_user_ids": [Command.set(self.approver.ids)]})
        matched_order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        clean = self.make_bill([{"pol": matched_order.order_line}], ref="CLEAN", user=self.clerk)
        self.assertFalse(clean.clerk_approval_rule_ids)  # no variance: no approval needed
        clean.with_user(self.clerk).action_post()
        self.assertEqual(clean.state, "posted")
        self.assertEqual(bill.clerk_approval_rule_ids.name, "Bill variances")
        bill.with_user(self.clerk).action_post()  # sends for approval instead of posting
        self.assertEqual(bill.clerk_approval_state, "pending")
        self.assertEqual(bill.state, "draft")
        bill.with_user(self.approver).clerk_approve("Variance agreed")
        bill.with_user(self.clerk).action_post()
        self.assertEqual(bill.state, "posted")
        accepted = bill.clerk_discrepancy_ids.filtered(lambda d: not d.within_tolerance)
        self.assertEqual(set(accepted.mapped("state")), {"accepted"})
        self.assertEqual(accepted.accepted_by_id, self.approver)
        self.assertIn("Variance agreed", accepted[0].accept_reason)


@tagged("post_install", "-at_install")
class TestMatchingResolution(MatchingCommon):
    def _posted_variance_bill(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0}], ref="V-100")
        bill.clerk_discrepancy_ids.filtered("is_exception").with_user(self.approver).action_accept("pay now")
        bill.action_post()
        return bill, order

    def test_ask_vendor_for_credit_note(self):
        bill, _order = self._posted_variance_bill()
        price = self.findings(bill, "price")
        wizard = self.env["clerk.discrepancy.resolve.wizard"].with_user(self.clerk).with_context(
            default_move_id=bill.id, default_discrepancy_ids=price.ids).create({"how": "ask_vendor"})
        wizard.action_confirm()
        self.assertEqual(price.state, "waiting")
        message = bill.message_ids.filtered(lambda m: "Credit note requested" in (m.subject or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("Unit Price", str(message.body))
        self.assertIn(self.vendor, message.partner_ids)
        self.assertTrue(message.attachment_ids, "the bill is attached")
        # the vendor's refund for that bill arrives and is posted
        refund = self.make_bill([{"name": "Price difference", "quantity": 1, "price_unit": 20.0,
                                  "tax_ids": [Command.clear()]}], move_type="in_refund", ref="CN-1")
        refund.reversed_entry_id = bill
        refund.action_post()
        self.assertEqual(price.state, "resolved")
        self.assertEqual(price.resolution_move_id, refund)

    def test_record_vendor_refund(self):
        bill, order = self._posted_variance_bill()
        price = self.findings(bill, "price")
        wizard = self.env["clerk.discrepancy.resolve.wizard"].with_user(self.clerk).create({"move_id": bill.id})
        self.assertEqual(wizard.how, "refund")
        self.assertEqual(wizard.discrepancy_ids, self.env["clerk.discrepancy"])  # accepted: not exceptions
        wizard.discrepancy_ids = price
        action = wizard.action_confirm()
        refund = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(refund.move_type, "in_refund")
        self.assertEqual(refund.reversed_entry_id, bill)
        self.assertAlmostEqual(refund.amount_untaxed, 20.0)
        self.assertEqual(price.state, "waiting")
        refund.action_post()
        self.assertEqual(price.state, "resolved")
        self.assertEqual(price.resolution, "vendor_refund")
        self.assertEqual(order.order_line.qty_invoiced, 10.0)  # a price refund does not unbill quantities

    def test_refund_for_quantity_unbills(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "quantity": 12}], ref="Q-1")
        bill.clerk_discrepancy_ids.filtered("is_exception").with_user(self.approver).action_accept("later")
        bill.action_post()
        quantity = self.findings(bill, "quantity")
        refund = quantity.with_user(self.clerk).action_record_vendor_refund()
        self.assertEqual(refund.invoice_line_ids.purchase_line_id, order.order_line)
        self.assertAlmostEqual(refund.invoice_line_ids.quantity, 2.0)
        refund.action_post()
        self.assertEqual(quantity.state, "resolved")
        self.assertEqual(order.order_line.qty_invoiced, 10.0)

    def test_correct_draft_bill(self):
        self.tolerance(discount_points=0.0)
        order = self.make_po([(self.paper, 10, 10.0, 5.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 11.0, "discount": 0.0, "quantity": 11,
                                "tax_ids": [Command.set(self.tax_other.ids)]}], user=self.clerk)
        kinds = set(bill.clerk_discrepancy_ids.filtered("is_exception").mapped("kind"))
        self.assertEqual(kinds, {"price", "discount", "quantity", "tax"})  # the total only repeats them
        self.assertTrue(self.findings(bill, "total").within_tolerance)
        with self.assertRaisesRegex(UserError, "cannot be corrected"):
            self.findings(bill).with_user(self.clerk).action_correct_bill()
        wizard = self.env["clerk.discrepancy.resolve.wizard"].with_user(self.clerk).create({"move_id": bill.id})
        self.assertEqual(wizard.how, "correct")
        wizard.discrepancy_ids = wizard.discrepancy_ids.filtered(lambda d: d.kind != "total")
        wizard.action_confirm()
        line = bill.invoice_line_ids
        self.assertEqual((line.price_unit, line.discount, line.quantity), (10.0, 5.0, 10.0))
        self.assertEqual(line.tax_ids, self.tax_15)
        corrected = bill.clerk_discrepancy_ids.filtered(lambda d: d.kind != "total")
        self.assertEqual(set(corrected.mapped("state")), {"resolved"})
        self.assertEqual(corrected.resolution_move_id, bill)
        self.assertEqual(self.findings(bill, "total", states=("obsolete",)).state, "obsolete")
        self.assertEqual(bill.clerk_match_status, "within")
        bill.with_user(self.clerk).action_post()
        self.assertEqual(bill.state, "posted")

    def test_customer_credit_and_debit_notes(self):
        invoice = self.make_invoice(amount=100.0, quantity=10.0, post=True)
        line = invoice.invoice_line_ids
        wizard = self.env["clerk.invoice.correction.wizard"].with_user(self.clerk).create(
            {"move_id": invoice.id, "reason_code": "price", "note": "quoted 90"})
        wizard.line_ids.new_price_unit = 90.0
        self.assertEqual(wizard.note_kind, "credit")
        self.assertAlmostEqual(wizard.difference, -100.0)
        action = wizard.action_confirm()
        credit = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.reversed_entry_id, invoice)
        self.assertAlmostEqual(credit.amount_untaxed, 100.0)
        error = invoice.clerk_discrepancy_ids
        self.assertEqual((error.kind, error.reason_code, error.state), ("invoice_error", "price", "waiting"))
        self.assertEqual(error.resolution_move_id, credit)
        credit.action_post()
        self.assertEqual(error.state, "resolved")

        wizard = self.env["clerk.invoice.correction.wizard"].with_user(self.clerk).create(
            {"move_id": invoice.id, "reason_code": "quantity"})
        wizard.line_ids.new_quantity = 12.0
        self.assertEqual(wizard.note_kind, "debit")
        debit = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(debit.debit_origin_id, invoice)
        self.assertEqual(debit.invoice_line_ids.quantity, 2.0)
        self.assertAlmostEqual(debit.invoice_line_ids.price_unit, line.price_unit)
        debit.action_post()
        self.assertEqual(invoice.clerk_discrepancy_ids.filtered(lambda d: d.resolution == "debit_note").state,
                         "resolved")
        wizard = self.env["clerk.invoice.correction.wizard"].with_user(self.clerk).create(
            {"move_id": invoice.id, "reason_code": "other"})
        with self.assertRaisesRegex(UserError, "Nothing changes"):
            wizard.action_confirm()


@tagged("post_install", "-at_install")
class TestMatchingCompaniesAndReport(MatchingCommon):
    def test_multi_company(self):
        other = self.setup_other_company(name="Second Co")["company"]
        other.clerk_match_policy = "block"
        self.env["clerk.match.tolerance"].sudo().create({"company_id": other.id, "price_pct": 50.0,
                                                  "price_amount": 1000.0})
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0}])
        self.assertFalse(self.findings(bill, "price").within_tolerance)  # the other company's tolerance is not used
        other_order = self.make_po([(self.paper, 10, 10.0, 0.0)], company=other)
        other_bill = self.make_bill([{"pol": other_order.order_line, "price_unit": 12.0}], company=other)
        self.assertTrue(self.findings(other_bill, "price").within_tolerance)
        self.assertEqual(other_bill.clerk_discrepancy_ids.company_id, other)
        Discrepancy = self.env["clerk.discrepancy"].with_user(self.approver)
        self.assertFalse(Discrepancy.search([("move_id", "=", other_bill.id)]))
        self.assertEqual(Discrepancy.search([("move_id", "=", bill.id)]), bill.clerk_discrepancy_ids)

    def test_xlsx_report(self):
        from io import BytesIO

        import openpyxl

        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0}])
        self.findings(bill, "price").with_user(self.approver).action_accept("agreed")
        buffer = BytesIO()
        counts = self.env["clerk.discrepancy.report"].with_user(self.clerk).export_xlsx(
            buffer, self.today, self.today, [self.vendor.id])
        self.assertEqual(counts, {"Discrepancies": 2})
        sheet = openpyxl.load_workbook(BytesIO(buffer.getvalue())).active
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        price_row = next(row for row in rows if row[6] == "Unit Price")
        self.assertEqual(price_row[1], "Northern Paper")
        self.assertEqual(price_row[15], "Accepted")
        self.assertEqual(price_row[16], self.approver.name)
        self.assertEqual(price_row[13], 20.0)
        self.assertEqual(self.env["clerk.discrepancy.report"].with_user(self.clerk).export_xlsx(
            BytesIO(), self.today, self.today, [self.vendor_2.id]), {"Discrepancies": 0})

    def test_workspace_queue(self):
        order = self.make_po([(self.paper, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 12.0}])
        queue = self.env.ref("invoicing_clerk_tools.queue_bill_exceptions")
        queue = queue.with_user(self.clerk)
        self.assertIn(bill, self.env["account.move"].with_user(self.clerk).search(queue._get_domain()))
        self.assertEqual(queue.record_count, 1)


@tagged("post_install", "-at_install")
class TestBillCheckTab(MatchingCommon):
    """The Bill Check tab and the Discrepancies report as people read them (issue 13, item 4)."""

    def test_values_in_unit_currency_and_percent(self):
        order = self.make_po([(self.paper, 2, 120.0, 5.0, self.dozen)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 130.0, "discount": 0.0, "quantity": 3}],
                              user=self.clerk)
        money = self.company.currency_id.format
        quantity = self.findings(bill, "quantity")
        self.assertEqual((quantity.expected_display, quantity.actual_display),
                         (f"2 {self.dozen.name}", f"3 {self.dozen.name}"))
        price = self.findings(bill, "price")
        self.assertEqual((price.expected_display, price.actual_display), (money(120.0), money(130.0)))
        discount = self.findings(bill, "discount")
        self.assertEqual((discount.expected_display, discount.actual_display), ("5 %", "0 %"))
        self.assertIn("expected 5 %, billed 0 %", discount.summary)  # no "5.0000" in the gate's reasons either
        total = self.findings(bill, "total")
        self.assertEqual(total.expected_display, money(total.expected))
        # texts stay texts; no empty "(Text)" column is needed for them
        other = self.make_bill([{"pol": order.order_line}], partner=self.vendor_2)
        vendor = self.findings(other, "vendor")
        self.assertEqual((vendor.expected_display, vendor.actual_display), ("Northern Paper", "Ironside Tools"))

    def test_status_agrees_with_the_tolerance(self):
        self.tolerance(price_pct=5.0, price_amount=50.0, total_pct=1.0, total_amount=5.0, total_mode="either")
        order = self.make_po([(self.paper, 10, 10.0, 0.0), (self.ink, 10, 10.0, 0.0)])
        bill = self.make_bill([{"pol": pol, "price_unit": 10.3} for pol in order.order_line])
        total = self.findings(bill, "total")
        self.assertEqual((total.state, total.status), ("open", "exception"))
        bill.write({"invoice_line_ids": [Command.update(line.id, {"price_unit": 10.02})
                                         for line in bill.invoice_line_ids]})
        total = self.findings(bill, "total")
        self.assertTrue(total.within_tolerance)
        self.assertEqual(total.status, "within")  # within tolerance is not shown as "Open"
        self.assertEqual(dict(total._fields["status"]._description_selection(self.env))["within"],
                         "Within Tolerance")
        self.assertEqual(set(bill.clerk_discrepancy_ids.filtered(lambda d: d.state == "open").mapped("status")),
                         {"within"})
        self.assertEqual(bill.clerk_match_status, "within")

    def test_tab_is_narrow_with_its_actions(self):
        arch = self.env["account.move"].with_user(self.approver).get_views([(False, "form")])["views"]["form"]["arch"]
        tab = etree.fromstring(arch).xpath("//field[@name='clerk_discrepancy_ids']/list")[0]
        shown = [node.get("name") for node in tab.xpath("./field[not(@column_invisible)][not(@optional='hide')]")]
        self.assertEqual(shown, ["kind", "description", "expected_display", "actual_display", "impact", "status"])
        self.assertEqual([button.get("name") for button in tab.xpath("./button")],
                         ["action_open_accept_wizard", "action_open_resolve_wizard"])
        self.assertEqual(tab.xpath("./button[@name='action_open_accept_wizard']")[0].get("invisible"),
                         "status != 'exception'")

    def test_report_grouped_by_vendor_sums_only_the_impact(self):
        order = self.make_po([(self.paper, 10, 100.0, 10.0)])
        self.make_bill([{"pol": order.order_line, "price_unit": 110.0, "discount": 5.0, "quantity": 12}])
        other = self.make_po([(self.ink, 2, 50.0, 0.0)], partner=self.vendor_2)
        self.make_bill([{"pol": other.order_line, "price_unit": 60.0}], partner=self.vendor_2)
        Discrepancy = self.env["clerk.discrepancy"].with_user(self.clerk)
        info = Discrepancy.fields_get(["expected", "actual", "difference", "excess_amount", "correct_value",
                                       "impact"], ["aggregator"])
        for name in ("expected", "actual", "difference", "excess_amount", "correct_value"):
            self.assertFalse(info[name].get("aggregator"), f"{name} mixes quantities, prices and points")
        self.assertEqual(info["impact"]["aggregator"], "sum")
        domain = [("partner_id", "in", (self.vendor | self.vendor_2).ids)]
        groups = dict(Discrepancy._read_group(domain, ["partner_id"], ["impact:sum"]))
        for vendor in (self.vendor, self.vendor_2):
            found = Discrepancy.search([("partner_id", "=", vendor.id)])
            self.assertGreater(len(set(found.mapped("kind"))), 1 if vendor == self.vendor else 0)
            self.assertAlmostEqual(groups[vendor], sum(found.mapped("impact")))
        arch = Discrepancy.get_views([(False, "list")])["views"]["list"]["arch"]
        summed = etree.fromstring(arch).xpath("//field[@sum]")
        self.assertEqual([node.get("name") for node in summed], ["impact"])
        columns = {node.get("name") for node in etree.fromstring(arch).xpath("//field")}
        self.assertFalse(columns & {"expected", "actual", "difference", "expected_text", "actual_text"})

    def test_panel_line_for_the_exceptions(self):
        order = self.make_po([(self.paper, 10, 100.0, 10.0)])
        bill = self.make_bill([{"pol": order.order_line, "price_unit": 110.0, "discount": 5.0}], user=self.clerk)
        exceptions = bill.clerk_discrepancy_ids.filtered("is_exception")
        self.assertGreater(len(exceptions), 1)
        lines = bill.with_user(self.clerk).clerk_panel["lines"]
        # one line for the bill check: one message per exception, who clears them and the button to the tab
        self.assertEqual(len(lines), 1)
        self.assertEqual(len(lines[0]["messages"]), len(exceptions))
        self.assertTrue(all(m.startswith("Discrepancy beyond tolerance") for m in lines[0]["messages"]))
        self.assertTrue(lines[0]["blocks"])
        self.assertIn("Billing Approver", lines[0]["who"])
        self.assertEqual(lines[0]["buttons"], [{"kind": "tab", "target": "clerk_bill_check",
                                                "label": "Open Bill Check"}])
        # reported only: a warning, not a blocking item
        self.company.clerk_match_policy = "report"
        bill.invalidate_recordset(["clerk_panel", "clerk_ready_to_post"])
        self.assertTrue(bill.clerk_ready_to_post)
        lines = bill.with_user(self.clerk).clerk_panel["lines"]
        self.assertEqual([line["messages"] for line in lines], [[
            f"Bill check: {len(exceptions)} exceptions beyond tolerance (reported only: posting is not blocked)."]])
        self.assertFalse(lines[0]["blocks"])

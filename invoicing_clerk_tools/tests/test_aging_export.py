import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import HttpCase

from .common import ClerkCommon

AS_OF = date(2026, 6, 30)


def read_sheet(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "Company")
    header = rows[header_index]
    return [dict(zip(header, row, strict=True)) for row in rows[header_index + 1:]]


class TestAgingExport(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = {}
        for days, amount in ((-5, 100.0), (0, 110.0), (1, 200.0), (30, 300.0), (31, 400.0), (60, 500.0),
                             (61, 600.0), (90, 700.0), (91, 800.0), (400, 900.0)):
            due = date.fromordinal(AS_OF.toordinal() - days)
            cls.invoices[days] = cls.make_invoice(amount=amount, invoice_date=date(2025, 1, 1), due_date=due,
                                                  post=True)
        cls.paid = cls.make_invoice(amount=50.0, invoice_date=date(2025, 1, 1), post=True)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.paid.ids).create({})._create_payments()
        cls.refund = cls.make_invoice(move_type="out_refund", amount=40.0, invoice_date=date(2025, 1, 1),
                                      due_date=date(2026, 6, 20), post=True)
        cls.draft = cls.make_invoice(amount=999.0)

    def export(self, user=None):
        buffer = io.BytesIO()
        report = self.env["clerk.aging.report"].with_user(user or self.clerk)
        count = report.export_xlsx(buffer, AS_OF)
        return count, read_sheet(buffer.getvalue())

    def test_buckets_and_boundaries(self):
        count, rows = self.export()
        self.assertEqual(count, len(rows))
        by_number = {row["Number"]: row for row in rows}
        expected = {-5: "Current", 0: "Current", 1: "1-30", 30: "1-30", 31: "31-60", 60: "31-60",
                    61: "61-90", 90: "61-90", 91: "90+", 400: "90+"}
        for days, bucket in expected.items():
            row = by_number[self.invoices[days].name]
            self.assertEqual(row["Days Overdue"], max(days, 0))
            self.assertAlmostEqual(row[bucket], self.invoices[days].amount_total)
            others = [title for title in ("Current", "1-30", "31-60", "61-90", "90+") if title != bucket]
            self.assertTrue(all(row[title] is None for title in others), row)
        refund_row = by_number[self.refund.name]
        self.assertAlmostEqual(refund_row["Due (Company Currency)"], -40.0)
        self.assertAlmostEqual(refund_row["1-30"], -40.0)
        self.assertNotIn(self.paid.name, by_number)
        self.assertNotIn(self.draft.name, by_number)
        self.assertEqual(rows[0]["Customer"], self.partner_a.display_name)

    def test_other_company_invoices_are_not_exported(self):
        other = self.setup_other_company(name="Other Co")["company"]
        foreign = self.make_invoice(amount=123.0, company=other, post=True)
        _count, rows = self.export()
        self.assertNotIn(foreign.name, {row["Number"] for row in rows} - {self.invoices[0].name})
        self.assertNotIn("Other Co", {row["Company"] for row in rows})

    def test_export_needs_invoice_read_access(self):
        with self.assertRaises(AccessError):
            self.export(user=self.outsider)

    def test_queries_do_not_grow_with_rows(self):
        report = self.env["clerk.aging.report"].with_user(self.clerk)
        report.export_xlsx(io.BytesIO(), AS_OF)  # warm caches (ir.rule, fields)
        self.env.invalidate_all()
        with self.assertQueryCount(8):
            report.export_xlsx(io.BytesIO(), AS_OF)


class TestAgingRoute(HttpCase, ClerkCommon):
    def test_route_checks_access(self):
        self.make_invoice(amount=321.0, due_date=date(2026, 1, 1), invoice_date=date(2025, 12, 1), post=True)
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(f"/invoicing_clerk_tools/aging.xlsx?as_of=2026-06-30&company_ids={self.company.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertTrue(any(row["Due (Company Currency)"] == 321.0 for row in read_sheet(response.content)))

        other = self.setup_other_company(name="Elsewhere")["company"]
        response = self.url_open(f"/invoicing_clerk_tools/aging.xlsx?company_ids={other.id}")
        self.assertEqual(response.status_code, 403)
        response = self.url_open("/invoicing_clerk_tools/aging.xlsx?as_of=yesterday")
        self.assertEqual(response.status_code, 400)

        self.authenticate(self.outsider.login, self.outsider.login)
        response = self.url_open("/invoicing_clerk_tools/aging.xlsx")
        self.assertEqual(response.status_code, 403)

    def test_every_export_route_checks_access_and_input(self):
        other = self.setup_other_company(name="Elsewhere Too")["company"]
        routes = ("aging.xlsx", "approval_history.xlsx", "discrepancies.xlsx", "reminder_log.xlsx",
                  "overdue_worklist.xlsx")
        self.authenticate(self.clerk.login, self.clerk.login)
        for route in routes:
            url = f"/invoicing_clerk_tools/{route}"
            ok = self.url_open(f"{url}?company_ids={self.company.id}")
            self.assertEqual(ok.status_code, 200, route)
            self.assertEqual(ok.content[:2], b"PK", route)
            self.assertEqual(self.url_open(f"{url}?company_ids={other.id}").status_code, 403, route)
            self.assertEqual(self.url_open(f"{url}?company_ids=one,two").status_code, 400, route)
        for route in ("approval_history.xlsx", "discrepancies.xlsx", "reminder_log.xlsx"):
            response = self.url_open(f"/invoicing_clerk_tools/{route}?date_from=2026-02-01&date_to=2026-01-01")
            self.assertEqual(response.status_code, 400, route)
        self.authenticate(self.outsider.login, self.outsider.login)
        for route in routes:
            self.assertEqual(self.url_open(f"/invoicing_clerk_tools/{route}").status_code, 403, route)

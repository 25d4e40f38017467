from odoo.tests import HttpCase

from .common import ClerkCommon
from .test_aging_export import read_sheet


class TestClerkUi(HttpCase, ClerkCommon):
    def test_clerk_workspace_tour_and_aging_download(self):
        invoice = self.make_invoice(amount=77.0, due_date="2020-01-31", invoice_date="2020-01-01", post=True)
        self.start_tour("/odoo/action-invoicing_clerk_tools.clerk_workspace_action",
                        "invoicing_clerk_tools_workspace", login=self.clerk.login)
        # The tour ends on the export dialog; the download itself is checked here, in the clerk's session.
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(f"/invoicing_clerk_tools/aging.xlsx?company_ids={self.company.id}")
        self.assertEqual(response.status_code, 200)
        rows = read_sheet(response.content)
        self.assertIn(invoice.name, {row["Number"] for row in rows})

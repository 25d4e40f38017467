from odoo import Command
from odoo.tests import HttpCase

from .common import ClerkCommon


class TestDocumentsUi(HttpCase, ClerkCommon):
    def test_clerk_uploads_delivery_note_from_documents_tab(self):
        delivery = self.env.ref("invoicing_clerk_tools.document_category_delivery_note")
        self.env["clerk.document.rule"].sudo().create({
            "name": "Bills need a delivery note", "company_id": self.company.id, "apply_in_invoice": True,
            "category_ids": [Command.set(delivery.ids)], "mode": "block",
        })
        bill = self.make_invoice(move_type="in_invoice", amount=800.0, user=self.clerk)
        self.assertFalse(bill.clerk_document_complete)
        self.start_tour(f"/odoo/account.move/{bill.id}", "invoicing_clerk_tools_documents_upload",
                        login=self.clerk.login)
        bill.invalidate_recordset()
        self.assertTrue(bill.clerk_document_complete)
        document = bill.clerk_document_ids
        self.assertEqual(document.clerk_category_id, delivery)
        self.assertEqual(document.name, "delivery-note-4711.pdf")
        self.assertEqual(document.create_uid, self.clerk)

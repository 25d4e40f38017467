"""Supporting documents (issue 6): categories, rules, checks, requests, retention, versions, access, audit pack."""

import base64
import csv
import hashlib
import io
import os
import zipfile
from email.message import EmailMessage

import openpyxl
from lxml import etree
from PIL import Image

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase
from odoo.tools import mute_logger

from .common import ClerkCommon

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


class DocumentCommon(ClerkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids = [Command.link(cls.env.ref("invoicing_clerk_tools.group_manager").id)]
        # These bills have no purchase order and repeat amounts: the bill check (its own tests) stays out of the way.
        cls.company.clerk_match_policy = "none"
        # Retention is opt-in (issue 10): these tests keep the printed invoice and the shipped categories.
        cls.company.clerk_keep_invoice_pdf = True
        cls.env["clerk.document.category"].search([]).write({"keep_after_posting": True})
        cls.Category = cls.env["clerk.document.category"]
        cls.Rule = cls.env["clerk.document.rule"]
        cls.Attachment = cls.env["ir.attachment"]
        cls.cat_po = cls.env.ref("invoicing_clerk_tools.document_category_purchase_order")
        cls.cat_delivery = cls.env.ref("invoicing_clerk_tools.document_category_delivery_note")
        cls.cat_contract = cls.env.ref("invoicing_clerk_tools.document_category_contract")
        cls.cat_other = cls.env.ref("invoicing_clerk_tools.document_category_other")

    @classmethod
    def make_doc_rule(cls, **values):
        vals = {
            "name": "Bills need PO and delivery note",
            "company_id": cls.company.id,
            "apply_in_invoice": True,
            "category_ids": [Command.set((cls.cat_po | cls.cat_delivery).ids)],
            "mode": "block",
        }
        vals.update(values)
        return cls.env["clerk.document.rule"].create(vals)

    def bill(self, amount=2000.0, user=None, **values):
        return self.make_invoice(move_type="in_invoice", amount=amount, user=user or self.clerk, **values)

    def upload(self, move, category, content=PDF, name="document.pdf", user=None, replace=None):
        wizard = self.env["clerk.document.upload.wizard"].with_user(user or self.clerk).create({
            "move_id": move.id, "category_id": category.id, "file": base64.b64encode(content),
            "file_name": name, "replace_id": replace.id if replace else False,
        })
        wizard.action_upload()
        return move.clerk_document_ids.sorted("id")[-1:]

    def docs(self, move):
        return self.Attachment.sudo().search([("res_model", "=", "account.move"), ("res_id", "=", move.id)])


class TestDocumentConfiguration(DocumentCommon):
    def test_shipped_categories(self):
        codes = set(self.Category.search([]).mapped("code"))
        self.assertLessEqual({"purchase_order", "delivery_note", "contract", "timesheet", "vendor_invoice",
                              "payment_receipt", "correspondence", "other"}, codes)
        self.cat_delivery.with_user(self.manager).write({"max_size_mb": 5.0})
        self.assertEqual(self.cat_delivery.max_size_mb, 5.0)

    def test_bad_configuration_is_refused_naming_the_field(self):
        with self.assertRaisesRegex(ValidationError, "Allowed File Types.*application/pfd"):
            self.Category.create({"name": "Bad", "allowed_mime_types": "application/pdf, application/pfd"})
        with self.assertRaisesRegex(ValidationError, "Allowed File Types.*not-a-type"):
            self.Category.create({"name": "Bad", "allowed_mime_types": "not-a-type"})
        with self.assertRaisesRegex(ValidationError, "Maximum Size"):
            self.Category.create({"name": "Bad", "max_size_mb": -1})
        self.assertTrue(self.Category.create({"name": "Images", "allowed_mime_types": "image/*\napplication/pdf"}))
        with self.assertRaisesRegex(ValidationError, "Required Documents is empty"):
            self.make_doc_rule(category_ids=[Command.clear()])
        with self.assertRaisesRegex(ValidationError, "From Total cannot be negative"):
            self.make_doc_rule(amount_min=-5.0)
        with self.assertRaisesRegex(ValidationError, "tick at least one"):
            self.make_doc_rule(apply_in_invoice=False)
        with self.assertRaisesRegex(ValidationError, "choose the Approval Rule"):
            self.make_doc_rule(mode="approval")
        plain_level = self.env["clerk.approval.rule"].create({
            "name": "Plain rule", "company_id": self.company.id, "apply_in_invoice": True,
            "approver_user_ids": [Command.set(self.approver.ids)]})
        with self.assertRaisesRegex(ValidationError, "Only When Documents Are Missing"):
            self.make_doc_rule(mode="approval", approval_rule_id=plain_level.id)
        plain_level.clerk_missing_documents_only = True
        with self.assertRaisesRegex(ValidationError, "does not apply to Customer Invoice"):
            self.make_doc_rule(mode="approval", approval_rule_id=plain_level.id, apply_out_invoice=True)
        rule = self.make_doc_rule(mode="approval", approval_rule_id=plain_level.id)
        with self.assertRaisesRegex(ValidationError, "keep 'Only When Documents Are Missing'"):
            plain_level.clerk_missing_documents_only = False
        self.assertEqual(rule.approval_rule_id, plain_level)

    def test_only_managers_configure(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.clerk).create({
                "name": "Mine", "apply_in_invoice": True, "category_ids": [Command.set(self.cat_po.ids)]})
        with self.assertRaises(AccessError):
            self.cat_po.with_user(self.approver).write({"max_size_mb": 100})
        self.assertTrue(self.Rule.with_user(self.manager).create({
            "name": "Managers may", "apply_in_invoice": True, "category_ids": [Command.set(self.cat_po.ids)]}))


class TestDocumentsOnMoves(DocumentCommon):
    # ------------------------------------------------------------------ entry paths
    def test_upload_into_category_from_documents_tab(self):
        self.make_doc_rule()
        move = self.bill()
        self.assertEqual(move.clerk_document_missing_ids, self.cat_po | self.cat_delivery)
        self.assertEqual(move.clerk_document_completeness, 0.0)
        doc = self.upload(move, self.cat_delivery, name="dn-4711.pdf")
        self.assertEqual(doc.clerk_category_id, self.cat_delivery)
        self.assertEqual(doc.create_uid, self.clerk)
        self.assertEqual(move.clerk_document_missing_ids, self.cat_po)
        self.assertEqual(move.clerk_document_completeness, 50.0)
        self.assertIn("1 of 2", move.clerk_document_status)
        self.assertIn("fa-check", move.clerk_document_checklist)
        self.assertIn("(missing)", move.clerk_document_checklist)
        self.upload(move, self.cat_po, name="po.pdf")
        move.invalidate_recordset()
        self.assertTrue(move.clerk_document_complete)
        self.assertEqual(move.clerk_document_completeness, 100.0)
        self.assertIn(doc.name, move.message_ids[:2].mapped("attachment_ids.name"))

    def test_chatter_attachment_is_categorised_by_keyword_or_by_hand(self):
        move = self.bill()
        self.make_doc_rule(name="Filing by name", apply_in_invoice=False, apply_out_refund=True, mode="warn")
        move.with_user(self.clerk).message_post(body="Here it is", attachments=[
            ("Delivery note 12.pdf", PDF), ("scan.pdf", PDF)])
        docs = self.docs(move)
        by_name = {doc.name: doc for doc in docs}
        self.assertEqual(by_name["Delivery note 12.pdf"].clerk_category_id, self.cat_delivery)
        self.assertFalse(by_name["scan.pdf"].clerk_category_id)
        by_name["scan.pdf"].with_user(self.clerk).write({"clerk_category_id": self.cat_po.id})
        self.assertEqual(by_name["scan.pdf"].clerk_category_id, self.cat_po)
        # Categorising by hand checks the file too: a PDF is not a timesheet spreadsheet? it is accepted;
        # an image is not a contract.
        move.with_user(self.clerk).message_post(body="photo", attachments=[("photo.pdf", png_bytes())])
        photo = self.docs(move).filtered(lambda a: a.name == "photo.pdf")
        with self.assertRaisesRegex(ValidationError, "image/png.*Contract accepts only application/pdf"):
            photo.with_user(self.clerk).write({"clerk_category_id": self.cat_contract.id})
        self.assertFalse(photo.clerk_category_id)
        # The Documents tab's list writes through the move.
        move.with_user(self.clerk).write({"clerk_document_ids": [Command.update(photo.id, {
            "clerk_category_id": self.cat_other.id})]})
        self.assertEqual(photo.clerk_category_id, self.cat_other)

    def test_email_received_on_the_move(self):
        move = self.bill()
        self.make_doc_rule(name="Filing by name", apply_in_invoice=False, apply_out_refund=True, mode="warn")
        message = EmailMessage()
        message["From"] = "vendor@example.com"
        message["To"] = "bills@example.com"
        message["Subject"] = f"Re: {move.name or 'bill'}"
        message["Message-Id"] = "<proof-of-delivery-1@example.com>"
        message.set_content("Please find the proof of delivery attached.")
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="POD 2026-01.pdf")
        self.env["mail.thread"].message_process("account.move", message.as_bytes(), thread_id=move.id)
        doc = self.docs(move).filtered(lambda a: a.name == "POD 2026-01.pdf")
        self.assertEqual(doc.clerk_category_id, self.cat_delivery)
        # A file that does not fit its keyword's category arrives uncategorised rather than being lost.
        message = EmailMessage()
        message["From"] = "vendor@example.com"
        message["Subject"] = "contract"
        message["Message-Id"] = "<contract-1@example.com>"
        message.set_content("Contract scan")
        self.cat_contract.max_size_mb = 0.001  # about 1 KB
        message.add_attachment(PDF + b"0" * 2048, maintype="application", subtype="pdf", filename="contract.pdf")
        self.env["mail.thread"].message_process("account.move", message.as_bytes(), thread_id=move.id)
        photo = self.docs(move).filtered(lambda a: a.name == "contract.pdf")
        self.assertTrue(photo)
        self.assertFalse(photo.clerk_category_id)

    # ------------------------------------------------------------------ upload checks
    def test_rejected_uploads_store_nothing(self):
        move = self.bill()
        before = len(self.docs(move))
        with self.assertRaisesRegex(ValidationError, "image/png.*whatever its name says"):
            self.upload(move, self.cat_contract, content=png_bytes(), name="contract.pdf")
        with self.assertRaisesRegex(ValidationError, "text/plain"):
            self.upload(move, self.cat_contract, content=b"just some text, not a PDF", name="contract.pdf")
        with self.assertRaisesRegex(ValidationError, "empty"):
            self.upload(move, self.cat_contract, content=b"", name="contract.pdf")
        self.cat_contract.max_size_mb = 0.001  # about 1 KB
        with self.assertRaisesRegex(ValidationError, "more than the 1.0 KB allowed"):
            self.upload(move, self.cat_contract, content=PDF + b"0" * 2048, name="big.pdf")
        with self.assertRaisesRegex(ValidationError, "empty"):
            self.Attachment.with_user(self.clerk).create({
                "name": "empty.pdf", "raw": b"", "res_model": "account.move", "res_id": move.id,
                "clerk_category_id": self.cat_po.id})
        with self.assertRaisesRegex(ValidationError, "not a link"):
            self.Attachment.with_user(self.clerk).create({
                "name": "link", "type": "url", "url": "https://example.com/po.pdf", "res_model": "account.move",
                "res_id": move.id, "clerk_category_id": self.cat_po.id})
        self.assertEqual(len(self.docs(move)), before)

    def test_file_names_are_sanitised(self):
        move = self.bill()
        doc = self.upload(move, self.cat_po, name="../../etc/<PO>:\x07 2026?.pdf")
        self.assertEqual(doc.name, "PO_ 2026_.pdf")
        doc = self.upload(move, self.cat_po, name="...")
        self.assertEqual(doc.name, "document")
        self.assertFalse(doc.public)

    # ------------------------------------------------------------------ requirement modes
    def test_block_mode_through_every_posting_path(self):
        self.make_doc_rule()
        move = self.bill()
        self.upload(move, self.cat_po)
        self.assertIn("Supporting documents missing: Delivery Note / Proof of Delivery", move.clerk_blocking_html)
        with self.assertRaisesRegex(UserError, "Supporting documents missing: Delivery Note"):
            move.with_user(self.clerk).action_post()
        wizard = self.env["validate.account.move"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=move.ids).create({})
        with self.assertRaisesRegex(UserError, "Supporting documents missing"):
            wizard.validate_move()
        # Shaped like an XML-RPC/JSON-RPC call, and another module calling _post.
        with self.assertRaisesRegex(UserError, "Supporting documents missing"):
            self.env["account.move"].with_user(self.clerk).browse(move.ids).action_post()
        with self.assertRaisesRegex(UserError, "Supporting documents missing"):
            move.sudo()._post(soft=False)
        with self.assertRaisesRegex(AccessError, "emergency posting group"):
            move.with_context(clerk_override_reason="I said so").with_user(self.clerk)._post(soft=False)
        self.assertEqual(move.state, "draft")
        self.upload(move, self.cat_delivery)
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")

    def test_emergency_override_posts_past_missing_documents(self):
        self.make_doc_rule()
        self.company.clerk_override_group_id = self.env.ref("invoicing_clerk_tools.group_approver")
        move = self.bill(user=self.approver)
        move.with_user(self.approver).with_context(clerk_override_reason="Auditor waiting")._post(soft=False)
        self.assertEqual(move.state, "posted")
        self.assertIn("Supporting documents missing", move.clerk_override_ids.bypassed)

    def test_warn_mode_only_warns(self):
        self.make_doc_rule(mode="warn", category_ids=[Command.set(self.cat_contract.ids)])
        move = self.bill()
        self.assertEqual(move.clerk_document_warning, "Contract")
        self.assertTrue(move.clerk_ready_to_post)
        move.with_user(self.clerk).action_post()
        self.assertEqual(move.state, "posted")

    def test_strictest_mode_wins(self):
        self.make_doc_rule(mode="warn", category_ids=[Command.set(self.cat_po.ids)])
        self.make_doc_rule(mode="block", category_ids=[Command.set(self.cat_po.ids)])
        move = self.bill()
        self.assertFalse(move.clerk_document_warning)
        self.assertFalse(move.clerk_ready_to_post)

    def test_missing_documents_queue(self):
        self.make_doc_rule(mode="warn", category_ids=[Command.set(self.cat_po.ids)])
        queue = self.env.ref("invoicing_clerk_tools.queue_missing_documents").with_user(self.clerk)
        missing, complete = self.bill(), self.bill(amount=10.0)
        self.upload(complete, self.cat_po)
        Move = self.env["account.move"].with_user(self.clerk)
        listed = Move.search(queue._get_domain())
        self.assertIn(missing, listed)
        self.assertNotIn(complete, listed)
        self.assertEqual(Move.search([("clerk_document_complete", "=", True), ("id", "in", (missing | complete).ids)]),
                         complete)
        self.assertEqual(queue.record_count, len(listed))
        self.upload(missing, self.cat_po)
        queue.invalidate_recordset()
        self.assertNotIn(missing, Move.search(queue._get_domain()))
        self.assertEqual(queue.record_count, len(listed) - 1)

    def test_approval_mode_routes_to_the_approval_level(self):
        level = self.env["clerk.approval.rule"].create({
            "name": "Missing documents", "company_id": self.company.id, "apply_in_invoice": True,
            "clerk_missing_documents_only": True, "approver_user_ids": [Command.set(self.approver.ids)]})
        self.make_doc_rule(mode="approval", approval_rule_id=level.id, category_ids=[Command.set(self.cat_po.ids)])
        complete = self.bill()
        self.upload(complete, self.cat_po)
        self.assertFalse(complete.clerk_approval_rule_ids)
        complete.with_user(self.clerk).action_post()
        self.assertEqual(complete.state, "posted")
        missing = self.bill()
        self.assertEqual(missing.clerk_approval_rule_ids, level)
        with self.assertRaisesRegex(UserError, r"Approval required \(not sent yet\): rule Missing documents"):
            missing.sudo()._post(soft=False)
        missing.with_user(self.clerk).action_post()  # sends for approval instead of posting
        self.assertEqual(missing.clerk_approval_state, "pending")
        self.assertEqual(missing.state, "draft")
        missing.with_user(self.approver).clerk_approve("Accepted without PO: framework agreement")
        missing.with_user(self.clerk).action_post()
        self.assertEqual(missing.state, "posted")
        # Matching stays in batch: customer invoices (not covered by the rule) never get the rule.
        self.assertFalse(self.make_invoice(amount=5000.0).clerk_approval_rule_ids)

    def test_approval_mode_after_sending_still_needs_the_level(self):
        level = self.env["clerk.approval.rule"].create({
            "name": "Missing documents", "company_id": self.company.id, "apply_in_invoice": True,
            "clerk_missing_documents_only": True, "approver_user_ids": [Command.set(self.approver.ids)]})
        other_level = self.env["clerk.approval.rule"].create({
            "name": "All bills", "company_id": self.company.id, "apply_in_invoice": True,
            "approver_user_ids": [Command.set(self.approver_2.ids)]})
        move = self.bill()
        self.upload(move, self.cat_po)
        move.with_user(self.clerk).action_clerk_send_for_approval()
        self.assertEqual(move.clerk_approval_request_ids.rule_id, other_level)
        move.with_user(self.approver_2).clerk_approve()
        # A rule added after sending: the missing PO now needs the rule the approvals did not ask.
        self.make_doc_rule(mode="approval", approval_rule_id=level.id,
                           category_ids=[Command.set(self.cat_delivery.ids)])
        with self.assertRaisesRegex(UserError, "re-evaluates the approvals"):
            move.with_user(self.clerk).action_post()

    def test_rule_criteria(self):
        tag = self.env["res.partner.category"].create({"name": "Needs paperwork"})
        purchase_journal = self.company_data["default_journal_purchase"]
        self.make_doc_rule(amount_min=1000.0, partner_category_ids=[Command.set(tag.ids)],
                           journal_ids=[Command.set(purchase_journal.ids)])
        self.partner_a.category_id = [Command.link(tag.id)]
        self.assertTrue(self.bill(amount=1500.0).clerk_document_required_ids)
        self.assertFalse(self.bill(amount=500.0).clerk_document_required_ids)
        self.assertFalse(self.bill(amount=1500.0, partner=self.partner_b).clerk_document_required_ids)
        self.assertFalse(self.make_invoice(amount=1500.0).clerk_document_required_ids)
        refund = self.make_invoice(move_type="in_refund", amount=1500.0)
        self.assertFalse(refund.clerk_document_required_ids)
        self.make_doc_rule(name="Refunds", apply_in_invoice=False, apply_in_refund=True,
                           category_ids=[Command.set(self.cat_other.ids)], partner_ids=[Command.set(
                               self.partner_a.ids)])
        refund.invalidate_recordset()
        self.assertEqual(refund.clerk_document_required_ids, self.cat_other)

    def test_completeness_queries_do_not_grow(self):
        self.make_doc_rule()
        few = self.env["account.move"].concat(*[self.bill() for _ in range(3)])
        many = self.env["account.move"].concat(*[self.bill() for _ in range(12)])
        for move in many[:6]:
            self.upload(move, self.cat_po)

        def count(moves):
            self.env.invalidate_all()
            self.env.registry.clear_cache()
            before = self.env.cr.sql_log_count
            result = moves._clerk_document_status()
            return self.env.cr.sql_log_count - before, result

        queries_few, _result = count(few)
        queries_many, result = count(many)
        self.assertEqual(queries_few, queries_many)
        self.assertEqual(result[many[0].id]["present"], {self.cat_po.id})
        self.assertEqual(len(result[many[0].id]["required"]), 2)
        self.assertEqual(len(result[many[-1].id]["missing"]), 2)

    # ------------------------------------------------------------------ requests
    def test_request_from_colleague_closes_itself(self):
        self.make_doc_rule()
        move = self.bill()
        wizard = self.env["clerk.document.request.wizard"].with_user(self.clerk).create({
            "move_id": move.id, "category_id": self.cat_delivery.id, "recipient": "colleague",
            "user_id": self.clerk_2.id, "date_deadline": fields.Date.today()})
        wizard.action_request()
        activity = move.activity_ids.filtered("clerk_document_category_id")
        self.assertEqual(activity.user_id, self.clerk_2)
        self.assertEqual(activity.clerk_document_category_id, self.cat_delivery)
        self.upload(move, self.cat_po)  # another category does not answer it
        self.assertTrue(activity.active)
        self.upload(move, self.cat_delivery, name="dn.pdf", user=self.clerk_2)
        self.assertFalse(activity.active)  # done (Odoo keeps done activities archived)
        self.assertFalse(move.activity_ids)
        self.assertTrue(any("Document received: dn.pdf" in (m.body or "") for m in move.message_ids))
        with self.assertRaisesRegex(UserError, "Due Date"):
            self.env["clerk.document.request.wizard"].with_user(self.clerk).create({
                "move_id": move.id, "category_id": self.cat_delivery.id, "recipient": "colleague",
                "user_id": self.clerk_2.id, "date_deadline": fields.Date.add(fields.Date.today(), days=-1),
            }).action_request()

    def test_request_from_partner_by_email(self):
        self.partner_a.email = "vendor@example.com"
        move = self.bill()
        wizard = self.env["clerk.document.request.wizard"].with_user(self.clerk).create({
            "move_id": move.id, "category_id": self.cat_po.id, "recipient": "partner"})
        self.assertEqual(wizard.partner_id, self.partner_a)
        wizard.action_request()
        mail = move.message_ids.filtered(lambda m: m.message_type == "comment" and "Purchase Order" in (m.body or ""))
        self.assertEqual(len(mail), 1)
        self.assertIn(self.partner_a, mail.partner_ids)
        activity = move.activity_ids.filtered("clerk_document_category_id")
        self.assertEqual(activity.user_id, self.clerk)
        # The partner's reply with the purchase order closes the follow-up.
        reply = EmailMessage()
        reply["From"] = "vendor@example.com"
        reply["Subject"] = "PO"
        reply["Message-Id"] = "<po-reply@example.com>"
        reply.set_content("Attached")
        reply.add_attachment(PDF, maintype="application", subtype="pdf", filename="Purchase order 77.pdf")
        self.env["mail.thread"].message_process("account.move", reply.as_bytes(), thread_id=move.id)
        self.assertFalse(activity.active)
        self.partner_a.email = False
        with self.assertRaisesRegex(UserError, "no email address"):
            self.env["clerk.document.request.wizard"].with_user(self.clerk).create({
                "move_id": move.id, "category_id": self.cat_po.id, "recipient": "partner"}).action_request()


class TestRetention(DocumentCommon):
    def posted_bill_with_docs(self):
        move = self.bill()
        doc = self.upload(move, self.cat_po, name="po.pdf")
        loose = self.Attachment.create({"name": "note.txt", "raw": b"loose note", "res_model": "account.move",
                                        "res_id": move.id})
        move.with_user(self.clerk).action_post()
        pdf = self.Attachment.sudo().create({
            "name": "BILL.pdf", "raw": PDF, "res_model": "account.move", "res_id": move.id,
            "res_field": "invoice_pdf_report_file", "mimetype": "application/pdf"})
        return move, doc, loose, pdf

    def test_documents_are_deletable_before_posting(self):
        move = self.bill()
        doc = self.upload(move, self.cat_po)
        self.assertFalse(doc.clerk_retained)
        doc.with_user(self.clerk).write({"raw": PDF + b"% replaced"})
        doc.with_user(self.clerk).unlink()
        self.assertFalse(doc.exists())
        # the Documents tab's Delete button does the same
        other = self.upload(move, self.cat_delivery, content=png_bytes(), name="delivery.png")
        self.assertEqual((other.clerk_file_type, other.clerk_file_size), ("image", f"{other.file_size} bytes"))
        other.with_user(self.clerk).action_clerk_delete()
        self.assertFalse(other.exists())

    def test_documents_tab_offers_only_what_the_server_allows(self):
        """Human file types and sizes, no MIME column; no trash icon (a retained row would vanish until Save
        refuses): a Delete button on rows not retained, refused on the server for retained ones anyway."""
        move, doc, _loose, _pdf = self.posted_bill_with_docs()
        self.assertTrue(doc.clerk_retained)
        self.assertEqual(doc.clerk_file_type, "pdf")
        self.assertEqual(dict(doc._fields["clerk_file_type"]._description_selection(self.env))["pdf"], "PDF")
        self.assertRegex(doc.clerk_file_size, r"^\d+ bytes$")
        with self.assertRaisesRegex(UserError, "kept for audit"):
            doc.with_user(self.clerk).action_clerk_delete()
        self.assertTrue(doc.exists())
        arch = self.env["account.move"].with_user(self.clerk).get_views([(False, "form")])["views"]["form"]["arch"]
        tab = etree.fromstring(arch).xpath("//field[@name='clerk_document_ids']/list")[0]
        self.assertEqual(tab.get("delete"), "0")
        columns = [field.get("name") for field in tab.xpath("./field[not(@column_invisible)]")]
        self.assertNotIn("mimetype", columns)
        self.assertNotIn("file_size", columns)
        self.assertIn("clerk_file_type", columns)
        self.assertIn("clerk_file_size", columns)
        delete = tab.xpath("./button[@name='action_clerk_delete']")[0]
        self.assertEqual(delete.get("invisible"), "clerk_retained")

    def test_nobody_deletes_or_replaces_after_posting(self):
        move, doc, loose, pdf = self.posted_bill_with_docs()
        self.assertTrue(doc.clerk_retained)
        self.assertTrue(pdf.clerk_retained)
        self.assertEqual(move.invoice_pdf_report_id, pdf)
        self.assertFalse(loose.clerk_retained)
        admin = self.env.ref("base.user_admin")
        admin.company_ids = [Command.link(self.company.id)]
        users = [self.clerk, self.approver, self.manager, admin]
        for user in users:
            for attachment in (doc, pdf):
                as_user = attachment.with_user(user)
                with self.subTest(user=user.login, attachment=attachment.name):
                    with self.assertRaisesRegex(UserError, "kept for audit"):
                        as_user.unlink()
                    with self.assertRaisesRegex(UserError, "kept for audit"):
                        as_user.write({"datas": base64.b64encode(b"%PDF-1.4 forged")})
                    with self.assertRaisesRegex(UserError, "kept for audit"):
                        as_user.write({"raw": b"%PDF-1.4 forged"})
                    with self.assertRaisesRegex(UserError, "kept for audit"):
                        as_user.write({"res_id": self.bill().id})
                    with self.assertRaisesRegex(UserError, "kept for audit"):
                        as_user.sudo().unlink()
                    with self.assertRaisesRegex(UserError, "kept by Invoicing Clerk Tools"):
                        as_user.sudo().write({"clerk_retained": False})
        with self.assertRaisesRegex(UserError, "kept for audit"):
            doc.with_user(self.clerk).write({"clerk_category_id": self.cat_other.id})
        with self.assertRaisesRegex(UserError, "kept for audit"):
            doc.sudo().write({"public": True})
        # Through the move: clearing or replacing the printed invoice, the Documents tab's delete.
        move.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "kept for audit"):
            move.sudo().invoice_pdf_report_file = False
        move.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "kept for audit"):
            move.sudo().invoice_pdf_report_file = base64.b64encode(b"%PDF-1.4 another")
        with self.assertRaisesRegex(UserError, "kept for audit"):
            move.with_user(self.clerk).write({"clerk_document_ids": [Command.delete(doc.id)]})
        # Shaped like an external call (XML-RPC unlink/write on ir.attachment as the user).
        with self.assertRaisesRegex(UserError, "kept for audit"):
            self.env["ir.attachment"].with_user(self.manager).browse(doc.ids).unlink()
        self.assertEqual(doc.raw, PDF)
        self.assertEqual(pdf.raw, PDF)
        # Unretained files and harmless changes still work: same bytes (storage moves), detaching on reset.
        loose.with_user(self.clerk).unlink()
        doc.sudo().write({"raw": PDF})
        move.button_draft()
        self.assertFalse(pdf.res_field)
        self.assertIn("detached", pdf.name)
        self.assertTrue(pdf.clerk_retained)
        with self.assertRaisesRegex(UserError, "kept for audit"):
            pdf.unlink()
        with self.assertRaisesRegex(UserError, "kept for audit"):
            doc.with_user(self.clerk).unlink()
        with self.assertRaisesRegex(UserError, "kept for audit"):
            move.unlink()

    def test_versions_supersede_and_keep(self):
        move, doc, _loose, _pdf = self.posted_bill_with_docs()
        new = self.upload(move, self.cat_po, content=PDF + b"% corrected", name="po v2.pdf", replace=doc)
        self.assertEqual(new.clerk_version, 2)
        self.assertEqual(new.clerk_previous_version_id, doc)
        self.assertTrue(new.clerk_retained)
        self.assertTrue(doc.clerk_superseded)
        self.assertEqual(doc.clerk_superseded_by_id, new)
        self.assertEqual(doc.raw, PDF)
        self.assertEqual(move.clerk_document_version_ids, doc)
        self.assertNotIn(doc, move.clerk_document_ids)
        self.assertIn(new, move.clerk_document_ids)
        with self.assertRaisesRegex(UserError, "already superseded"):
            self.upload(move, self.cat_po, content=PDF + b"% third", replace=doc)
        with self.assertRaisesRegex(UserError, "kept for audit"):
            doc.with_user(self.manager).unlink()
        # Archived versions remain readable by whoever reads the move.
        self.assertEqual(doc.with_user(self.clerk_2).raw, PDF)
        self.assertEqual(doc.with_user(self.clerk).action_clerk_download()["url"],
                         f"/web/content/{doc.id}?download=true")
        with self.assertRaises(AccessError):
            self.Attachment.with_user(self.outsider).browse(doc.id).read(["name"])


class TestDocumentAccess(HttpCase, DocumentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Other Co")["company"]
        cls.clerk_other = cls._create_clerk_user("clerk_zed", "Zed Clerk", "group_clerk", companies=cls.other)
        cls.foreign = cls.make_invoice(move_type="in_invoice", company=cls.other, user=cls.clerk_other)
        cls.foreign_doc = cls.env["ir.attachment"].with_user(cls.clerk_other).with_company(cls.other).create({
            "name": "secret-contract.pdf", "raw": PDF, "res_model": "account.move", "res_id": cls.foreign.id,
            "clerk_category_id": cls.env.ref("invoicing_clerk_tools.document_category_contract").id})
        cls.own = cls.make_invoice(move_type="in_invoice", user=cls.clerk)
        cls.own_doc = cls.env["ir.attachment"].with_user(cls.clerk).create({
            "name": "po.pdf", "raw": PDF, "res_model": "account.move", "res_id": cls.own.id,
            "clerk_category_id": cls.env.ref("invoicing_clerk_tools.document_category_purchase_order").id})

    def test_other_company_documents_stay_hidden(self):
        Attachment = self.env["ir.attachment"].with_user(self.clerk)
        self.assertFalse(Attachment.search([("id", "=", self.foreign_doc.id)]))
        self.assertFalse(Attachment.search([("res_model", "=", "account.move"), ("res_id", "=", self.foreign.id)]))
        self.assertFalse(Attachment.search([("clerk_category_id", "!=", False), ("name", "ilike", "secret")]))
        self.assertFalse(Attachment.search([("name", "=", "secret-contract.pdf")]))
        self.assertEqual(Attachment.search([("clerk_category_id", "!=", False)]), self.own_doc)
        with self.assertRaises(AccessError):
            Attachment.browse(self.foreign_doc.id).read(["name", "datas"])
        with self.assertRaises(AccessError):
            Attachment.browse(self.foreign_doc.id).write({"clerk_category_id": False})
        self.assertEqual(self.foreign_doc.with_user(self.clerk_other).read(["name"])[0]["name"],
                         "secret-contract.pdf")

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_attachment")
    def test_download_route_refuses_other_company(self):
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(f"/web/content/{self.own_doc.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF)
        response = self.url_open(f"/web/content/{self.foreign_doc.id}?download=true")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(PDF, response.content)
        self.authenticate(self.clerk_other.login, self.clerk_other.login)
        response = self.url_open(f"/web/content/{self.foreign_doc.id}?download=true")
        self.assertEqual(response.status_code, 200)


class TestAuditPack(HttpCase, DocumentCommon):
    def setUp(self):
        super().setUp()
        self.addCleanup(self._remove_packs)

    def _remove_packs(self):
        packs = self.env["clerk.audit.pack"].sudo().search([])
        for pack in packs:
            path = pack._path()
            if path and os.path.isfile(path):
                os.unlink(path)

    def posted_bills(self, count=3):
        moves = self.env["account.move"]
        for index in range(count):
            move = self.bill(amount=100.0 + index)
            self.upload(move, self.cat_po, name=f"po-{index}.pdf", content=PDF + f"% po {index}".encode())
            self.upload(move, self.cat_delivery, name="delivery.png", content=png_bytes()) if index else None
            move.with_user(self.clerk).action_post()
            if index != 1:
                self.Attachment.sudo().create({
                    "name": f"{move.name.replace('/', '_')}.pdf", "raw": PDF + f"% invoice {index}".encode(),
                    "res_model": "account.move", "res_id": move.id, "res_field": "invoice_pdf_report_file"})
            moves |= move
        return moves

    def open_pack(self, pack):
        path = pack.sudo()._path()
        self.assertTrue(path and os.path.isfile(path))
        return zipfile.ZipFile(path)

    def test_pack_content_manifest_and_checksums(self):
        moves = self.posted_bills()
        approval_level = self.env["clerk.approval.rule"].create({
            "name": "Check", "company_id": self.company.id, "apply_in_invoice": True,
            "approver_user_ids": [Command.set(self.approver.ids)]})
        approved = self.bill(amount=42.0)
        approved.with_user(self.clerk).action_clerk_send_for_approval()
        approved.with_user(self.approver).clerk_approve("fine")
        approved.with_user(self.clerk).action_post()
        moves |= approved
        self.assertTrue(approval_level)
        wizard = self.env["clerk.audit.pack.wizard"].with_user(self.clerk).with_context(
            active_model="account.move", active_ids=moves.ids).create({})
        self.assertEqual(wizard.scope, "selection")
        action = wizard.action_request()
        pack = self.env["clerk.audit.pack"].with_user(self.clerk).search([])
        self.assertEqual(pack.state, "done")
        self.assertEqual(action["url"], f"/invoicing_clerk_tools/audit_pack/{pack.id}")
        self.assertEqual((pack.move_count, pack.document_count, pack.missing_pdf_count), (4, 5, 2))
        with self.open_pack(pack) as archive:
            names = set(archive.namelist())
            rows = list(csv.DictReader(io.TextIOWrapper(archive.open("manifest.csv"), encoding="utf-8")))
            files = [row for row in rows if row["file"]]
            self.assertEqual(len(files), 7)  # 5 documents + 2 invoice PDFs
            for row in files:
                self.assertIn(row["file"], names)
                content = archive.read(row["file"])
                self.assertEqual(hashlib.sha256(content).hexdigest(), row["sha256"])
                self.assertEqual(int(row["size"]), len(content))
            first = moves[0]
            folder = first.name.replace("/", "-")
            self.assertIn(f"{folder}/purchase_order/po-0.pdf", names)
            self.assertIn(f"{moves[1].name.replace('/', '-')}/delivery_note/delivery.png", names)
            missing = [row for row in rows if row["kind"] == "invoice_pdf" and not row["file"]]
            self.assertEqual({row["invoice"] for row in missing}, {moves[1].name, approved.name})
            self.assertEqual({row["note"] for row in missing}, {"missing: no stored invoice PDF"})
            self.assertEqual({row["note"] for row in files}, {""})
            # every row lines up with the header (a missing PDF's row had one cell too many, its note lost)
            raw = list(csv.reader(io.TextIOWrapper(archive.open("manifest.csv"), encoding="utf-8")))
            self.assertEqual({len(row) for row in raw}, {len(raw[0])})
            self.assertNotIn(None, {key for row in rows for key in row})
            po_row = next(row for row in rows if row["file"] == f"{folder}/purchase_order/po-0.pdf")
            self.assertEqual(po_row["category"], "Purchase Order")
            self.assertEqual(po_row["uploaded_by"], "Ada Clerk")
            self.assertEqual(po_row["partner"], first.partner_id.display_name)
            self.assertEqual(float(po_row["amount_total"]), first.amount_total)
            self.assertEqual(po_row["state"], "Posted")
            workbook = openpyxl.load_workbook(io.BytesIO(archive.read("manifest.xlsx")), read_only=True)
            self.assertEqual(workbook.sheetnames, ["Invoices", "Documents", "Approvals", "Discrepancies", "Reminders"])
            invoice_rows = list(workbook["Invoices"].iter_rows(min_row=4, values_only=True))
            self.assertEqual({row[0] for row in invoice_rows}, set(moves.mapped("name")))
            doc_rows = list(workbook["Documents"].iter_rows(min_row=4, values_only=True))
            self.assertIn(po_row["sha256"], {row[5] for row in doc_rows})
            header = next(workbook["Documents"].iter_rows(min_row=3, max_row=3, values_only=True))
            self.assertEqual(header[-1], "Note")
            self.assertEqual({len(row) for row in doc_rows}, {len(header)})
            self.assertEqual({row[-1] for row in doc_rows if row[1] == "invoice_pdf" and not row[3]},
                             {"missing: no stored invoice PDF"})
            approval_rows = list(workbook["Approvals"].iter_rows(min_row=4, values_only=True))
            self.assertEqual(len(approval_rows), 1)
            self.assertEqual(approval_rows[0][0], approved.name)
            self.assertIn("fine", approval_rows[0][6])
        # The download route: the requester gets the ZIP, another clerk does not.
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        self.assertTrue(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
        self.authenticate(self.clerk_2.login, self.clerk_2.login)
        with mute_logger("odoo.http"):
            response = self.url_open(action["url"])
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(self.env["clerk.audit.pack"].with_user(self.clerk_2).search([]))

    def test_large_selection_goes_to_the_cron(self):
        self.env["ir.config_parameter"].sudo().set_param("invoicing_clerk_tools.audit_pack_sync_limit", "1")
        moves = self.posted_bills(count=2)
        wizard = self.env["clerk.audit.pack.wizard"].with_user(self.clerk).create({
            "scope": "period", "date_from": fields.Date.add(fields.Date.today(), days=-1),
            "date_to": fields.Date.today(), "include_out_invoice": False})
        action = wizard.action_request()
        self.assertEqual(action["tag"], "display_notification")
        pack = self.env["clerk.audit.pack"].with_user(self.clerk).search([])
        self.assertEqual(pack.state, "queued")
        self.assertEqual(pack.sudo().move_ids, moves)
        with self.enter_registry_test_mode():
            self.env.ref("invoicing_clerk_tools.ir_cron_clerk_audit_packs").method_direct_trigger()
        pack.invalidate_recordset()
        self.assertEqual(pack.state, "done")
        self.assertEqual(pack.move_count, 2)
        message = pack.sudo().message_ids.filtered(lambda m: self.clerk.partner_id in m.partner_ids)
        self.assertIn(f"/invoicing_clerk_tools/audit_pack/{pack.id}", message.body)
        with self.open_pack(pack) as archive:
            self.assertIn("manifest.xlsx", archive.namelist())
        # Run again: nothing left to do, nothing built twice.
        with self.enter_registry_test_mode():
            self.env.ref("invoicing_clerk_tools.ir_cron_clerk_audit_packs").method_direct_trigger()
        self.assertEqual(len(pack.sudo().message_ids.filtered(lambda m: self.clerk.partner_id in m.partner_ids)), 1)

    def test_cron_renders_missing_invoice_pdfs_before_building(self):
        self.env["ir.config_parameter"].sudo().set_param("invoicing_clerk_tools.audit_pack_sync_limit", "1")
        invoices = self.make_invoice(post=True) | self.make_invoice(amount=250.0, post=True)
        self.assertFalse(any(invoices.mapped("invoice_pdf_report_id")))
        pack = self.env["clerk.audit.pack"].with_user(self.clerk)._request(invoices, "Two invoices")
        self.assertEqual(pack.state, "queued")
        with self.enter_registry_test_mode():
            self.env.ref("invoicing_clerk_tools.ir_cron_clerk_audit_packs").method_direct_trigger()
        pack.invalidate_recordset()
        invoices.invalidate_recordset()
        self.assertEqual(pack.state, "done")
        self.assertEqual(pack.missing_pdf_count, 0)
        self.assertTrue(all(invoices.mapped("invoice_pdf_report_id")))
        self.assertFalse(any(invoices.mapped("is_move_sent")), "rendering ahead is not sending")
        with self.open_pack(pack) as archive:
            stored = {invoice.invoice_pdf_report_id.name for invoice in invoices}
            self.assertTrue(all(any(name.endswith(pdf) for name in archive.namelist()) for pdf in stored))

    def test_pack_refuses_bad_requests(self):
        wizard = self.env["clerk.audit.pack.wizard"].with_user(self.clerk).create({
            "scope": "period", "date_from": fields.Date.today(), "date_to": fields.Date.add(fields.Date.today(),
                                                                                              days=-3)})
        with self.assertRaisesRegex(UserError, "swap the dates"):
            wizard.action_request()
        wizard.date_to = fields.Date.today()
        with self.assertRaisesRegex(UserError, "No invoice or bill matches"):
            wizard.action_request()
        other = self.setup_other_company(name="Pack Other Co")["company"]
        foreign = self.make_invoice(move_type="in_invoice", company=other)
        with self.assertRaises(AccessError):
            self.env["clerk.audit.pack"].with_user(self.clerk)._request(
                self.env["account.move"].browse(foreign.ids), "stolen")
        with self.assertRaises(AccessError):
            self.env["clerk.audit.pack"].with_user(self.clerk).create({"name": "x", "file_name": "../../etc"})

"""The audit pack: a ZIP of invoices' PDFs, their categorised documents and a manifest, streamed to disk."""

import csv
import io
import os
import tempfile
import zipfile

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools import documents, xlsx
from .clerk_discrepancy_report import DISCREPANCY_COLUMNS
from .clerk_reminder_report import LOG_COLUMNS

_lt = LazyTranslate(__name__)

CHUNK = 200  # moves read per batch: memory stays flat whatever the selection

MOVE_COLUMNS = [
    "invoice", "partner", "invoice_date", "move_type", "currency", "amount_untaxed", "amount_tax", "amount_total",
    "amount_residual", "state", "payment_state",
]
# One row per file (or per missing invoice PDF, with its note): every row is written by column name, so that it
# lines up with the header whatever it holds.
CSV_COLUMNS = [
    *MOVE_COLUMNS, "kind", "category", "file", "size", "sha256", "version", "superseded", "uploaded_by",
    "uploaded_on", "note",
]


class ClerkAuditPackReport(models.AbstractModel):
    _name = "clerk.audit.pack.report"
    _description = "Audit Pack Writer"

    @api.model
    def write_pack(self, moves, path):
        """Write the audit pack of ``moves`` (already access-checked) to the ZIP file at ``path``.

        Files are copied into the ZIP one at a time from the filestore; the manifest rows go to a
        temporary CSV as they are written, the XLSX is built from it afterwards. Returns figures:
        ``moves``, ``documents``, ``missing_pdf``.
        """
        stats = {"moves": 0, "documents": 0, "missing_pdf": 0}
        move_ids = moves.ids
        with tempfile.TemporaryDirectory(prefix="clerk_pack_") as tmp, \
                zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            csv_path = os.path.join(tmp, "manifest.csv")
            with open(csv_path, "w", newline="", encoding="utf-8") as csv_file:
                writer = csv.DictWriter(csv_file, fieldnames=CSV_COLUMNS, restval="")
                writer.writeheader()
                for start in range(0, len(move_ids), CHUNK):
                    chunk = self.env["account.move"].browse(move_ids[start:start + CHUNK])
                    self._write_chunk(archive, writer, chunk, stats)
                    self.env.invalidate_all(flush=False)
            archive.write(csv_path, "manifest.csv")
            xlsx_path = os.path.join(tmp, "manifest.xlsx")
            xlsx.export(xlsx_path, self._sheets(move_ids, csv_path), translate=self.env._)
            archive.write(xlsx_path, "manifest.xlsx")
        return stats

    # ------------------------------------------------------------------ files
    def _move_fields(self):
        return ["name", "partner_id", "invoice_date", "move_type", "currency_id", "amount_untaxed", "amount_tax",
                "amount_total", "amount_residual", "state", "payment_state", "company_id"]

    def _move_values(self, move):
        labels = self._labels()
        return [
            move.name, move.partner_id.display_name or "", fields.Date.to_string(move.invoice_date) or "",
            labels["move_type"].get(move.move_type, move.move_type), move.currency_id.name,
            move.amount_untaxed, move.amount_tax, move.amount_total, move.amount_residual,
            labels["state"].get(move.state, move.state),
            labels["payment_state"].get(move.payment_state, move.payment_state or ""),
        ]

    @api.model
    def _labels(self):
        Move = self.env["account.move"]
        return {name: dict(Move._fields[name]._description_selection(self.env))
                for name in ("move_type", "state", "payment_state")}

    def _write_chunk(self, archive, writer, chunk, stats):
        chunk = chunk.with_context(prefetch_fields=False)
        chunk.fetch(self._move_fields())
        chunk.partner_id.fetch(["display_name", "name"])
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.search_fetch([
            ("res_model", "=", "account.move"), ("res_id", "in", chunk.ids),
            "|", ("clerk_category_id", "!=", False), ("res_field", "=", "invoice_pdf_report_file"),
        ], ["name", "res_id", "res_field", "store_fname", "file_size", "clerk_category_id", "clerk_version",
            "clerk_superseded", "create_uid", "create_date", "type"], order="res_id, clerk_category_id, id")
        by_move = {}
        for attachment in attachments:
            by_move.setdefault(attachment.res_id, []).append(attachment)
        attachments.create_uid.fetch(["name"])
        attachments.clerk_category_id.fetch(["name", "code"])
        for move in chunk:
            stats["moves"] += 1
            folder = documents.sanitize_filename((move.name or f"draft_{move.id}").replace("/", "-"))
            values = dict(zip(MOVE_COLUMNS, self._move_values(move), strict=True))
            taken = set()
            files = by_move.get(move.id, [])
            pdf = [a for a in files if a.res_field == "invoice_pdf_report_file"]
            if not pdf:
                stats["missing_pdf"] += 1
                writer.writerow({**values, "kind": "invoice_pdf", "note": self.env._("missing: no stored invoice PDF")})
            for attachment in files:
                if attachment.res_field == "invoice_pdf_report_file":
                    kind, sub = "invoice_pdf", ""
                else:
                    kind = "document"
                    sub = documents.folder_name(attachment.clerk_category_id.code or attachment.clerk_category_id.name)
                    if attachment.clerk_superseded:
                        sub += "/earlier_versions"
                name = documents.sanitize_filename(attachment.name, default=f"file_{attachment.id}")
                if attachment.clerk_superseded:
                    stem, dot, ext = name.rpartition(".")
                    version = attachment.clerk_version
                    name = f"{stem} (v{version}).{ext}" if dot else f"{name} (v{version})"
                arcname = documents.unique_name("/".join(part for part in (folder, sub, name) if part), taken)
                size, digest = self._add_file(archive, attachment, arcname)
                stats["documents"] += kind == "document"
                writer.writerow({
                    **values, "kind": kind, "category": attachment.clerk_category_id.name or "", "file": arcname,
                    "size": size, "sha256": digest, "version": attachment.clerk_version,
                    "superseded": "yes" if attachment.clerk_superseded else "no",
                    "uploaded_by": attachment.create_uid.name or "",
                    "uploaded_on": fields.Datetime.to_string(attachment.create_date),
                })

    def _add_file(self, archive, attachment, arcname):
        """Copy one attachment into the ZIP in chunks, returning its size and SHA-256."""
        if attachment.store_fname:
            full_path = attachment._full_path(attachment.store_fname)
            if os.path.isfile(full_path):
                with open(full_path, "rb") as source:
                    digest = documents.sha256_of_file(source)
                archive.write(full_path, arcname)
                return os.path.getsize(full_path), digest
        raw = attachment.raw or b""
        archive.writestr(arcname, raw)
        return len(raw), documents.sha256_of_file(io.BytesIO(raw))

    # ------------------------------------------------------------------ manifest XLSX
    def _sheets(self, move_ids, csv_path):
        sheets = [
            (self.env._("Invoices"), [
                xlsx.Column(_lt("Number"), "text", 22), xlsx.Column(_lt("Partner"), "text", 30),
                xlsx.Column(_lt("Invoice Date"), "date", 12), xlsx.Column(_lt("Type"), "text", 18),
                xlsx.Column(_lt("Currency"), "text", 8), xlsx.Column(_lt("Untaxed"), "money", 14),
                xlsx.Column(_lt("Tax"), "money", 12), xlsx.Column(_lt("Total"), "money", 14),
                xlsx.Column(_lt("Amount Due"), "money", 14), xlsx.Column(_lt("Status"), "text", 12),
                xlsx.Column(_lt("Payment"), "text", 14),
            ], self._invoice_rows(move_ids), self.env._("Audit pack: invoices")),
            (self.env._("Documents"), [
                xlsx.Column(_lt("Invoice"), "text", 22), xlsx.Column(_lt("Kind"), "text", 12),
                xlsx.Column(_lt("Category"), "text", 26), xlsx.Column(_lt("File"), "text", 50),
                xlsx.Column(_lt("Size (bytes)"), "int", 12), xlsx.Column(_lt("SHA-256"), "text", 66),
                xlsx.Column(_lt("Version"), "int", 8), xlsx.Column(_lt("Superseded"), "text", 10),
                xlsx.Column(_lt("Uploaded By"), "text", 22), xlsx.Column(_lt("Uploaded On"), "text", 20),
                xlsx.Column(_lt("Note"), "text", 34),
            ], self._document_rows(csv_path), self.env._("Audit pack: documents (checksums of the files in this ZIP)")),
            (self.env._("Approvals"), [
                xlsx.Column(_lt("Invoice"), "text", 22), xlsx.Column(_lt("Rule"), "text", 26),
                xlsx.Column(_lt("Status"), "text", 14), xlsx.Column(_lt("Approvers"), "text", 30),
                xlsx.Column(_lt("Requested By"), "text", 20), xlsx.Column(_lt("Sent"), "datetime", 18),
                xlsx.Column(_lt("Decisions"), "text", 60), xlsx.Column(_lt("Voided Because"), "text", 40),
            ], self._approval_rows(move_ids), self.env._("Audit pack: approval history")),
        ]
        sheets.extend(self._extra_sheets(move_ids))
        return sheets

    def _extra_sheets(self, move_ids):
        """The discrepancy findings and the reminder log of the pack's documents."""
        moves = self.env["account.move"].browse(move_ids)
        context = {"allowed_company_ids": moves.company_id.ids or self.env.companies.ids}
        findings = self.env["clerk.discrepancy.report"].sudo().with_context(**context)
        reminders = self.env["clerk.reminder.report"].sudo().with_context(**context)
        return [
            (self.env._("Discrepancies"), DISCREPANCY_COLUMNS, findings._rows(moves=moves),
             self.env._("Audit pack: bill discrepancy findings")),
            (self.env._("Reminders"), LOG_COLUMNS, reminders._log_rows(moves=moves),
             self.env._("Audit pack: payment reminder log")),
        ]

    def _invoice_rows(self, move_ids):
        for start in range(0, len(move_ids), CHUNK):
            chunk = self.env["account.move"].browse(move_ids[start:start + CHUNK])
            chunk.fetch(self._move_fields())
            for move in chunk:
                values = self._move_values(move)
                values[2] = move.invoice_date or None
                yield values
            self.env.invalidate_all(flush=False)

    def _document_rows(self, csv_path):
        superseded = {"yes": self.env._(xlsx.YES), "no": self.env._(xlsx.NO)}
        with open(csv_path, newline="", encoding="utf-8") as csv_file:
            reader = csv.DictReader(csv_file)
            for row in reader:
                yield [row["invoice"], row["kind"], row["category"], row["file"],
                       int(row["size"]) if row["size"] else None, row["sha256"],
                       int(row["version"]) if row["version"] else None,
                       superseded.get(row["superseded"], row["superseded"]), row["uploaded_by"],
                       row["uploaded_on"], row["note"]]

    def _approval_rows(self, move_ids):
        Request = self.env["clerk.approval.request"].sudo()
        labels = dict(Request._fields["state"]._description_selection(self.env))
        for start in range(0, len(move_ids), CHUNK * 5):
            requests = Request.search([("move_id", "in", move_ids[start:start + CHUNK * 5])],
                                      order="move_id, sent_date, sequence, id")
            for request in requests:
                decisions = "; ".join(
                    f"{fields.Datetime.to_string(d.date)} {d.decision} {d._who()}"
                    + (f": {d.comment}" if d.comment else "") for d in request.decision_ids)
                yield [request.move_id.name, request.name, labels.get(request.state, request.state),
                       request.approvers_label, request.requester_id.name, request.sent_date,
                       decisions, request.void_reason or ""]
            self.env.invalidate_all(flush=False)

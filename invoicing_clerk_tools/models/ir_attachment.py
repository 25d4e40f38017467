import base64
import contextvars
import hashlib
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from ..tools import documents
from ..tools.flags import raised

# Writes of the version and retention fields by the addon's own code. A context variable, not the ORM
# context: an RPC caller can put anything in its context, not in this.
_INTERNAL = contextvars.ContextVar("clerk_document_internal", default=False)

# Fields nobody writes but the addon (versions and retention).
PROTECTED_FIELDS = frozenset({
    "clerk_retained", "clerk_version", "clerk_previous_version_id", "clerk_superseded_by_id", "clerk_superseded",
})
# What replaces the content of an attachment, or moves it away from its document.
CONTENT_FIELDS = frozenset({"datas", "raw", "db_datas", "url", "type", "store_fname"})
# Where an attachment belongs (its record, the record's field, its company): a retained one stays where it is.
PARENT_FIELDS = frozenset({"res_model", "res_id", "res_field", "company_id"})
# The printed invoice of a move (the stored PDF of Odoo's invoice report).
INVOICE_PDF_FIELDS = ("invoice_pdf_report_file",)


def internal_writes():
    """Let the addon's own code write versions and retention flags inside the block."""
    return raised(_INTERNAL)


class IrAttachment(models.Model):
    """Supporting documents: a category, versions, and retention once their invoice or bill is posted (where a
    category, a document rule or the company's printed invoice setting says so)."""

    _inherit = "ir.attachment"

    clerk_category_id = fields.Many2one(
        "clerk.document.category", string="Document Category", index="btree_not_null", ondelete="restrict",
        copy=False, help="What kind of supporting document this file is (invoices and bills).")
    clerk_version = fields.Integer(string="Version", default=1, copy=False, readonly=True)
    clerk_previous_version_id = fields.Many2one("ir.attachment", string="Previous Version", copy=False,
                                                readonly=True, index="btree_not_null", ondelete="restrict")
    clerk_superseded_by_id = fields.Many2one("ir.attachment", string="Superseded By", copy=False, readonly=True,
                                             ondelete="restrict")
    clerk_superseded = fields.Boolean(
        string="Superseded", copy=False, readonly=True,
        help="A newer version replaced this file; it is kept and remains downloadable.")
    clerk_retained = fields.Boolean(
        string="Retained", copy=False, readonly=True, index="btree_not_null",
        help="Kept for audit: the invoice or bill it belongs to was posted, and its category, a document rule or "
             "the company's Keep Printed Invoices setting keeps it. It cannot be deleted or have its content "
             "replaced, only superseded by a new version.")

    clerk_file_type = fields.Selection([
        (documents.PDF, "PDF"), (documents.IMAGE, "Image"), (documents.SPREADSHEET, "Spreadsheet"),
        (documents.TEXT_DOCUMENT, "Text Document"), (documents.PRESENTATION, "Presentation"),
        (documents.PLAIN_TEXT, "Text"), (documents.ARCHIVE, "Archive"), (documents.EMAIL, "E-mail"),
        (documents.OTHER, "Other"),
    ], string="File Type", compute="_compute_clerk_file_display", help="The kind of file, from its content.")
    clerk_file_size = fields.Char(string="Size", compute="_compute_clerk_file_display")

    @api.depends("mimetype", "file_size")
    def _compute_clerk_file_display(self):
        for attachment in self:
            attachment.clerk_file_type = documents.file_kind(attachment.mimetype)
            attachment.clerk_file_size = documents.human_size(attachment.file_size)

    # ------------------------------------------------------------------ create
    @api.model_create_multi
    def create(self, vals_list):
        internal = _INTERNAL.get()
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if not internal:
                for name in PROTECTED_FIELDS & vals.keys():
                    vals.pop(name)
        self._clerk_auto_categorise(vals_list)
        for vals in vals_list:
            if vals.get("clerk_category_id"):
                self._clerk_prepare_document(vals)
        records = super().create(vals_list)
        move_docs = records.filtered(lambda a: a.res_model == "account.move" and a.res_id and (
            a.clerk_category_id or a.res_field in INVOICE_PDF_FIELDS))
        if move_docs:
            move_docs._clerk_after_filed()
        return records

    @staticmethod
    def _clerk_content_of(vals):
        if vals.get("raw") is not None and vals.get("raw") is not False:
            raw = vals["raw"]
            return raw.encode() if isinstance(raw, str) else raw
        if vals.get("datas"):
            return base64.b64decode(vals["datas"])
        return b""

    def _clerk_auto_categorise(self, vals_list):
        """Files arriving on a move without a category (chatter, email) get one when their name has a keyword.

        Only when the file passes the category's checks: a file that does not fit stays uncategorised
        rather than being refused, since it arrived through a message. Only where supporting documents are in
        use: in companies that have a document rule, or on moves waiting for a requested document. Elsewhere
        attachments stay as Odoo files them (names, access, replacement).
        """
        pending = [vals for vals in vals_list if vals.get("res_model") == "account.move" and vals.get("res_id")
                   and not vals.get("clerk_category_id") and not vals.get("res_field") and vals.get("name")
                   and vals.get("type", "binary") == "binary"]
        if not pending:
            return
        ruled_companies = {company_id for company_id, _move_type in self.env["clerk.document.rule"]._rule_index()}
        Move = self.env["account.move"].sudo()
        moves = Move.browse({vals["res_id"] for vals in pending})
        if ruled_companies:
            moves = moves.exists()
            unruled = moves.filtered(lambda m: m.company_id.id not in ruled_companies)
        else:
            unruled = moves
        requested = {activity.res_id for activity in self.env["mail.activity"].sudo().search_fetch([
            ("clerk_document_category_id", "!=", False), ("res_model", "=", "account.move"),
            ("res_id", "in", unruled.ids)], ["res_id"])} if unruled else set()
        if not ruled_companies and not requested:
            return
        Category = self.env["clerk.document.category"].sudo()
        if not Category.search_count([("keywords", "!=", False)], limit=1):
            return
        moves = moves.exists()
        companies = {move.id: move.company_id for move in moves if move.is_invoice(include_receipts=True)
                     and (move.company_id.id in ruled_companies or move.id in requested)}
        for vals in pending:
            company = companies.get(vals["res_id"])
            if not company:
                continue
            category = Category._match_by_name(vals["name"], company)
            if not category:
                continue
            raw = self._clerk_content_of(vals)
            if not documents.upload_errors(len(raw), guess_mimetype(raw), category._allowed_types(),
                                           category._max_bytes()):
                vals["clerk_category_id"] = category.id

    def _clerk_prepare_document(self, vals):
        """Check a categorised file against its category (refusing it with a clear message) and clean its name."""
        category = self.env["clerk.document.category"].sudo().browse(vals["clerk_category_id"])
        if vals.get("type", "binary") != "binary" or vals.get("url"):
            raise ValidationError(self.env._(
                "Document Category %s: a supporting document must be an uploaded file, not a link.", category.name))
        raw = self._clerk_content_of(vals)
        name = documents.sanitize_filename(vals.get("name"))
        self._clerk_check_upload(category, raw, name)
        vals["name"] = name
        vals["public"] = False

    @api.model
    def _clerk_check_upload(self, category, raw, name):
        size = len(raw or b"")
        detected = guess_mimetype(raw or b"")
        errors = documents.upload_errors(size, detected, category._allowed_types(), category._max_bytes())
        if not errors:
            return
        _ = self.env._
        messages = {
            documents.EMPTY: lambda: _("the file is empty; choose the actual document."),
            documents.TOO_LARGE: lambda: _(
                "it is %(size)s, more than the %(limit)s allowed for %(category)s; upload a smaller or compressed "
                "file.", size=documents.human_size(size), limit=documents.human_size(category._max_bytes()),
                category=category.name),
            documents.WRONG_TYPE: lambda: _(
                "its content is %(detected)s (whatever its name says), and %(category)s accepts only %(allowed)s; "
                "upload the document in one of these formats.", detected=detected, category=category.name,
                allowed=", ".join(category._allowed_types())),
        }
        raise ValidationError(_("File %(name)s refused for category %(category)s: %(problems)s", name=name,
                                category=category.name, problems=" ".join(messages[e]() for e in errors)))

    # ------------------------------------------------------------------ write / unlink
    def write(self, vals):
        if not _INTERNAL.get():
            protected = PROTECTED_FIELDS & vals.keys()
            if protected:
                raise UserError(self.env._(
                    "%s of a document are kept by Invoicing Clerk Tools: upload a new version instead.",
                    ", ".join(self._fields[name].string for name in sorted(protected))))
            self._clerk_check_retention_write(vals)
        categorised = "clerk_category_id" in vals and vals["clerk_category_id"]
        recheck = categorised or (CONTENT_FIELDS & vals.keys() and any(self.mapped("clerk_category_id")))
        if recheck:
            vals = dict(vals)
            if vals.get("public"):
                raise ValidationError(self.env._("A supporting document of an invoice or bill cannot be public."))
            self._clerk_check_written(vals)
        result = super().write(vals)
        if categorised or "res_field" in vals:
            filed = self.filtered(lambda a: a.res_model == "account.move" and a.res_id and (
                a.clerk_category_id or a.res_field in INVOICE_PDF_FIELDS))
            if filed:
                filed._clerk_after_filed()
        return result

    def _clerk_check_written(self, vals):
        """Check every record that is (or stays) categorised against its category, with the content it will have."""
        Category = self.env["clerk.document.category"].sudo()
        new_content = CONTENT_FIELDS & vals.keys()
        raw_new = self._clerk_content_of(vals) if new_content else None
        for attachment in self.sudo():
            category = Category.browse(vals["clerk_category_id"]) if vals.get("clerk_category_id") \
                else attachment.clerk_category_id
            if not category:
                continue
            if (vals.get("type") or attachment.type) != "binary" or vals.get("url"):
                raise ValidationError(self.env._(
                    "Document Category %s: a supporting document must be an uploaded file, not a link.",
                    category.name))
            raw = raw_new if new_content else attachment.raw
            name = documents.sanitize_filename(vals.get("name") or attachment.name)
            self._clerk_check_upload(category, raw, name)
            if len(self) == 1:
                vals["name"] = name
        vals["public"] = False

    def _clerk_retained_records(self):
        """The records of ``self`` kept for audit (read as superuser: retention holds for everyone)."""
        if not self.ids:
            return self.browse()
        return self.sudo().search([("id", "in", self.ids), ("clerk_retained", "=", True)]).sudo(self.env.su)

    def _clerk_check_retention_write(self, vals):
        touched = (CONTENT_FIELDS | PARENT_FIELDS | {"clerk_category_id"}) & vals.keys()
        if vals.get("public"):
            touched = touched | {"public"}
        if "res_field" in touched and not vals["res_field"]:
            # Detached from a field (Odoo does it to the printed invoice on reset to draft): it stays on its
            # record, visible with the other attachments. Set to a field, it would be hidden from them.
            touched = touched - {"res_field"}
        if not touched:
            return
        retained = self._clerk_retained_records()
        if not retained:
            return
        if touched <= {"raw", "datas"}:
            # Writing the same bytes again (e.g. moving storage between database and disk) replaces nothing.
            digest = hashlib.sha1(self._clerk_content_of(vals)).hexdigest()
            if all(att.checksum == digest for att in retained.sudo()):
                return
        unchanged = retained.sudo().filtered(lambda att: all(
            att._clerk_same_value(name, vals[name]) for name in touched))
        if unchanged == retained:
            # The same values written again (a form saving what it shows) change nothing.
            return
        raise UserError(self.env._(
            "%(names)s belongs to %(moves)s and is kept for audit since it was posted: it cannot be replaced, "
            "moved to another record or field, re-categorised or made public. Upload a new version instead (the "
            "current one is kept).", names=", ".join(retained.sudo().mapped("name")),
            moves=retained._clerk_moves_label()))

    def _clerk_same_value(self, name, value):
        if name in CONTENT_FIELDS:
            return False
        field = self._fields[name]
        current = self[name]
        if field.type == "many2one":
            return current.id == (value.id if isinstance(value, models.BaseModel) else (value or False))
        return (current or False) == (value or False)

    def _clerk_moves_label(self):
        """The invoices and bills these attachments belong to, as their refusals name them."""
        moves = self.env["account.move"].sudo().browse(
            {att.res_id for att in self.sudo() if att.res_model == "account.move" and att.res_id}).exists()
        return moves._clerk_labels() or self.env._("a posted invoice or bill")

    @api.ondelete(at_uninstall=False)
    def _clerk_unlink_except_retained(self):
        retained = self._clerk_retained_records()
        if retained:
            raise UserError(self.env._(
                "%(names)s belongs to %(moves)s and is kept for audit since it was posted: it cannot be deleted. "
                "Upload a new version instead (the current one is kept).",
                names=", ".join(retained.sudo().mapped("name")), moves=retained._clerk_moves_label()))

    # ------------------------------------------------------------------ filing, versions
    def _clerk_after_filed(self):
        """Categorised documents (and printed invoices) of moves: retain those of posted moves that are kept,
        close requests."""
        moves = self.env["account.move"].sudo().browse(set(self.mapped("res_id"))).exists()
        moves.fetch(["state"])
        posted = {move.id for move in moves if move.state == "posted"}
        to_retain = self.filtered(lambda a: a.res_id in posted and not a.clerk_retained)
        if to_retain:
            to_retain._clerk_retain()
        categorised = self.filtered("clerk_category_id")
        if categorised:
            arrived = defaultdict(list)
            for attachment in categorised:
                arrived[attachment.res_id, attachment.clerk_category_id.id].append(attachment)
            self.env["mail.activity"]._clerk_close_document_requests(arrived)

    def _clerk_retain(self):
        """Retain the attachments of ``self`` (of posted moves) that a category, a document rule or the company's
        printed invoice setting keeps (``account.move._clerk_kept_documents``); the others stay as Odoo has them."""
        moves = self.env["account.move"].sudo().browse({attachment.res_id for attachment in self})
        if not moves._clerk_keeps_anything():
            return self.browse()
        to_retain = moves._clerk_kept_documents(self)
        if to_retain:
            with internal_writes():
                to_retain.sudo().write({"clerk_retained": True})
        return to_retain

    def _clerk_new_version(self, raw, name=None):
        """Supersede this document with a new file: the new one takes its place, this one is kept (archived)."""
        self.ensure_one()
        if not self.clerk_category_id:
            raise UserError(self.env._("Only categorised documents have versions: give %s a category first.",
                                       self.name))
        if self.clerk_superseded:
            raise UserError(self.env._(
                "%(name)s was already superseded by %(newer)s: upload the new version from the current one.",
                name=self.name, newer=self.clerk_superseded_by_id.name))
        if self.res_model and self.res_id:
            self.env[self.res_model].browse(self.res_id).check_access("write")
        else:
            self.check_access("write")
        with internal_writes():
            new = self.create({
                "name": name or self.name,
                "raw": raw,
                "res_model": self.res_model,
                "res_id": self.res_id,
                "clerk_category_id": self.clerk_category_id.id,
                "clerk_version": self.clerk_version + 1,
                "clerk_previous_version_id": self.id,
                "description": self.description,
            })
            self.sudo().write({"clerk_superseded": True, "clerk_superseded_by_id": new.id})
        return new

    def action_clerk_delete(self):
        """Delete a supporting document from the Documents tab (retained ones are refused by ``unlink``)."""
        self.unlink()
        return True

    def action_clerk_download(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": f"/web/content/{self.id}?download=true", "target": "download"}

    def action_clerk_new_version(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upload a New Version"),
            "res_model": "clerk.document.upload.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.res_id, "default_category_id": self.clerk_category_id.id,
                        "default_replace_id": self.id},
        }

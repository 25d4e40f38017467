from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from ..tools import documents


class ClerkDocumentCategory(models.Model):
    """A kind of supporting document (purchase order, delivery note...): which files it accepts and how large."""

    _name = "clerk.document.category"
    _inherit = ["clerk.cached.config.mixin", "mail.thread"]  # rules and retention cache categories
    _description = "Document Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True,
                       help="As clerks see it, e.g. 'Delivery Note / Proof of Delivery'.")
    code = fields.Char(tracking=True,
                       help="Short technical key, e.g. 'delivery_note'; used for folder names in audit packs.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True, help="Archived categories cannot be chosen for new documents.")
    company_id = fields.Many2one("res.company", string="Company", index=True, tracking=True,
                                 help="Empty: the category is offered in every company.")
    allowed_mime_types = fields.Text(
        string="Allowed File Types", tracking=True,
        help="MIME types accepted, separated by commas or new lines, e.g. 'application/pdf, image/*'. "
             "The type is detected from the file's content, not from its name. Empty: any type.")
    max_size_mb = fields.Float(string="Maximum Size (MB)", default=10.0, tracking=True,
                               help="Largest file accepted, in megabytes; 0: no limit.")
    keywords = fields.Char(
        tracking=True,
        help="Comma-separated words: a file arriving on an invoice or bill without a category (chatter, "
             "email) whose name contains one of them is filed in this category, e.g. 'delivery, POD'.")
    description = fields.Text(help="What belongs in this category, shown to clerks.")
    keep_after_posting = fields.Boolean(
        string="Kept Once Posted", tracking=True,
        help="Documents of this category are kept for audit once their invoice or bill is posted: they cannot be "
             "deleted or replaced, only superseded by a new version. Off: kept only where a document rule that "
             "requires the category says so.")

    _code_company_unique = models.Constraint(
        "UNIQUE (code, company_id)",
        "A category code is unique per company: choose another code.",
    )

    @api.constrains("allowed_mime_types", "max_size_mb", "name")
    def _check_configuration(self):
        for category in self:
            unknown = documents.unknown_mime_types(documents.parse_mime_types(category.allowed_mime_types))
            if unknown:
                raise ValidationError(self.env._(
                    "Allowed File Types of category %(category)s: %(unknown)s is not a known MIME type. Write "
                    "types such as application/pdf, image/png or image/* separated by commas.",
                    category=category.name, unknown=", ".join(unknown)))
            if category.max_size_mb < 0:
                raise ValidationError(self.env._(
                    "Maximum Size (MB) of category %s cannot be negative: use 0 for no limit.", category.name))

    @api.model
    @ormcache()
    def _kept_category_ids(self):
        """Ids of the categories whose documents are kept once posted (archived ones included); cached, cleared
        when categories change."""
        return frozenset(self.sudo().with_context(active_test=False).search([("keep_after_posting", "=", True)]).ids)

    def _allowed_types(self):
        self.ensure_one()
        return documents.parse_mime_types(self.allowed_mime_types)

    def _max_bytes(self):
        self.ensure_one()
        return int(self.max_size_mb * 1024 * 1024)

    def _keyword_list(self):
        self.ensure_one()
        return [word.strip().lower() for word in (self.keywords or "").split(",") if word.strip()]

    @api.model
    def _match_by_name(self, file_name, company):
        """The first category (by sequence) whose keywords appear in ``file_name``; empty when none."""
        name = (file_name or "").lower()
        if not name:
            return self.browse()
        categories = self.search([("keywords", "!=", False), ("company_id", "in", [False, company.id])])
        for category in categories:
            if any(word in name for word in category._keyword_list()):
                return category
        return self.browse()

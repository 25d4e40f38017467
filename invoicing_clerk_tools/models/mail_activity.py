from odoo import fields, models


class MailActivity(models.Model):
    """A "request document" activity knows the category it asks for, and closes when such a document arrives."""

    _inherit = "mail.activity"

    clerk_document_category_id = fields.Many2one(
        "clerk.document.category", string="Requested Document", index="btree_not_null", ondelete="set null",
        help="This activity asks for a document of this category; it is marked done when one is attached.")

    def _clerk_close_document_requests(self, arrived):
        """Mark done the requests answered by ``arrived``: ``{(move_id, category_id): [attachment, ...]}``."""
        move_ids = {move_id for move_id, _category in arrived}
        category_ids = {category_id for _move, category_id in arrived}
        requests = self.sudo().search([
            ("res_model", "=", "account.move"), ("res_id", "in", list(move_ids)),
            ("clerk_document_category_id", "in", list(category_ids)),
        ])
        for request in requests:
            files = arrived.get((request.res_id, request.clerk_document_category_id.id))
            if files:
                request.action_feedback(feedback=self.env._(
                    "Document received: %s", ", ".join(attachment.name for attachment in files)))

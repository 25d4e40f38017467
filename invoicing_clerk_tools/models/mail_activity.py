from markupsafe import Markup

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

    def _clerk_notify_assigned_batch(self, limit=50):
        """One "assigned to you" notification for these To-Dos of one user, instead of one per To-Do.

        For a batch sent for approval: the documents are listed (the first ``limit``, with links),
        in the user's language.
        """
        user = self.user_id
        user.ensure_one()
        activities = self.with_context(lang=user.lang) if user.lang else self
        _ = activities.env._
        lines = Markup().join(
            Markup('<li><a href="/odoo/%s/%s">%s</a>: %s</li>') % (
                activity.res_model, activity.res_id, activity.res_name, activity.summary or "")
            for activity in activities[:limit])
        more = len(activities) - limit
        if more > 0:
            lines += Markup("<li>%s</li>") % _("and %s more", more)
        activities.env["mail.thread"].message_notify(
            partner_ids=user.partner_id.ids,
            subject=_("%s to-dos assigned to you", len(activities)),
            body=Markup("<p>%s</p><ul>%s</ul>") % (
                _("%(count)s to-dos were assigned to you, due %(date)s:", count=len(activities),
                  date=fields.Date.to_string(min(activities.mapped("date_deadline")))), lines),
            email_layout_xmlid="mail.mail_notification_layout",
        )

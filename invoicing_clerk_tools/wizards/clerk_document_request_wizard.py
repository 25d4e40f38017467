from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkDocumentRequestWizard(models.TransientModel):
    """Ask a colleague (activity) or the partner (email from a template) for a missing document."""

    _name = "clerk.document.request.wizard"
    _description = "Request a Supporting Document"

    move_id = fields.Many2one("account.move", string="Invoice or Bill", required=True, readonly=True)
    company_id = fields.Many2one(related="move_id.company_id")
    category_id = fields.Many2one(
        "clerk.document.category", string="Document", required=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]")
    recipient = fields.Selection([
        ("colleague", "A Colleague (activity)"),
        ("partner", "The Partner (email)"),
    ], string="Ask", required=True, default="colleague",
        help="A colleague gets an activity; the partner an email from the template, and you an activity to "
             "follow it up. Either closes itself when a document of the category is attached.")
    user_id = fields.Many2one("res.users", string="Colleague", domain="[('share', '=', False)]",
                              default=lambda self: self.env.user)
    partner_id = fields.Many2one("res.partner", string="Partner",
                                 compute="_compute_partner_id", store=True, readonly=False)
    template_id = fields.Many2one(
        "mail.template", string="Email Template", domain="[('model', '=', 'account.move')]",
        default=lambda self: self.env.ref("invoicing_clerk_tools.mail_template_clerk_document_request",
                                          raise_if_not_found=False))
    date_deadline = fields.Date(string="Due Date", required=True,
                                default=lambda self: fields.Date.context_today(self) + timedelta(days=3))
    note = fields.Text(help="Anything the person asked should know.")

    @api.depends("move_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.move_id.partner_id

    def action_request(self):
        self.ensure_one()
        _ = self.env._
        move = self.move_id
        move.check_access("write")
        if self.date_deadline < fields.Date.context_today(self):
            raise UserError(_("Due Date: choose today or a later date."))
        summary = _("Document requested: %s", self.category_id.name)
        if self.recipient == "colleague":
            if not self.user_id:
                raise UserError(_("Colleague: choose who should provide the document."))
            assignee = self.user_id
            note = self.note or _("Please attach the %(category)s of %(move)s.", category=self.category_id.name,
                                  move=move.display_name)
        else:
            if not self.partner_id.email:
                raise UserError(_("Partner: %s has no email address; add one or ask a colleague instead.",
                                  self.partner_id.display_name or _("the partner")))
            if not self.template_id:
                raise UserError(_("Email Template: choose the template of the request."))
            move.with_context(clerk_document_category=self.category_id.name,
                              clerk_document_deadline=self.date_deadline,
                              clerk_document_note=self.note or "").message_post_with_source(
                self.template_id, subtype_xmlid="mail.mt_comment", message_type="comment",
                partner_ids=self.partner_id.ids)
            assignee = self.env.user
            note = _("%(partner)s was asked by email for the %(category)s; follow it up.",
                     partner=self.partner_id.display_name, category=self.category_id.name)
        activity = move.activity_schedule(
            "invoicing_clerk_tools.mail_activity_type_clerk_document_request",
            date_deadline=self.date_deadline, user_id=assignee.id, summary=summary, note=note)
        activity.clerk_document_category_id = self.category_id
        return {"type": "ir.actions.act_window_close"}

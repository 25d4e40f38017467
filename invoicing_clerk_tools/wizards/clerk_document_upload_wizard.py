import base64

from odoo import api, fields, models
from odoo.exceptions import UserError


class ClerkDocumentUploadWizard(models.TransientModel):
    """Upload a supporting document straight into its category, or a new version of one."""

    _name = "clerk.document.upload.wizard"
    _description = "Upload a Supporting Document"

    move_id = fields.Many2one("account.move", string="Invoice or Bill", required=True, readonly=True)
    company_id = fields.Many2one(related="move_id.company_id")
    category_id = fields.Many2one(
        "clerk.document.category", string="Category", required=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="What kind of document this file is; it is checked against the category's file types and size.")
    file = fields.Binary(string="File", attachment=False, help="The document; its type is detected from its content.")
    file_name = fields.Char(string="File Name")
    replace_id = fields.Many2one(
        "ir.attachment", string="New Version Of",
        domain="[('res_model', '=', 'account.move'), ('res_id', '=', move_id), ('clerk_superseded', '=', False),"
               " ('clerk_category_id', '=', category_id)]",
        help="Supersede this document with the file: the current one is kept as an earlier version.")
    required_category_ids = fields.Many2many(related="move_id.clerk_document_required_ids")

    @api.onchange("replace_id")
    def _onchange_replace_id(self):
        if self.replace_id:
            self.category_id = self.replace_id.clerk_category_id

    def action_upload(self):
        self.ensure_one()
        move = self.move_id
        move.check_access("write")
        if self.file is False and not self.file_name:
            raise UserError(self.env._("File: choose the file to upload."))
        raw = base64.b64decode(self.file or b"")
        name = self.file_name or self.category_id.name
        if self.replace_id:
            if self.replace_id.res_model != "account.move" or self.replace_id.res_id != move.id:
                raise UserError(self.env._("New Version Of: choose a document of %s.", move.display_name))
            attachment = self.replace_id._clerk_new_version(raw, name)
            body = self.env._("New version %(version)s of %(name)s (%(category)s) uploaded; version "
                              "%(previous)s is kept.", version=attachment.clerk_version, name=attachment.name,
                              category=self.category_id.name, previous=self.replace_id.clerk_version)
        else:
            attachment = self.env["ir.attachment"].create({
                "name": name,
                "raw": raw,
                "res_model": "account.move",
                "res_id": move.id,
                "clerk_category_id": self.category_id.id,
            })
            body = self.env._("Document %(name)s uploaded as %(category)s.", name=attachment.name,
                              category=self.category_id.name)
        move.message_post(body=body, attachment_ids=attachment.ids)
        return {"type": "ir.actions.act_window_close"}

import logging
import os
import uuid

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config

from .clerk_batch import claim

_logger = logging.getLogger(__name__)

PACK_FOLDER = "clerk_audit_packs"
DEFAULT_SYNC_LIMIT = 50


class ClerkAuditPack(models.Model):
    """A request for an audit pack (a ZIP of invoices, documents and manifest), built at once or by a cron."""

    _name = "clerk.audit.pack"
    _description = "Audit Pack"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user)
    state = fields.Selection([
        ("queued", "Queued"),
        ("done", "Ready"),
        ("failed", "Failed"),
    ], required=True, default="queued", readonly=True, index=True)
    move_ids = fields.Many2many("account.move", string="Invoices and Bills", readonly=True, check_company=True)
    move_count = fields.Integer(string="Documents", readonly=True)
    document_count = fields.Integer(string="Supporting Files", readonly=True)
    missing_pdf_count = fields.Integer(string="Missing PDFs", readonly=True,
                                       help="Invoices without a stored PDF: listed as missing in the manifest.")
    file_name = fields.Char(readonly=True, copy=False, groups="base.group_system",
                            help="Name of the ZIP in the database's file store.")
    file_size = fields.Integer(string="Size (bytes)", readonly=True)
    done_date = fields.Datetime(string="Ready Since", readonly=True)
    error = fields.Text(readonly=True)
    download_url = fields.Char(compute="_compute_download_url")

    _file_name_unique = models.Constraint("UNIQUE (file_name)", "Each audit pack has its own file.")

    def _compute_download_url(self):
        for pack in self:
            pack.download_url = f"/invoicing_clerk_tools/audit_pack/{pack.id}" if pack.state == "done" else False

    # ------------------------------------------------------------------ requesting
    @api.model
    def _request(self, moves, name):
        """Create a pack for ``moves`` as the current user; build it now when small, else queue it for the cron."""
        if not moves:
            raise UserError(self.env._("The audit pack has no invoice or bill: widen the selection."))
        moves.check_access("read")
        companies = moves.company_id
        if len(companies) > 1:
            raise UserError(self.env._("An audit pack covers one company: select the documents of %s only, or "
                                       "make one pack per company.", companies[0].name))
        pack = self.sudo().create({
            "name": name, "company_id": companies.id, "user_id": self.env.user.id,
            "move_ids": [(6, 0, moves.ids)], "move_count": len(moves),
        })
        limit = int(self.env["ir.config_parameter"].sudo().get_param(
            "invoicing_clerk_tools.audit_pack_sync_limit", DEFAULT_SYNC_LIMIT))
        if len(moves) <= limit:
            pack._build()
        else:
            self.env.ref("invoicing_clerk_tools.ir_cron_clerk_audit_packs")._trigger()
        return pack.sudo(False)

    # ------------------------------------------------------------------ building
    @api.model
    def _folder(self):
        folder = os.path.join(config.filestore(self.env.cr.dbname), PACK_FOLDER)
        os.makedirs(folder, exist_ok=True)
        return folder

    def _path(self):
        self.ensure_one()
        name = self.sudo().file_name
        if not name or os.path.basename(name) != name:
            return False
        return os.path.join(self._folder(), name)

    def _build(self):
        """Write the ZIP of this pack as its requester (their access rights), then mark it ready."""
        self.ensure_one()
        pack = self.sudo()
        user = pack.user_id
        env = self.env(user=user, context=dict(self.env.context, allowed_company_ids=[pack.company_id.id]))
        moves = env["account.move"].search([("id", "in", pack.move_ids.ids)], order="invoice_date, name, id")
        file_name = f"{uuid.uuid4().hex}.zip"
        path = os.path.join(self._folder(), file_name)
        try:
            with self.env.cr.savepoint():
                stats = env["clerk.audit.pack.report"].write_pack(moves, path)
        except Exception as error:  # noqa: BLE001 - any failure is recorded on the pack and told to the user
            _logger.exception("Audit pack %s failed", pack.id)
            if os.path.exists(path):
                os.unlink(path)
            pack.write({"state": "failed", "error": str(error)})
            return False
        pack.write({
            "state": "done", "file_name": file_name, "file_size": os.path.getsize(path),
            "move_count": stats["moves"], "document_count": stats["documents"],
            "missing_pdf_count": stats["missing_pdf"], "done_date": fields.Datetime.now(),
            "error": (self.env._("%s invoices were left out: the requester can no longer read them.",
                                 len(pack.move_ids) - len(moves)) if len(moves) < len(pack.move_ids) else False),
        })
        return True

    def _notify_ready(self):
        for pack in self.sudo():
            url = f"/invoicing_clerk_tools/audit_pack/{pack.id}"
            pack.message_post(
                body=Markup('%s <a href="%s">%s</a>') % (
                    self.env._("Your audit pack %(name)s (%(count)s documents) is ready:", name=pack.name,
                               count=pack.move_count), url, self.env._("download it")) if pack.state == "done"
                else self.env._("Your audit pack %(name)s could not be built: %(error)s", name=pack.name,
                                error=pack.error),
                partner_ids=pack.user_id.partner_id.ids, message_type="comment",
                subtype_xmlid="mail.mt_comment")

    @api.model
    def _cron_build_packs(self, limit=20):
        """Build queued packs one at a time, each claimed with ``FOR UPDATE SKIP LOCKED`` and committed."""
        for _index in range(limit):
            pack = claim(self.sudo(), [("state", "=", "queued")], limit=1)
            if not pack:
                return
            # Invoice PDFs not stored yet are rendered first, one per commit (which releases the claim):
            # out of time, the pack stays queued and the next run goes on; then claim it again to build it.
            if not self.env["account.move"]._clerk_render_missing_pdfs([("id", "in", pack.move_ids.ids)]):
                return
            if not claim(pack, [("id", "=", pack.id), ("state", "=", "queued")]):
                continue
            pack._build()
            pack._notify_ready()
            if not self.env["ir.cron"]._commit_progress(1):
                return

    # ------------------------------------------------------------------ download, cleanup
    def _check_download(self):
        self.ensure_one()
        self.check_access("read")
        if self.state != "done":
            raise UserError(self.env._("Audit pack %s is not ready yet.", self.name))
        if self.user_id != self.env.user and not self.env.user.has_group("invoicing_clerk_tools.group_manager"):
            raise AccessError(self.env._("Only the person who asked for audit pack %s may download it.", self.name))
        path = self._path()
        if not path or not os.path.isfile(path):
            raise UserError(self.env._("The file of audit pack %s is gone: request it again.", self.name))
        return path

    def action_download(self):
        self.ensure_one()
        self._check_download()
        return {"type": "ir.actions.act_url", "url": self.download_url, "target": "download"}

    @api.ondelete(at_uninstall=False)
    def _unlink_files(self):
        paths = [path for path in (pack._path() for pack in self.sudo()) if path]

        @self.env.cr.postcommit.add
        def remove_files():
            for path in paths:
                if os.path.isfile(path):
                    os.unlink(path)

import os

from werkzeug.wsgi import wrap_file

from odoo import http
from odoo.http import content_disposition, request


class ClerkDocumentsController(http.Controller):
    @http.route("/invoicing_clerk_tools/audit_pack/<int:pack_id>", type="http", auth="user", methods=["GET"],
                readonly=True)
    def audit_pack(self, pack_id, **kwargs):
        """The ZIP of an audit pack, streamed from disk, for its requester (or a Clerk Manager of its company)."""
        pack = request.env["clerk.audit.pack"].browse(pack_id).exists()
        if not pack:
            raise request.not_found()
        path = pack._check_download()
        filename = f"{pack.name}.zip".replace("/", "-")
        return request.make_response(
            wrap_file(request.httprequest.environ, open(path, "rb")),  # noqa: SIM115 - closed by the response
            headers=[
                ("Content-Type", "application/zip"),
                ("Content-Disposition", content_disposition(filename)),
                ("Content-Length", str(os.path.getsize(path))),
            ],
        )

from odoo import api, fields, models
from odoo.tools.sql import column_exists, create_column


class AccountMove(models.Model):
    """A responsible clerk on invoices and bills: the customer's (or vendor's) clerk by default."""

    _inherit = "account.move"

    clerk_user_id = fields.Many2one(
        "res.users", string="Responsible Clerk", compute="_compute_clerk_user_id", store=True, readonly=False,
        precompute=True, index="btree_not_null", tracking=True, domain="[('share', '=', False)]",
        help="The clerk who handles this document: the customer's responsible clerk by default, else the clerk who "
        "created it. The workspace's 'Mine' queues and the workloads count it.")

    def _auto_init(self):
        # an empty column on install: existing documents are not recomputed one by one (nobody is assigned yet)
        if not column_exists(self.env.cr, "account_move", "clerk_user_id"):
            create_column(self.env.cr, "account_move", "clerk_user_id", "int4")
        return super()._auto_init()

    @api.depends("partner_id")
    def _compute_clerk_user_id(self):
        """The customer's (or vendor's) clerk; without one, a new document is the creating clerk's.

        The creating user counts only when they are an Invoicing Clerk (not the superuser of crons and
        scripts, nor users outside the addon's groups), so nothing changes for them; a document that is
        already saved keeps its clerk when its partner has none.
        """
        creator = self.env.user
        creator = creator if not creator._is_superuser() and creator.has_group("invoicing_clerk_tools.group_clerk") \
            else creator.browse()
        for move in self:
            if not move.is_invoice(include_receipts=True):
                move.clerk_user_id = move.clerk_user_id
                continue
            clerk = move.partner_id.commercial_partner_id.clerk_user_id
            move.clerk_user_id = clerk or move.clerk_user_id or (creator if not move._origin.id else False)

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

from ..tools import approval


class AccountMove(models.Model):
    """What the workspace's lists show of an approval: the rule waiting, since when, who asked, why it was
    rejected. Computed as superuser (the requests are the addon's records); the lists show them to clerks."""

    _inherit = "account.move"

    clerk_approval_waiting_since = fields.Datetime(
        string="Waiting Since", compute="_compute_clerk_approval_waiting_since", store=True, copy=False,
        help="When the approval rule now waiting was asked (the oldest, when several are asked together).")
    clerk_approval_rule_name = fields.Char(
        string="Approval Rule", compute="_compute_clerk_approval_queue", compute_sudo=True,
        help="The rule waiting for approval, or the one that was rejected.")
    clerk_approval_requester_id = fields.Many2one(
        "res.users", string="Requested By", compute="_compute_clerk_approval_queue", compute_sudo=True,
        help="Who sent the document for approval.")
    clerk_approval_rejection = fields.Char(
        string="Rejection", compute="_compute_clerk_approval_queue", compute_sudo=True,
        help="Who rejected the document, and why.")

    def _auto_init(self):
        # filled in one query on install and upgrade, rather than computed document by document
        fill = not column_exists(self.env.cr, "account_move", "clerk_approval_waiting_since")
        if fill:
            create_column(self.env.cr, "account_move", "clerk_approval_waiting_since", "timestamp")
            if table_exists(self.env.cr, "clerk_approval_request"):
                self.env.cr.execute(SQL("""
                    UPDATE account_move move SET clerk_approval_waiting_since = waiting.since
                      FROM (SELECT move_id, MIN(activated_date) AS since FROM clerk_approval_request
                             WHERE state = %s AND is_current GROUP BY move_id) waiting
                     WHERE waiting.move_id = move.id""", approval.PENDING))
        return super()._auto_init()

    @api.depends("clerk_approval_request_ids.state", "clerk_approval_request_ids.is_current",
                 "clerk_approval_request_ids.activated_date")
    def _compute_clerk_approval_waiting_since(self):
        for move in self:
            dates = [request.activated_date for request in move.clerk_approval_request_ids
                     if request.is_current and request.state == approval.PENDING and request.activated_date]
            move.clerk_approval_waiting_since = min(dates, default=False)

    @api.depends("clerk_approval_state")
    def _compute_clerk_approval_queue(self):
        moves = self._origin.filtered("clerk_approval_state")
        requests = moves._clerk_current_requests() if moves else self.env["clerk.approval.request"]
        by_move = defaultdict(lambda: self.env["clerk.approval.request"])
        for request in requests:
            by_move[request.move_id.id] |= request
        for move in self:
            current = by_move[move._origin.id]
            shown = current.filtered(lambda r: r.state == approval.REJECTED) \
                or current.filtered(lambda r: r.state == approval.PENDING)
            move.clerk_approval_rule_name = ", ".join(shown.sorted("sequence").mapped("name")) or False
            move.clerk_approval_requester_id = current[:1].requester_id
            rejections = shown.decision_ids.filtered(lambda d: d.decision == "reject")
            move.clerk_approval_rejection = "; ".join(
                f"{decision.user_id.name}: {decision.comment}" if decision.comment else decision.user_id.name
                for decision in rejections) or False

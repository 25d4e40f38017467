from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """The one gate before posting.

    Every feature of the addon extends :meth:`_clerk_blocking_reasons` in its
    own file; ``_post`` asks it once for the whole recordset.
    """

    _inherit = "account.move"

    clerk_ready_to_post = fields.Boolean(
        string="Ready to Post",
        compute="_compute_clerk_blocking", compute_sudo=True,
        help="Nothing outstanding blocks posting: approvals, documents and bill checks are all cleared.",
    )
    clerk_blocking_html = fields.Html(
        string="Outstanding Before Posting",
        compute="_compute_clerk_blocking", compute_sudo=True,
        sanitize=False,
    )
    clerk_override_ids = fields.One2many("clerk.post.override", "move_id", string="Emergency Postings")
    clerk_can_override = fields.Boolean(compute="_compute_clerk_can_override")

    # ------------------------------------------------------------------ gate
    def _clerk_blocking_reasons(self):
        """What still blocks posting each move of ``self``.

        Returns ``{move_id: [reason, ...]}`` for every move, a reason being a dict
        with ``code`` (a short key), ``message`` (for people), ``who`` (the
        users or group who can clear it, as text) and ``action`` (what clears it).
        Extensions must evaluate in batch: one query per kind of reason for the
        whole recordset, never one per move.
        """
        return {move.id: [] for move in self}

    def _clerk_moves_to_gate(self):
        """Moves the gate applies to: invoices and bills about to leave draft."""
        return self.filtered(lambda m: m.state == "draft" and m.is_invoice(include_receipts=True))

    def _clerk_reason_lines(self, reasons_by_move):
        self.ensure_one()
        return [
            reason["message"] + (f" ({reason['who']})" if reason.get("who") else "")
            for reason in reasons_by_move.get(self.id, [])
        ]

    def _clerk_format_reasons(self, reasons_by_move):
        """One text listing every reason per move, for the error of ``_post``."""
        blocks = []
        for move in self:
            lines = "\n".join(f"  - {line}" for line in move._clerk_reason_lines(reasons_by_move))
            blocks.append(f"{move.display_name}:\n{lines}")
        return "\n".join(blocks)

    def _post(self, soft=True):
        gated = self._clerk_moves_to_gate()
        if gated:
            reasons = gated._clerk_blocking_reasons()
            blocked = gated.filtered(lambda m: reasons.get(m.id))
            if blocked:
                override_reason = self.env.context.get("clerk_override_reason")
                if not override_reason:
                    raise UserError(self.env._(
                        "These entries are not ready to post:\n%(details)s",
                        details=blocked._clerk_format_reasons(reasons),
                    ))
                blocked._clerk_record_override(override_reason, reasons)
        return super()._post(soft=soft)

    def _clerk_record_override(self, reason, reasons_by_move):
        """The only way past the gate: a member of the company's emergency group, with a reason."""
        user = self.env.user
        self.company_id._clerk_check_override_group()
        overrides = self.env["clerk.post.override"].sudo().create([{
            "move_id": move.id,
            "company_id": move.company_id.id,
            "user_id": user.id,
            "reason": reason,
            "bypassed": "\n".join(r["message"] for r in reasons_by_move[move.id]),
        } for move in self])
        for move, override in zip(self, overrides, strict=True):
            move.message_post(body=Markup("%s<br/>%s<br/>%s") % (
                self.env._("Posted before it was ready (emergency override) by %s.", user.name),
                self.env._("Reason: %s", override.reason),
                self.env._("Outstanding: %s", override.bypassed),
            ))
        return overrides

    # ------------------------------------------------------------ UI helpers
    @api.depends("state", "move_type")
    @api.depends_context("uid")
    def _compute_clerk_blocking(self):
        gated = self._clerk_moves_to_gate()
        reasons = gated._clerk_blocking_reasons() if gated else {}
        for move in self:
            move_reasons = reasons.get(move.id) or []
            move.clerk_ready_to_post = not move_reasons
            move.clerk_blocking_html = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % line for line in move._clerk_reason_lines(reasons)
            ) if move_reasons else False

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_clerk_can_override(self):
        groups = self.env.user.all_group_ids
        for move in self:
            group = move.company_id.clerk_override_group_id
            move.clerk_can_override = bool(group and group in groups)

    def action_clerk_override_post(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Post Before Ready"),
            "res_model": "clerk.post.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids},
        }

import contextvars
from typing import NamedTuple

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import ormcache

from ..tools.flags import raised

# Inside ``_post`` once the gate has let the moves through: only there may ``state`` become ``posted``. Context
# variables, not the ORM context: an RPC caller can put anything in its context, not in these.
_GATE_PASSED = contextvars.ContextVar("clerk_gate_passed", default=False)
# Writes of the addon's own computed or system fields by the addon's own code.
_INTERNAL = contextvars.ContextVar("clerk_move_internal", default=False)

# Stored fields only the addon's own code writes (besides the computed ones, found from their definition).
SYSTEM_FIELDS = frozenset({"clerk_match_date"})
# What decides the value of each family of computed fields, for the refusal of a write.
GUARD_FAMILIES = ("clerk_approval_", "clerk_match_", "clerk_exception_", "clerk_document_", "clerk_billing_")
# The fields that say what a posted invoice or bill is and who it is with: fixed once it is posted.
POSTED_IDENTITY_FIELDS = ("move_type", "company_id", "partner_id", "currency_id")
POSTED_IDENTITY_FIELDS_SET = frozenset(POSTED_IDENTITY_FIELDS)


def internal_move_writes():
    """Let the addon's own code write its computed and system fields on moves inside the block."""
    return raised(_INTERNAL)


class BlockingReason(NamedTuple):
    """Something that blocks posting a move (or, in the panel's warnings, that a clerk should look at): what it
    is, who can clear it (as text, may be empty) and the buttons that clear it on the form.

    ``actions``: ``(kind, target, label)`` tuples; kind ``"method"`` calls the public method ``target`` of the
    move (a button of the panel, shown to the addon's users only), kind ``"tab"`` opens the form's notebook page
    named ``target``.
    """

    message: str
    who: str = ""
    actions: tuple = ()

    def __str__(self):
        return f"{self.message} ({self.who})" if self.who else self.message


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
    clerk_panel = fields.Json(
        string="Ready to Post? Panel", compute="_compute_clerk_blocking", compute_sudo=True,
        help="What blocks posting or needs a look, one line per item with who clears it and how.")
    clerk_override_ids = fields.One2many("clerk.post.override", "move_id", string="Emergency Postings")
    clerk_can_override = fields.Boolean(compute="_compute_clerk_can_override")

    # ------------------------------------------------------------------ gate
    def _clerk_blocking_reasons(self):
        """What still blocks posting each move of ``self``.

        Returns ``{move_id: [BlockingReason, ...]}`` for every move.
        Extensions must evaluate in batch: one query per kind of reason for the
        whole recordset, never one per move.
        """
        return {move.id: [] for move in self}

    def _clerk_moves_to_gate(self):
        """Moves the gate applies to: invoices and bills about to leave draft."""
        return self.filtered(lambda m: m.state == "draft" and m.is_invoice(include_receipts=True))

    def _clerk_label(self):
        """The document as people know it: its number, else its kind, partner and amount (and reference).

        Used by every refusal of the addon, so that a message about one of many drafts says which one.
        """
        self.ensure_one()
        move = self.sudo()
        if move.name and move.name != "/":
            return move.display_name
        details = [move.partner_id.display_name or self.env._("no partner")]
        if move.currency_id:
            details.append(move.currency_id.format(move.amount_total))
        if move.ref:
            details.append(self.env._("ref. %s", move.ref))
        if move.invoice_date:
            details.append(fields.Date.to_string(move.invoice_date))
        # Odoo's own name of a draft ("Draft Invoice", "Draft Bill"...), else the kind of document.
        kind = move.display_name or dict(move._fields["move_type"]._description_selection(self.env)).get(
            move.move_type, "")
        return f"{kind} ({', '.join(details)})"

    def _clerk_labels(self):
        return ", ".join(move._clerk_label() for move in self)

    def _clerk_reason_lines(self, reasons_by_move):
        self.ensure_one()
        return [str(reason) for reason in reasons_by_move.get(self.id, [])]

    def _clerk_format_reasons(self, reasons_by_move):
        """One text listing every reason per move, for the error of ``_post``."""
        blocks = []
        for move in self:
            lines = "\n".join(f"  - {line}" for line in move._clerk_reason_lines(reasons_by_move))
            blocks.append(f"{move._clerk_label()}:\n{lines}")
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
        with raised(_GATE_PASSED):
            return super()._post(soft=soft)

    # ------------------------------------------------------------------ guards of write
    @api.model
    @ormcache()
    def _clerk_guarded_fields(self):
        """The addon's fields on moves that nobody writes: computed states (no inverse) and system fields."""
        return frozenset(
            name for name, field in self._fields.items()
            if name.startswith("clerk_") and (name in SYSTEM_FIELDS or (
                field.compute and not field.inverse and field.readonly and not field.related))
        )

    def _clerk_guard_hint(self, field_names):
        """What sets each family of guarded fields, hence what clears what they say."""
        _ = self.env._
        hints = {
            "clerk_approval_": _("approvals are given by the approvers of each rule: send the document for "
                                 "approval and have it approved (Approve on the document)"),
            "clerk_match_": _("the bill check sets them: check the bill against its purchase orders and resolve or "
                              "accept its discrepancies"),
            "clerk_exception_": _("the bill check sets them: check the bill against its purchase orders and resolve "
                                  "or accept its discrepancies"),
            "clerk_document_": _("they follow the attached documents: attach the missing documents in the "
                                 "Documents tab"),
            "clerk_billing_": _("they follow the customer's billing details: complete the customer"),
        }
        found = []
        for name in sorted(field_names):
            family = next((prefix for prefix in GUARD_FAMILIES if name.startswith(prefix)), None)
            hint = hints.get(family) or _("clear what the Ready to post? panel lists")
            if hint not in found:
                found.append(hint)
        return "; ".join(found)

    def _clerk_refuse_guarded(self, names, moves_label):
        raise UserError(self.env._(
            "%(fields)s of %(moves)s cannot be written: Invoicing Clerk Tools computes them, %(hint)s.",
            fields=", ".join(self._fields[name]._description_string(self.env) for name in sorted(names)),
            moves=moves_label, hint=self._clerk_guard_hint(names)))

    @api.model_create_multi
    def create(self, vals_list):
        if not _INTERNAL.get():
            # A stored computed value given to create (or as a context default) would be kept as given.
            guarded = self._clerk_guarded_fields()
            given = {name for vals in vals_list for name in vals if name in guarded}
            given |= {key[len("default_"):] for key in self.env.context
                      if key.startswith("default_") and key[len("default_"):] in guarded}
            if given:
                self._clerk_refuse_guarded(given, self.env._("a new document"))
        return super().create(vals_list)

    def write(self, vals):
        if not vals or _INTERNAL.get():
            return super().write(vals)
        guarded = self._clerk_guarded_fields() & vals.keys()
        if guarded:
            self._clerk_refuse_guarded(guarded, self._clerk_labels())
        if vals.get("state") == "posted" and not _GATE_PASSED.get():
            self._clerk_check_state_write()
        if not self.env.su and POSTED_IDENTITY_FIELDS_SET & vals.keys():
            self._clerk_check_identity_write(vals)
        return super().write(vals)

    def _clerk_check_state_write(self):
        """``state`` becomes ``posted`` only through ``_post`` (past the gate); superuser code is gated here."""
        to_post = self.filtered(lambda m: m.state != "posted")
        if not to_post:
            return
        if not self.env.su:
            raise UserError(self.env._(
                "%s cannot be posted by writing its status: post it with Confirm (the Post button, or the "
                "action_post method), which checks that it is ready to post.", to_post._clerk_labels()))
        gated = to_post._clerk_moves_to_gate()
        reasons = gated._clerk_blocking_reasons() if gated else {}
        blocked = gated.filtered(lambda m: reasons.get(m.id))
        if blocked:
            raise UserError(self.env._("These entries are not ready to post:\n%(details)s",
                                       details=blocked._clerk_format_reasons(reasons)))

    def _clerk_check_identity_write(self, vals):
        """What a posted document is and who it is with is fixed; a draft held by the gate stays gated.

        Posted moves keep their type (Odoo's rule too: "once posted, its type is set in stone"), and posted
        invoices and bills their company, partner and currency. A draft invoice or bill the gate holds cannot
        become a journal entry (which the gate does not hold). Other changes of drafts void their approvals
        (see ``_clerk_watch_approvals``): they are asked again for what the document has become.
        """
        _ = self.env._
        for move in self:
            changed = [name for name in POSTED_IDENTITY_FIELDS if name in vals
                       and move._clerk_differs(name, vals[name])]
            if not changed:
                continue
            is_document = move.is_invoice(include_receipts=True)
            fixed = [name for name in changed if move.state == "posted" and (is_document or name == "move_type")]
            if "move_type" in changed and move.posted_before and "move_type" not in fixed:
                fixed.append("move_type")
            if fixed:
                raise UserError(_(
                    "%(fields)s of %(move)s cannot be changed: it was posted as it is. To correct it, issue a credit "
                    "note (or reverse it) and create a new document.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in fixed),
                    move=move._clerk_label()))
            if ("move_type" in changed and is_document and move.state == "draft"
                    and not self._clerk_type_is_gated(vals["move_type"])
                    and (move.clerk_approval_state or not move.clerk_ready_to_post)):
                raise UserError(_(
                    "%(move)s cannot become a journal entry: it is waiting for approvals or other items before "
                    "posting, which a journal entry would skip. Clear what its Ready to post? panel lists (or a "
                    "Clerk Manager re-evaluates its approvals) first, or create a journal entry instead.",
                    move=move._clerk_label()))

    def _clerk_differs(self, name, value):
        field = self._fields[name]
        current = self[name]
        if field.type == "many2one":
            return current.id != (value.id if isinstance(value, models.BaseModel) else (value or False))
        return current != value

    @api.model
    def _clerk_type_is_gated(self, move_type):
        return move_type in self.get_invoice_types(include_receipts=True)

    def _clerk_record_override(self, reason, reasons_by_move):
        """The only way past the gate: a member of the company's emergency group, with a reason."""
        user = self.env.user
        self.company_id._clerk_check_override_group()
        overrides = self.env["clerk.post.override"].sudo().create([{
            "move_id": move.id,
            "company_id": move.company_id.id,
            "user_id": user.id,
            "reason": reason,
            "bypassed": "\n".join(r.message for r in reasons_by_move[move.id]),
        } for move in self])
        for move, override in zip(self, overrides, strict=True):
            move.message_post(body=Markup("%s<br/>%s<br/>%s") % (
                self.env._("Posted before it was ready (emergency override) by %s.", user.name),
                self.env._("Reason: %s", override.reason),
                self.env._("Outstanding: %s", override.bypassed),
            ))
        return overrides

    # ------------------------------------------------------------ UI helpers
    def _clerk_panel_warnings(self):
        """``{move_id: [BlockingReason]}``: what does not block posting but a clerk should see on the form
        (billing details, documents under warning-only rules, exceptions only reported). Each feature extends
        it in its own file, in batch; shown to the addon's users only."""
        return {}

    @api.depends("state", "move_type", "partner_id")
    @api.depends_context("uid")
    def _compute_clerk_blocking(self):
        gated = self._clerk_moves_to_gate()
        reasons = gated._clerk_blocking_reasons() if gated else {}
        is_clerk = self.env.user.has_group("invoicing_clerk_tools.group_clerk")
        warnings = self._origin.filtered("id")._clerk_panel_warnings() if is_clerk else {}
        for move in self:
            move_reasons = reasons.get(move.id) or []
            move.clerk_ready_to_post = not move_reasons
            move.clerk_blocking_html = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % line for line in move._clerk_reason_lines(reasons)
            ) if move_reasons else False
            move.clerk_panel = move._clerk_panel_data(move_reasons, warnings.get(move._origin.id) or [], is_clerk)

    def _clerk_panel_data(self, blocking, warnings, with_actions):
        """The panel above the form: a title and one line per item (blocking first), each with who clears it
        and its buttons. Items cleared the same way by the same people (the discrepancies of a bill) share one
        line, one message each; a button already offered on a line above is not repeated."""
        if not blocking and not warnings:
            return False
        _ = self.env._
        lines, offered = [], set()
        for reason, blocks in [(reason, True) for reason in blocking] + [(reason, False) for reason in warnings]:
            actions = tuple(reason.actions) if with_actions else ()
            if lines and lines[-1]["key"] == (blocks, reason.who, actions):
                lines[-1]["messages"].append(reason.message)
                continue
            buttons = []
            for kind, target, label in actions:
                if (kind, target) not in offered:
                    offered.add((kind, target))
                    buttons.append({"kind": kind, "target": target, "label": label})
            lines.append({"key": (blocks, reason.who, actions), "messages": [reason.message], "who": reason.who,
                          "blocks": blocks, "buttons": buttons})
        for line in lines:
            del line["key"]
        if blocking:
            title = _("Ready to post? Not yet: %s to clear.", _("1 item") if len(blocking) == 1
                      else _("%s items", len(blocking)))
        elif self.state == "draft":
            title = _("Ready to post, but have a look first:")
        else:
            title = _("To look at:")
        return {"title": title, "level": "warning" if blocking else "info", "lines": lines,
                "labels": {"blocks": _("Blocks posting"), "warns": _("Warning"), "who": _("Who clears it")}}

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

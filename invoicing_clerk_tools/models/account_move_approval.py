import contextvars
from collections import defaultdict
from contextlib import contextmanager

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import approval
from ..tools.flags import raised
from .account_move import BlockingReason

# Moves being compared for invalidation, and moves being posted (past the gate). Context variables,
# not the ORM context: an RPC caller can put anything in its context, not in these.
_WATCHED = contextvars.ContextVar("clerk_approval_watched", default=frozenset())
_POSTING = contextvars.ContextVar("clerk_approval_posting", default=frozenset())

# What matters for an approval: a change to any of these after sending voids the approvals.
SNAPSHOT_FIELDS = ("move_type", "company_id", "partner_id", "currency_id", "journal_id", "invoice_date",
                   "invoice_date_due", "date", "amount_total", "amount_total_signed")


class AccountMove(models.Model):
    """Approvals before posting: requests per rule, the approval reasons of the gate, invalidation."""

    _inherit = "account.move"

    clerk_approval_request_ids = fields.One2many("clerk.approval.request", "move_id", string="Approval Requests",
                                                 readonly=True)
    clerk_approval_decision_ids = fields.One2many("clerk.approval.decision", "move_id", string="Approval Decisions",
                                                  readonly=True)
    clerk_approval_state = fields.Selection(
        [(approval.PENDING, "Waiting for Approval"), (approval.APPROVED, "Approved"),
         (approval.REJECTED, "Rejected")],
        string="Approval", compute="_compute_clerk_approval_state", store=True, index=True, copy=False,
        help="Where the document's latest sending for approval stands; empty when it was never sent "
             "(or its approvals were voided by a change).")
    # Computed as superuser: the rules are the addon's records, which users outside its groups cannot read (the
    # form shows the field to the addon's groups only).
    clerk_approval_rule_ids = fields.Many2many(
        "clerk.approval.rule", string="Approval Required", compute="_compute_clerk_approval_rules",
        compute_sudo=True,
        help="The approval rules that apply to this draft now, in the order they are asked.")
    clerk_approval_can_send = fields.Boolean(compute="_compute_clerk_approval_rules", compute_sudo=True)
    clerk_approval_can_decide = fields.Boolean(
        string="Awaits My Approval", compute="_compute_clerk_approval_can_decide",
        search="_search_clerk_approval_can_decide",
        help="You (or the approver you stand in for) may approve or reject the rule waiting for approval.")

    # ------------------------------------------------------------------ computes
    @api.depends("clerk_approval_request_ids.state", "clerk_approval_request_ids.is_current")
    def _compute_clerk_approval_state(self):
        for move in self:
            move.clerk_approval_state = approval.overall_state(
                request.state for request in move.clerk_approval_request_ids if request.is_current)

    @api.depends("state", "move_type", "company_id", "journal_id", "partner_id", "amount_total_signed",
                 "clerk_approval_state")
    def _compute_clerk_approval_rules(self):
        gated = self._clerk_moves_to_gate()._origin.filtered(
            lambda m: m.clerk_approval_state in (False, approval.REJECTED))
        rules = self.env["clerk.approval.rule"]._rules_for_moves(gated) if gated else {}
        empty = self.env["clerk.approval.rule"]
        for move in self:
            origin = move._origin
            move.clerk_approval_rule_ids = rules.get(origin.id, empty)
            move.clerk_approval_can_send = origin in gated and bool(
                rules.get(origin.id) or origin.clerk_approval_state == approval.REJECTED)

    @api.depends("clerk_approval_state", "state")
    @api.depends_context("uid")
    def _compute_clerk_approval_can_decide(self):
        pending = self._origin.filtered(lambda m: m.state == "draft" and m.clerk_approval_state == approval.PENDING)
        decidable = set()
        if pending:
            requests = pending._clerk_current_requests()
            decidable = {request.move_id.id for request in requests._decidable_by(self.env.user)}
        for move in self:
            move.clerk_approval_can_decide = move._origin.id in decidable

    def _search_clerk_approval_can_decide(self, operator, value):
        """Moves whose active rule the current user may decide, as one domain (subqueries, no extra query).

        The button and the approve method check exactly (``_decidable_by``); this
        search, used by the "To Approve" queue, approximates two rare cases: an
        approver substituted by the user who has already decided themselves, and a
        group rule whose absent member belongs to the group only through an
        implied group (only direct members are followed, to stay one query).
        """
        if operator not in ("in", "not in"):
            return NotImplemented
        uid = self.env.uid
        today = fields.Date.context_today(self)
        away = [("clerk_substitute_ids", "any", [
            ("substitute_id", "=", uid),
            *self.env["clerk.approval.substitute"]._in_effect_domain(today),
        ])]
        request_domain = [
            ("state", "=", approval.PENDING), ("is_current", "=", True),
            "|", ("allow_self_approval", "=", True), ("requester_id", "!=", uid),
            ("decision_ids", "not any", [("user_id", "=", uid)]),
            "|", "|", "|",
            ("approver_user_ids", "in", [uid]),
            ("approver_group_id", "in", list(self.env.user._get_group_ids())),
            ("approver_user_ids", "any", away),
            ("approver_group_id.user_ids", "any", away),
        ]
        positive = (True in value) == (operator == "in")
        return [("clerk_approval_request_ids", "any" if positive else "not any", request_domain)]

    def _clerk_current_requests(self):
        return self.env["clerk.approval.request"].sudo().search([
            ("move_id", "in", self._origin.ids), ("is_current", "=", True)])

    # ------------------------------------------------------------------ the gate
    def _clerk_blocking_reasons(self):
        reasons = super()._clerk_blocking_reasons()
        for move_id, items in self._clerk_approval_reasons().items():
            reasons.setdefault(move_id, []).extend(items)
        return reasons

    def _clerk_approval_reasons(self):
        """``{move_id: [reason]}`` for the approvals still missing, in batch.

        Moves never sent: rules are matched for all of them at once (nearly free
        when no rule exists for their company and type). Moves sent: one query
        reads their current requests.
        """
        _ = self.env._
        moves = self._origin.filtered("id")
        result = defaultdict(list)
        send = (("method", "action_clerk_send_for_approval", _("Send for Approval")),)
        never_sent = moves.filtered(lambda m: not m.clerk_approval_state)
        if never_sent:
            rules_by_move = self.env["clerk.approval.rule"]._rules_for_moves(never_sent)
            for move in never_sent.filtered(lambda m: m.id in rules_by_move):
                for rule in rules_by_move[move.id]:
                    result[move.id].append(BlockingReason(
                        _("Approval required (not sent yet): rule %s", rule.name), rule._approvers_label(), send))
        sent = moves.filtered(lambda m: m.clerk_approval_state in (approval.PENDING, approval.REJECTED))
        if sent:
            for request in sent._clerk_current_requests():
                if request.state == approval.PENDING:
                    message = _("Waiting for approval: rule %(level)s (%(count)s of %(needed)s approvals)",
                                level=request.name, count=request.approval_count, needed=request.min_approvals)
                elif request.state == approval.WAITING:
                    message = _("Not asked yet: rule %s (after the rules before it)", request.name)
                elif request.state == approval.REJECTED:
                    rejection = request.decision_ids.filtered(lambda d: d.decision == "reject")[-1:]
                    message = _("Rejected: rule %(level)s by %(who)s: %(reason)s. Correct the document and send "
                                "it for approval again.", level=request.name, who=rejection._who(),
                                reason=rejection.comment)
                else:
                    continue
                actions = ()
                if request.state == approval.PENDING:
                    actions = (("method", "action_clerk_approve", _("Approve")),
                               ("method", "action_clerk_reject", _("Reject")))
                    actions = actions if request.move_id.clerk_approval_can_decide else ()
                    who = request.approvers_label
                elif request.state == approval.REJECTED:
                    actions = send
                    who = _("the clerk: correct the document, then send it again")
                else:
                    who = request.approvers_label
                result[request.move_id.id].append(BlockingReason(message, who, actions))
        return result

    def _post(self, soft=True):
        with raised(_POSTING, _POSTING.get() | frozenset(self.ids)):
            posted = super()._post(soft=soft)
        overridden = posted.filtered(
            lambda m: m.state == "posted" and m.clerk_approval_state in (approval.PENDING, approval.REJECTED))
        if overridden:
            overridden._clerk_current_requests()._void(self.env._(
                "Posted before approval with the emergency override by %s.", self.env.user.name))
        return posted

    def action_post(self):
        """Post; documents that need approval and were never sent are sent for approval instead."""
        if self.env.context.get("clerk_override_reason"):
            return super().action_post()
        never_sent = self._clerk_moves_to_gate().filtered(lambda m: not m.clerk_approval_state)
        rules = self.env["clerk.approval.rule"]._rules_for_moves(never_sent) if never_sent else {}
        to_send = never_sent.filtered(lambda m: m.id in rules)
        if not to_send:
            return super().action_post()
        to_send._clerk_send_for_approval(rules, self.env.user)
        rest = self - to_send
        result = super(AccountMove, rest).action_post() if rest else False
        if result:
            return result
        return to_send._clerk_sent_notification()

    def _clerk_sent_notification(self):
        """What Confirm answers when it sent documents for approval instead of posting them: one notification
        saying so, naming the rules asked and their approvers (not posted yet: Confirm again once approved)."""
        _ = self.env._
        asked = self._clerk_current_requests().filtered(lambda r: r.state == approval.PENDING)
        lines = []
        for move in self:
            rules = "; ".join(f"{r.name} ({r.approvers_label})" for r in asked if r.move_id == move)
            lines.append(_("%(move)s needs approval before posting: Confirm sent it to %(rules)s instead of "
                           "posting it.", move=move._clerk_label(), rules=rules or "-"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Sent for approval, not posted"),
                "message": " ".join([*lines, _("Confirm again once it is approved.")]),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------ sending
    def action_clerk_send_for_approval(self):
        """Send draft invoices and bills for approval to the rules that apply now."""
        moves = self._clerk_moves_to_gate()
        if moves != self:
            raise UserError(self.env._("Only draft invoices and bills can be sent for approval, not %s.",
                                       (self - moves)._clerk_labels()))
        busy = moves.filtered(lambda m: m.clerk_approval_state in (approval.PENDING, approval.APPROVED))
        if busy:
            raise UserError(self.env._(
                "%s was already sent for approval. A Clerk Manager can re-evaluate it with the current rules.",
                busy._clerk_labels()))
        rules = self.env["clerk.approval.rule"]._rules_for_moves(moves)
        unneeded = moves.filtered(lambda m: m.id not in rules)
        rejected_unneeded = unneeded.filtered(lambda m: m.clerk_approval_state == approval.REJECTED)
        if unneeded - rejected_unneeded:
            raise UserError(self.env._("No approval rule applies to %s: it can be posted as it is.",
                                       (unneeded - rejected_unneeded)._clerk_labels()))
        moves._clerk_send_for_approval(rules, self.env.user)
        return True

    def _clerk_send_for_approval(self, rules_by_move, requester):
        """Create the frozen requests of ``rules_by_move`` for ``self`` and ask the first rule.

        Closes the previous round of each move (voiding what was open). A move
        that needs no approval any more only has its previous round closed.
        In batch: the requests in one ``create``, the first rules asked together
        (their To-Dos in one ``create``), the chatter messages in one batch.
        """
        self.check_access("write")
        _ = self.env._
        Request = self.env["clerk.approval.request"].sudo()
        previous = self._clerk_current_requests()
        previous._void(_("Sent for approval again by %s.", requester.name), user=requester)
        previous.filtered("is_current").write({"is_current": False})
        self._clerk_close_rejection_activities()
        vals_list, errors = [], []
        now = fields.Datetime.now()
        frozen = {}  # rule: (its values as sent, its approvers) for rules whose approvers are not a document field
        for move in self:
            for rule in rules_by_move.get(move.id, ()):
                if rule.approver_kind != "field" and rule in frozen:
                    values, approvers = frozen[rule]
                else:
                    approvers = rule._approvers_for(move)
                    label = rule._approvers_label()
                    if rule.approver_kind == "field":
                        label = f"{rule.approver_field_id.field_description}: {', '.join(approvers.mapped('name'))}"
                    values = {
                        "name": rule.name, "rule_id": rule.id, "sequence": rule.sequence, "state": approval.WAITING,
                        "is_current": True, "requester_id": requester.id, "sent_date": now,
                        "approver_kind": rule.approver_kind,
                        "approver_group_id": rule.approver_group_id.id if rule.approver_kind == "group" else False,
                        "approvers_label": label,
                        "min_approvals": rule.min_approvals, "allow_self_approval": rule.allow_self_approval,
                        "nudge_days": rule.nudge_days, "escalation_days": rule.escalation_days,
                        "escalation_user_id": rule.escalation_user_id.id,
                        "escalation_group_id": rule.escalation_group_id.id,
                    }
                    if rule.approver_kind != "group":  # a group rule's approvers are its members when asked
                        values["approver_user_ids"] = [(6, 0, approvers.ids)]
                    eligible = approvers if rule.allow_self_approval else approvers - requester
                    if rule.approver_kind == "field" and not approvers:
                        errors.append(_("%(move)s, rule %(level)s: its approver is the %(field)s of the document, "
                                        "which is empty: fill in %(field)s.", move=move._clerk_label(),
                                        level=rule.name, field=rule.approver_field_id.field_description))
                    elif approval.approvers_short_of(rule.min_approvals, len(eligible)):
                        errors.append(_(
                            "%(move)s, rule %(level)s needs %(needed)s approvals but only %(count)s approvers "
                            "other than %(requester)s can give one: someone else must send it, or a Clerk Manager "
                            "must add approvers to the rule.", move=move._clerk_label(), level=rule.name,
                            needed=rule.min_approvals, count=len(eligible), requester=requester.name))
                    elif rule.approver_kind != "field":
                        frozen[rule] = values, approvers  # checked once: the same for every document
                vals_list.append({**values, "move_id": move.id, "company_id": move.company_id.id})
        if errors:
            raise UserError(_("These documents cannot be sent for approval:\n%s", "\n".join(errors)))
        requests = Request.create(vals_list)
        by_move = defaultdict(list)  # move_id: [(request, its values)], in the order of the rules
        for request, vals in zip(requests, vals_list, strict=True):
            by_move[vals["move_id"]].append((request, vals))
        previous_move_ids = set(previous.move_id.ids)
        to_ask, bodies, items = [], {}, {}
        sent_by = _("Sent for approval by %s:", requester.name)
        for move in self:
            if move.id not in by_move:
                if move.id in previous_move_ids:
                    bodies[move.id] = _("No approval rule applies any more: %s can be posted.", move.display_name)
                continue
            move_requests = by_move[move.id]
            first = approval.active_sequence([(vals["sequence"], vals["state"]) for _request, vals in move_requests])
            to_ask += [request.id for request, vals in move_requests if vals["sequence"] == first]
            lines = []
            for _request, vals in move_requests:
                key = (vals["name"], vals["approvers_label"], vals["min_approvals"])
                if key not in items:
                    items[key] = Markup("<li>%s</li>") % _("%(level)s: %(who)s, %(needed)s approval(s)",
                                                            level=key[0], who=key[1], needed=key[2])
                lines.append(items[key])
            bodies[move.id] = Markup("%s<ul>%s</ul>") % (sent_by, Markup().join(lines))
        Request.browse(to_ask)._activate()
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies)
        return requests

    # ------------------------------------------------------------------ deciding
    def clerk_approve(self, comment=None):
        """Approve the rule waiting for approval, as its approver or their substitute (checked here)."""
        return self._clerk_decide("approve", (comment or "").strip() or False)

    def clerk_reject(self, reason=None):
        """Reject the rule waiting for approval with a reason; the document stays draft, marked rejected."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("A rejection needs a reason: fill in the Reason field."))
        return self._clerk_decide("reject", reason)

    def _clerk_lock_decisions(self):
        """Serialise the decisions on ``self``: one at a time per document, each seeing the ones before it.

        Takes the current requests of the moves by updating them (their write date) before anything is read.
        A second decision on the same document waits for the first transaction; once that one commits, the
        database refuses the second (``could not serialize access due to concurrent update``, the transaction
        being REPEATABLE READ), and Odoo runs the call again (``odoo.service.model.retrying``, used by every
        RPC and web request), this time seeing the first decision: two approvers at once end with the rule
        approved once, and one approver clicking twice gets one decision. The unique constraints of
        ``clerk.approval.decision`` hold even without this.
        """
        if not self.ids:
            return
        Request = self.env["clerk.approval.request"]
        Request.flush_model()
        self.env.cr.execute(SQL(
            """UPDATE clerk_approval_request SET write_date = %(now)s, write_uid = %(uid)s
                WHERE id IN (SELECT id FROM clerk_approval_request WHERE move_id IN %(moves)s AND is_current
                              ORDER BY id FOR UPDATE)""",
            now=self.env.cr.now(), uid=self.env.uid, moves=tuple(self._origin.ids)))
        Request.invalidate_model()
        self.env["clerk.approval.decision"].invalidate_model()
        self.invalidate_recordset(["clerk_approval_state", "clerk_approval_request_ids",
                                   "clerk_approval_decision_ids"])

    def _clerk_decide(self, decision, comment):
        _ = self.env._
        self.check_access("read")
        self._clerk_lock_decisions()
        user = self.env.user
        requests = self._clerk_current_requests()
        substituted = self.env["clerk.approval.substitute"]._substituted_by(user)
        decidable = requests._decidable_by(user, substituted)
        by_move = defaultdict(dict)
        for request, principal in decidable.items():
            by_move[request.move_id.id][request] = principal
        refused = self.filtered(lambda m: m.id not in by_move)
        if refused:
            waiting = requests.filtered(lambda r: r.state == approval.PENDING and r.move_id in refused)
            mine = waiting.decision_ids.filtered(lambda d: d.user_id == user)
            if mine:
                raise AccessError(_(
                    "You already decided on %(moves)s (%(decisions)s): a decision counts once. Waiting for: "
                    "%(who)s.", moves=mine.move_id._clerk_labels(),
                    decisions="; ".join(f"{d.rule_name}: {d._summary()}" for d in mine),
                    who="; ".join(f"{r.name} ({r.approvers_label})" for r in waiting)))
            raise AccessError(_(
                "You cannot approve or reject %(moves)s: only an approver of the rule waiting for approval (or "
                "their substitute) can, who has not decided yet, and not the person who sent it unless the rule "
                "allows it. Waiting for: %(who)s.", moves=refused._clerk_labels(),
                who="; ".join(f"{r.name} ({r.approvers_label})" for r in waiting) or _("nobody")))
        now = fields.Datetime.now()
        self.env["clerk.approval.decision"].sudo().create([{
            "request_id": request.id, "decision": decision, "user_id": user.id, "approver_id": principal.id,
            "comment": comment, "date": now,
        } for request, principal in decidable.items()])
        for move in self:
            move_decidable = by_move[move.id]
            who = ", ".join(
                user.name if principal == user else _("%(user)s for %(approver)s", user=user.name,
                                                       approver=principal.name)
                for principal in set(move_decidable.values()))
            levels = ", ".join(r.name for r in move_decidable)
            if decision == "reject":
                move._clerk_apply_rejection(move_decidable, who, levels, comment, now)
            else:
                move._clerk_apply_approval(move_decidable, who, levels, comment, now)
        return True

    def _clerk_apply_approval(self, decided, who, levels, comment, now):
        self.ensure_one()
        _ = self.env._
        user = self.env.user
        done = self.env["clerk.approval.request"].sudo()
        for request, principal in decided.items():
            request.invalidate_recordset(["approval_count"])
            if request.approval_count >= request.min_approvals:
                done |= request
            else:
                request._activities().filtered(lambda a, p=principal: a.user_id in (user | p)).action_feedback(
                    feedback=_("Approved"))
        if done:
            done._close_activities()
            done.write({"state": approval.APPROVED, "done_date": now})
        body = _("Approved by %(who)s: %(levels)s.", who=who, levels=levels)
        if comment:
            body += " " + _("Comment: %s", comment)
        self.message_post(body=body)
        current = self._clerk_current_requests()
        next_sequence = approval.active_sequence([(r.sequence, r.state) for r in current])
        to_ask = current.filtered(lambda r: r.state == approval.WAITING and r.sequence == next_sequence)
        if to_ask:
            to_ask._activate()
            self.message_post(body=_("Next rule asked: %s.", ", ".join(
                f"{r.name} ({r.approvers_label})" for r in to_ask)))
        elif all(r.state == approval.APPROVED for r in current):
            requesters = current.requester_id
            self.message_post(body=_("Every approval rule is approved: %s can be posted.", self.display_name),
                              partner_ids=requesters.partner_id.ids, subtype_xmlid="mail.mt_comment")

    def _clerk_apply_rejection(self, decided, who, levels, reason, now):
        self.ensure_one()
        _ = self.env._
        current = self._clerk_current_requests()
        current._close_activities()
        rejected = self.env["clerk.approval.request"].sudo().browse([r.id for r in decided])
        rejected.write({"state": approval.REJECTED, "done_date": now})
        (current - rejected).filtered(lambda r: r.state in approval.OPEN_REQUEST_STATES).write({
            "state": approval.VOIDED, "void_reason": _("Not asked: rule %s was rejected.", levels),
            "voided_by_id": self.env.user.id, "voided_date": now,
        })
        requesters = current.requester_id
        self.message_post(
            body=_("Rejected by %(who)s: %(levels)s. Reason: %(reason)s", who=who, levels=levels, reason=reason),
            partner_ids=requesters.partner_id.ids, subtype_xmlid="mail.mt_comment")
        for requester in requesters:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=requester.id,
                summary=self._clerk_rejection_summary(),
                note=_("Rejected by %(who)s: %(reason)s. Correct the document and send it for approval again.",
                       who=who, reason=reason))

    def _clerk_close_rejection_activities(self):
        self.env["mail.activity"].sudo().search([
            ("res_model", "=", "account.move"), ("res_id", "in", self.ids),
            ("summary", "=", self._clerk_rejection_summary()),
        ]).unlink()

    def _clerk_rejection_summary(self):
        return self.env._("Approval rejected: correct and send again")

    # ------------------------------------------------------------------ buttons
    def _clerk_decision_wizard(self, decision):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve") if decision == "approve" else self.env._("Reject"),
            "res_model": "clerk.approval.decision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids, "default_decision": decision},
        }

    def action_clerk_approve(self):
        return self._clerk_decision_wizard("approve")

    def action_clerk_reject(self):
        return self._clerk_decision_wizard("reject")

    def action_clerk_reevaluate_approvals(self):
        """Clerk Manager: void the requests in flight and send again with the rules as they are now."""
        if not self.env.user.has_group("invoicing_clerk_tools.group_manager"):
            raise AccessError(self.env._("Only a Clerk Manager can re-evaluate the approvals of a document."))
        moves = self._clerk_moves_to_gate()
        if moves != self:
            raise UserError(self.env._("Only draft invoices and bills can be re-evaluated, not %s.",
                                       (self - moves)._clerk_labels()))
        self.check_access("write")
        current = moves._clerk_current_requests()
        requester_of = {request.move_id.id: request.requester_id for request in current}
        current._void(self.env._("Re-evaluated with the current rules by %s.", self.env.user.name))
        current.filtered("is_current").write({"is_current": False})
        rules = self.env["clerk.approval.rule"]._rules_for_moves(moves)
        by_requester = defaultdict(lambda: self.browse())
        for move in moves:
            by_requester[requester_of.get(move.id, self.env.user)] |= move
        for requester, requester_moves in by_requester.items():
            requester_moves._clerk_send_for_approval(rules, requester)
        for move in moves:
            move.message_post(body=self.env._(
                "Approvals re-evaluated with the current rules by %(user)s: %(levels)s.", user=self.env.user.name,
                levels=", ".join(rules[move.id].mapped("name")) if move.id in rules else self.env._("none apply")))
        return True

    # ------------------------------------------------------------------ invalidation
    def write(self, vals):
        with self._clerk_watch_approvals():
            return super().write(vals)

    @contextmanager
    def _clerk_watch_approvals(self):
        """Void the approvals of draft moves whose significant facts change inside the block."""
        skip = _WATCHED.get() | _POSTING.get()
        moves = self._origin.filtered(lambda m: m.id and m.id not in skip and m.state == "draft"
                                      and m.clerk_approval_state in (approval.PENDING, approval.APPROVED))
        if not moves:
            yield
            return
        before = moves._clerk_approval_snapshot()
        with raised(_WATCHED, _WATCHED.get() | frozenset(moves.ids)):
            yield
        moves = moves.exists().filtered(lambda m: m.state == "draft")
        if moves:
            after = moves._clerk_approval_snapshot()
            moves._clerk_void_changed(before, after)

    def _clerk_approval_snapshot(self):
        """The facts that matter for an approval, as comparable text, per move."""
        snapshot = {}
        move_types = dict(self._fields["move_type"]._description_selection(self.env))
        for move in self.sudo():
            facts = {
                "move_type": move_types.get(move.move_type),
                "company_id": move.company_id.display_name,
                "partner_id": move.partner_id.display_name,
                "currency_id": move.currency_id.name,
                "journal_id": move.journal_id.display_name,
                "invoice_date": fields.Date.to_string(move.invoice_date),
                "invoice_date_due": fields.Date.to_string(move.invoice_date_due),
                "date": fields.Date.to_string(move.date),
                "amount_total": move.currency_id.format(move.amount_total) if move.currency_id else move.amount_total,
                "amount_total_signed": move.company_currency_id.format(move.amount_total_signed),
            }
            for line in move.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
                facts[f"line_{line.id}"] = self.env._(
                    "%(product)s: %(quantity)s × %(price)s, discount %(discount)s%%, taxes: %(taxes)s",
                    product=line.product_id.display_name or "-", quantity=line.quantity,
                    price=line.price_unit, discount=line.discount,
                    taxes=", ".join(line.tax_ids.mapped("name")) or "-")
            snapshot[move.id] = facts
        return snapshot

    def _clerk_void_changed(self, before, after):
        _ = self.env._
        labels = {name: self._fields[name]._description_string(self.env) for name in SNAPSHOT_FIELDS}
        user = self.env.user
        for move in self:
            old, new = before[move.id], after[move.id]
            line_labels = {key: _("Invoice line") for key in (old.keys() | new.keys()) if key.startswith("line_")}
            changes = approval.describe_changes(old, new, {**labels, **line_labels})
            if not changes:
                continue
            text = "; ".join(f"{label}: {was or '-'} → {now or '-'}" for label, was, now in changes)
            reason = _("Changed by %(user)s after it was sent for approval: %(changes)s", user=user.name,
                       changes=text)
            move._clerk_current_requests()._void(reason, user=user)
            move.message_post(body=Markup("%s<ul>%s</ul>%s") % (
                _("Approvals voided: %s changed the document after it was sent for approval.", user.name),
                Markup().join(Markup("<li>%s: %s → %s</li>") % (label, was or "-", now or "-")
                              for label, was, now in changes),
                _("It must be sent for approval again."),
            ))

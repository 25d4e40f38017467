import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ..tools import approval
from .clerk_batch import claim

_logger = logging.getLogger(__name__)

STATES = [
    (approval.WAITING, "Waiting for Earlier Rule"),
    (approval.PENDING, "To Approve"),
    (approval.APPROVED, "Approved"),
    (approval.REJECTED, "Rejected"),
    (approval.VOIDED, "Voided"),
]


class ClerkApprovalRequest(models.Model):
    """One rule of approval asked for one document, frozen when sent.

    Everything the rule needs (approvers, approvals needed, four-eyes, delays)
    is copied from the rule when the document is sent, so later edits of the
    rule do not rewrite requests in flight. Requests are history: users never
    write or delete them; the addon's own methods do, as superuser.
    """

    _name = "clerk.approval.request"
    _description = "Approval Request"
    _inherit = ["clerk.history.mixin"]
    # what the approval flow moves on (as superuser); the rule, its approvers and delays stay as sent
    _history_open_fields = frozenset({"state", "is_current", "activated_date", "done_date", "void_reason",
                                            "voided_by_id", "voided_date"})
    _order = "move_id desc, is_current desc, sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Rule Name", required=True, readonly=True)
    # No check_company on move_id: only the addon creates requests (users may not), with the move's company;
    # Odoo's check costs a domain evaluation per request, which dominated sending thousands of them.
    move_id = fields.Many2one("account.move", string="Document", required=True, readonly=True, index=True,
                              ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    rule_id = fields.Many2one("clerk.approval.rule", string="Rule", readonly=True, ondelete="restrict",
                              help="The rule the request was made from, as it was when sent.")
    sequence = fields.Integer(readonly=True)
    state = fields.Selection(STATES, required=True, readonly=True, default=approval.WAITING, index=True)
    is_current = fields.Boolean(string="Current Round", readonly=True, default=True, index=True,
                                help="Part of the document's latest sending for approval.")
    requester_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True)
    sent_date = fields.Datetime(string="Sent On", required=True, readonly=True, default=fields.Datetime.now)
    activated_date = fields.Datetime(string="Asked On", readonly=True,
                                     help="When the approvers of this rule were asked (earlier rules done).")
    done_date = fields.Datetime(string="Decided On", readonly=True)

    approver_kind = fields.Selection([("users", "Named Users"), ("group", "Group"), ("field", "Document Field")],
                                     readonly=True, required=True)
    approver_user_ids = fields.Many2many("res.users", "clerk_approval_request_approver_rel", "request_id", "user_id",
                                         string="Approvers", readonly=True)
    approver_group_id = fields.Many2one("res.groups", string="Approver Group", readonly=True)
    approvers_label = fields.Char(string="Approvers (as sent)", readonly=True)
    min_approvals = fields.Integer(string="Approvals Needed", readonly=True)
    allow_self_approval = fields.Boolean(string="Requester May Approve", readonly=True)
    nudge_days = fields.Integer(string="Nudge After (Days)", readonly=True)
    escalation_days = fields.Integer(string="Escalate After (Days)", readonly=True)
    escalation_user_id = fields.Many2one("res.users", string="Escalate To", readonly=True)
    escalation_group_id = fields.Many2one("res.groups", string="Escalate To Group", readonly=True)

    decision_ids = fields.One2many("clerk.approval.decision", "request_id", string="Decisions", readonly=True)
    followup_ids = fields.One2many("clerk.approval.followup", "request_id", string="Nudges and Escalations",
                                   readonly=True)
    approval_count = fields.Integer(string="Approvals", compute="_compute_approval_count")
    decision_summary = fields.Text(string="Decided By", compute="_compute_decision_summary")

    void_reason = fields.Text(string="Why Voided", readonly=True)
    voided_by_id = fields.Many2one("res.users", string="Voided By", readonly=True)
    voided_date = fields.Datetime(string="Voided On", readonly=True)

    @api.depends("decision_ids.approver_id", "decision_ids.decision")
    def _compute_approval_count(self):
        for request in self:
            request.approval_count = approval.distinct_approvals(
                d.approver_id.id for d in request.decision_ids if d.decision == "approve")

    @api.depends("decision_ids")
    def _compute_decision_summary(self):
        for request in self:
            request.decision_summary = "\n".join(d._summary() for d in request.decision_ids) or False

    def _history_hint(self):
        return self.env._("Use the Approve, Reject or Send for Approval buttons of the document.")

    # ------------------------------------------------------------ who may decide
    def _principals(self):
        """The people whose approval counts for each request (named users, group members)."""
        self.ensure_one()
        if self.approver_kind == "group":
            return self.approver_group_id.all_user_ids.filtered(lambda u: u.active and not u.share)
        return self.approver_user_ids

    def _decidable_by(self, user, substituted=None):
        """``{request: principal}`` of the pending requests ``user`` may decide now, and for whom.

        ``principal`` is ``user`` or the absent approver ``user`` substitutes.
        Four-eyes: the requester acts for nobody unless the rule allows it.
        """
        if substituted is None:
            substituted = self.env["clerk.approval.substitute"]._substituted_by(user)
        result = {}
        for request in self:
            if request.state != approval.PENDING or not request.is_current:
                continue
            if not request.allow_self_approval and user == request.requester_id:
                continue
            done_by = {d.approver_id.id for d in request.decision_ids} | {d.user_id.id for d in request.decision_ids}
            if user.id in done_by:
                continue
            for principal in (user, *substituted):
                if principal.id in done_by:
                    continue
                if not request.allow_self_approval and principal == request.requester_id:
                    continue
                if request._is_approver(principal):
                    result[request] = principal
                    break
        return result

    def _is_approver(self, user):
        self.ensure_one()
        if self.approver_kind == "group":
            return self.approver_group_id in user.all_group_ids
        return user in self.approver_user_ids

    def _notify_users(self):
        """Who to ask or nudge for a pending request: its approvers, or their substitute while away."""
        self.ensure_one()
        users = self._principals()
        away = self.env["clerk.approval.substitute"]._active_for(users)
        return (users - away.user_id) | away.substitute_id, away

    # ------------------------------------------------------------ activities
    def _activity_summary(self):
        self.ensure_one()
        return self.env._("Approve: %s", self.name)

    def _schedule_activities(self):
        """A To-Do for every approver (or their substitute) of each request, in batch.

        The To-Dos are made in one ``create``. Someone given one To-Do gets Odoo's "assigned to you"
        notification, as ``activity_schedule`` sends it; someone given several at once (a batch sent
        for approval) gets one notification listing the documents instead of one per document.
        """
        if not self or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        _ = self.env._
        todo = self.env.ref("mail.mail_activity_data_todo")
        principals = {request: request._principals() for request in self}
        away = self.env["clerk.approval.substitute"]._active_for(
            self.env["res.users"].union(*principals.values()))
        away_by_user = defaultdict(lambda: away.browse())
        for substitution in away:
            away_by_user[substitution.user_id] |= substitution
        model_id = self.env["ir.model"]._get_id("account.move")
        today = fields.Date.context_today(self)
        vals_list, summaries, notes = [], {}, {}
        for request in self:
            users = principals[request]
            request_away = away.browse().union(*(away_by_user[user] for user in users))
            if request.name not in summaries:
                summaries[request.name] = request._activity_summary()
            if request.requester_id not in notes:
                notes[request.requester_id] = _("Approval requested by %s.", request.requester_id.name)
            note = notes[request.requester_id]
            for user in (users - request_away.user_id) | request_away.substitute_id:
                for_whom = request_away.filtered(lambda s, u=user: s.substitute_id == u).user_id
                vals_list.append({
                    "activity_type_id": todo.id, "summary": summaries[request.name], "automated": True,
                    "note": note + " " + _("You stand in for %s.", ", ".join(for_whom.mapped("name")))
                    if for_whom else note,
                    "date_deadline": today, "res_model_id": model_id, "res_id": request.move_id.id,
                    "user_id": user.id,
                })
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        by_user = activities.grouped("user_id")
        singles = self.env["mail.activity"].sudo().union(*(acts for user, acts in by_user.items()
                                                           if len(acts) == 1 and user != self.env.user))
        singles.action_notify()
        for user, user_activities in by_user.items():
            if len(user_activities) > 1 and user != self.env.user:
                user_activities._clerk_notify_assigned_batch()
        return activities

    def _activities(self):
        summaries = {request._activity_summary() for request in self}
        if not self:
            return self.env["mail.activity"]
        return self.env["mail.activity"].sudo().search([
            ("res_model", "=", "account.move"), ("res_id", "in", self.move_id.ids),
            ("activity_type_id", "=", self.env.ref("mail.mail_activity_data_todo").id),
            ("summary", "in", list(summaries)),
        ])

    def _close_activities(self, user=None, feedback=None):
        """Mark ``user``'s To-Do of these requests done, or remove every approver's when no user is given."""
        activities = self._activities()
        if user:
            activities.filtered(lambda a: a.user_id == user).action_feedback(feedback=feedback)
        else:
            activities.unlink()

    # ------------------------------------------------------------ life
    def _activate(self):
        """Ask the approvers of these (waiting) requests now."""
        self.sudo().write({"state": approval.PENDING, "activated_date": fields.Datetime.now()})
        self._schedule_activities()

    def _void(self, reason, user=None):
        """Void open or approved requests: they no longer count; the document needs approval again."""
        requests = self.filtered(lambda r: r.state in (*approval.OPEN_REQUEST_STATES, approval.APPROVED))
        if not requests:
            return requests
        requests._close_activities()
        requests.sudo().write({
            "state": approval.VOIDED,
            "is_current": False,
            "void_reason": reason,
            "voided_by_id": (user or self.env.user).id,
            "voided_date": fields.Datetime.now(),
        })
        return requests

    # ------------------------------------------------------------ cron
    @api.model
    def _followup_domain(self, now):
        delays_from = now - timedelta(days=1)  # every delay is a whole number of days, at least one
        return [
            ("state", "=", approval.PENDING),
            ("is_current", "=", True),
            ("move_id.state", "=", "draft"),
            ("activated_date", "<=", delays_from),
            "|",
            "&", ("nudge_days", ">", 0), ("followup_ids", "not any", [("kind", "=", approval.NUDGE)]),
            "&", ("escalation_days", ">", 0), ("followup_ids", "not any", [("kind", "=", approval.ESCALATION)]),
        ]

    @api.model
    def _cron_followups(self, batch_size=200):
        """Nudge approvers and escalate requests past their rule's delays, each once per request and delay.

        Work is selected with a domain that excludes what was done, claimed with
        ``FOR UPDATE SKIP LOCKED`` (two workers never take the same request) and
        recorded as ``clerk.approval.followup`` rows (unique per request and
        kind), committing after each batch.
        """
        now = fields.Datetime.now()
        domain = self._followup_domain(now)
        last_id = 0
        while True:
            batch = claim(self, [*domain, ("id", ">", last_id)], limit=batch_size)
            if not batch:
                return
            last_id = batch[-1].id
            done = batch._send_followups(now)
            if not self.env["ir.cron"]._commit_progress(done):
                return

    def _send_followups(self, now):
        done_kinds = defaultdict(set)
        for followup in self.followup_ids:
            done_kinds[followup.request_id.id].add(followup.kind)
        to_record = []
        for request in self:
            for kind in approval.due_followups(request.activated_date, now, request.nudge_days,
                                               request.escalation_days, done_kinds[request.id]):
                users = request._nudge() if kind == approval.NUDGE else request._escalate()
                to_record.append({"request_id": request.id, "kind": kind, "date": now,
                                  "notified_user_ids": [(6, 0, users.ids)]})
        self.env["clerk.approval.followup"].sudo().create(to_record)
        return len(to_record)

    def _nudge(self):
        self.ensure_one()
        users, _away = self._notify_users()
        self.move_id.sudo().message_post(
            body=Markup("%s") % self.env._(
                "Nudge: rule %(level)s has been waiting for approval since %(date)s (%(who)s).",
                level=self.name, date=fields.Datetime.to_string(self.activated_date),
                who=", ".join(users.mapped("name")) or self.approvers_label),
            partner_ids=users.partner_id.ids,
            message_type="comment", subtype_xmlid="mail.mt_note",
        )
        return users

    def _escalate(self):
        self.ensure_one()
        users = self.escalation_user_id | self.escalation_group_id.all_user_ids.filtered(
            lambda u: u.active and not u.share)
        move = self.move_id.sudo()
        for user in users:
            move.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=self.env._("Escalated: %s", self.name),
                note=self.env._("Rule %(level)s has waited for approval since %(date)s.", level=self.name,
                                date=fields.Datetime.to_string(self.activated_date)))
        move.message_post(
            body=self.env._("Escalated: rule %(level)s has waited for approval since %(date)s; escalated to "
                            "%(who)s.", level=self.name, date=fields.Datetime.to_string(self.activated_date),
                            who=", ".join(users.mapped("name"))),
            partner_ids=users.partner_id.ids,
            message_type="comment", subtype_xmlid="mail.mt_note",
        )
        return users

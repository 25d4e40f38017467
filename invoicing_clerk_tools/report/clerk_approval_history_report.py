from datetime import datetime, time

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools import xlsx

_lt = LazyTranslate(__name__)

REQUEST_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 18),
    xlsx.Column(_lt("Document"), "text", 20),
    xlsx.Column(_lt("Partner"), "text", 26),
    xlsx.Column(_lt("Rule"), "text", 24),
    xlsx.Column(_lt("Sequence"), "int", 8),
    xlsx.Column(_lt("Status"), "text", 14),
    xlsx.Column(_lt("Current Round"), "bool", 8),
    xlsx.Column(_lt("Requested By"), "text", 18),
    xlsx.Column(_lt("Sent On"), "datetime", 17),
    xlsx.Column(_lt("Asked On"), "datetime", 17),
    xlsx.Column(_lt("Approvers"), "text", 30),
    xlsx.Column(_lt("Approvals Needed"), "int", 9),
    xlsx.Column(_lt("Approvals Given"), "int", 9),
    xlsx.Column(_lt("Decided On"), "datetime", 17),
    xlsx.Column(_lt("Voided By"), "text", 18),
    xlsx.Column(_lt("Voided On"), "datetime", 17),
    xlsx.Column(_lt("Why Voided"), "text", 50),
)
DECISION_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 18),
    xlsx.Column(_lt("Document"), "text", 20),
    xlsx.Column(_lt("Rule"), "text", 24),
    xlsx.Column(_lt("Decision"), "text", 12),
    xlsx.Column(_lt("Decided By"), "text", 18),
    xlsx.Column(_lt("For Approver"), "text", 18),
    xlsx.Column(_lt("By Substitute"), "bool", 8),
    xlsx.Column(_lt("Date"), "datetime", 17),
    xlsx.Column(_lt("Comment"), "text", 50),
)
FOLLOWUP_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 18),
    xlsx.Column(_lt("Document"), "text", 20),
    xlsx.Column(_lt("Rule"), "text", 24),
    xlsx.Column(_lt("Kind"), "text", 12),
    xlsx.Column(_lt("Date"), "datetime", 17),
    xlsx.Column(_lt("Sent To"), "text", 40),
)
SUBSTITUTE_COLUMNS = (
    xlsx.Column(_lt("Approver Away"), "text", 20),
    xlsx.Column(_lt("Substitute"), "text", 20),
    xlsx.Column(_lt("From"), "date", 12),
    xlsx.Column(_lt("To"), "date", 12),
    xlsx.Column(_lt("Ended On"), "date", 12),
    xlsx.Column(_lt("Note"), "text", 30),
    xlsx.Column(_lt("Recorded By"), "text", 20),
    xlsx.Column(_lt("Recorded On"), "datetime", 17),
)
OVERRIDE_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 18),
    xlsx.Column(_lt("Document"), "text", 20),
    xlsx.Column(_lt("Posted By"), "text", 18),
    xlsx.Column(_lt("Date"), "datetime", 17),
    xlsx.Column(_lt("Reason"), "text", 40),
    xlsx.Column(_lt("Outstanding When Posted"), "text", 60),
)


class ClerkApprovalHistoryReport(models.AbstractModel):
    _name = "clerk.approval.history.report"
    _inherit = "clerk.xlsx.export"
    _description = "Approval History Export"



    @api.model
    def _period(self, field_name, date_from, date_to):
        domain = []
        if date_from:
            domain.append((field_name, ">=", datetime.combine(date_from, time.min)))
        if date_to:
            domain.append((field_name, "<=", datetime.combine(date_to, time.max)))
        return domain

    @api.model
    def _selection(self, model, field_name):
        return dict(self.env[model]._fields[field_name]._description_selection(self.env))

    @api.model
    def _request_rows(self, date_from, date_to):
        states = self._selection("clerk.approval.request", "state")
        domain = [("company_id", "in", self.env.companies.ids), *self._period("sent_date", date_from, date_to)]
        for requests in self.with_context(active_test=False)._chunks("clerk.approval.request", domain, [
                "company_id", "move_id", "name", "sequence", "state", "is_current", "requester_id", "sent_date",
                "activated_date", "approvers_label", "min_approvals", "done_date", "voided_by_id", "voided_date",
                "void_reason"]):
            requests.move_id.fetch(["name", "partner_id"])
            requests.decision_ids.fetch(["decision", "approver_id"])
            for request in requests:
                yield (request.company_id.name, request.move_id.display_name,
                       request.move_id.partner_id.display_name, request.name, request.sequence,
                       states[request.state], request.is_current, request.requester_id.name, request.sent_date,
                       request.activated_date, request.approvers_label, request.min_approvals,
                       request.approval_count, request.done_date, request.voided_by_id.name or None,
                       request.voided_date, request.void_reason or None)

    @api.model
    def _decision_rows(self, date_from, date_to):
        decisions = self._selection("clerk.approval.decision", "decision")
        domain = [("company_id", "in", self.env.companies.ids), *self._period("date", date_from, date_to)]
        for records in self.with_context(active_test=False)._chunks("clerk.approval.decision", domain, [
                "company_id", "move_id", "rule_name", "decision", "user_id", "approver_id", "is_substitute", "date",
                "comment"]):
            for record in records:
                yield (record.company_id.name, record.move_id.display_name, record.rule_name,
                       decisions[record.decision], record.user_id.name, record.approver_id.name,
                       record.is_substitute, record.date, record.comment or None)

    @api.model
    def _followup_rows(self, date_from, date_to):
        kinds = self._selection("clerk.approval.followup", "kind")
        domain = [("company_id", "in", self.env.companies.ids), *self._period("date", date_from, date_to)]
        for records in self.with_context(active_test=False)._chunks("clerk.approval.followup", domain, [
                "company_id", "move_id", "request_id", "kind", "date", "notified_user_ids"]):
            for record in records:
                yield (record.company_id.name, record.move_id.display_name, record.request_id.name,
                       kinds[record.kind], record.date, ", ".join(record.notified_user_ids.mapped("name")))

    @api.model
    def _substitute_rows(self, date_from, date_to):
        domain = []
        if date_from:
            domain.append(("date_to", ">=", date_from))
        if date_to:
            domain.append(("date_from", "<=", date_to))
        for records in self.with_context(active_test=False)._chunks("clerk.approval.substitute", domain, [
                "user_id", "substitute_id", "date_from", "date_to", "ended_on", "note", "create_uid",
                "create_date"]):
            for record in records:
                yield (record.user_id.name, record.substitute_id.name, record.date_from, record.date_to,
                       record.ended_on or None, record.note or None, record.create_uid.name, record.create_date)

    @api.model
    def _override_rows(self, date_from, date_to):
        domain = [("company_id", "in", self.env.companies.ids), *self._period("create_date", date_from, date_to)]
        for records in self.with_context(active_test=False)._chunks("clerk.post.override", domain, [
                "company_id", "move_id", "user_id", "create_date", "reason", "bypassed"]):
            for record in records:
                yield (record.company_id.name, record.move_id.display_name, record.user_id.name,
                       record.create_date, record.reason, record.bypassed or None)

    @api.model
    def export_xlsx(self, target, date_from=None, date_to=None):
        """Write the approval history to ``target`` (a path or a binary file); returns rows per sheet.

        Everything is read as the current user: access rights and record rules
        (companies, own substitutions) decide what is exported.
        """
        for model in ("clerk.approval.request", "clerk.approval.decision", "clerk.approval.followup",
                      "clerk.approval.substitute", "clerk.post.override"):
            self.env[model].check_access("read")
        _ = self.env._
        period = _("from %(start)s to %(end)s", start=fields.Date.to_string(date_from) or _("the start"),
                   end=fields.Date.to_string(date_to) or _("today"))
        return xlsx.export(target, [
            (_("Requests"), REQUEST_COLUMNS, self._request_rows(date_from, date_to),
             _("Approval requests %s (voided ones say why, by whom and when)", period)),
            (_("Decisions"), DECISION_COLUMNS, self._decision_rows(date_from, date_to),
             _("Approvals and rejections %s", period)),
            (_("Nudges and Escalations"), FOLLOWUP_COLUMNS, self._followup_rows(date_from, date_to),
             _("Nudges and escalations %s", period)),
            (_("Substitutes"), SUBSTITUTE_COLUMNS, self._substitute_rows(date_from, date_to),
             _("Out-of-office substitutes %s", period)),
            (_("Emergency Postings"), OVERRIDE_COLUMNS, self._override_rows(date_from, date_to),
             _("Posted before ready (emergency override) %s", period)),
        ], translate=self.env._)

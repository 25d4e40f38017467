from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from ..tools import documents
from .account_move import BlockingReason
from .ir_attachment import INVOICE_PDF_FIELDS


class AccountMove(models.Model):
    """Supporting documents: required categories per rule, completeness, the gate's document reasons, retention."""

    _inherit = "account.move"

    clerk_document_ids = fields.One2many(
        "ir.attachment", "res_id", string="Supporting Documents",
        domain=[("res_model", "=", "account.move"), ("clerk_superseded", "=", False)],
        help="Files attached to this document (chatter, email, Documents tab); give each its category.")
    clerk_document_version_ids = fields.One2many(
        "ir.attachment", "res_id", string="Earlier Versions",
        domain=[("res_model", "=", "account.move"), ("clerk_superseded", "=", True)])
    clerk_document_required_ids = fields.Many2many(
        "clerk.document.category", string="Required Documents", compute="_compute_clerk_documents",
        help="The categories the document rules require for this document.")
    clerk_document_present_ids = fields.Many2many(
        "clerk.document.category", string="Documents Present", compute="_compute_clerk_documents")
    clerk_document_missing_ids = fields.Many2many(
        "clerk.document.category", string="Documents Missing", compute="_compute_clerk_documents")
    clerk_document_completeness = fields.Float(
        string="Completeness (%)", compute="_compute_clerk_documents",
        help="Share of the required categories that have a document attached.")
    clerk_document_status = fields.Char(string="Documents", compute="_compute_clerk_documents")
    clerk_document_complete = fields.Boolean(string="Documents Complete", compute="_compute_clerk_documents",
                                             search="_search_clerk_document_complete")
    clerk_document_checklist = fields.Html(
        string="Checklist", compute="_compute_clerk_documents", sanitize=False,
        help="Each required category, present or missing.")
    clerk_document_warning = fields.Char(
        string="Documents Missing (Warning)", compute="_compute_clerk_documents",
        help="Categories missing under rules that only warn: posting is not blocked.")

    # ------------------------------------------------------------------ status, in batch
    def _clerk_document_status(self):
        """``{move_id: status}`` for the invoices and bills of ``self`` that a document rule applies to.

        ``status``: ``required`` ``{category_id: mode}`` (the strictest mode among the rules requiring it),
        ``present`` (set of category ids with a current document), ``missing`` ``{category_id: mode}``,
        ``approval_rule_ids`` (approval rules asked for the missing categories of "approval" rules),
        ``keep`` (set of category ids that a rule keeping its documents once posted requires).
        One pass: the rules that apply (``clerk.move.rule.mixin._rules_for_moves``), then one grouped query
        on attachments.
        """
        Rule = self.env["clerk.document.rule"]
        rules_by_move = Rule._rules_for_moves(self)
        if not rules_by_move:
            return {}
        criteria = Rule._rule_criteria()
        required = {}
        for move_id, rules in rules_by_move.items():
            modes = defaultdict(list)
            approval_of = defaultdict(set)
            keep = set()
            for rule in (criteria[rule_id] for rule_id in rules.ids):
                for category_id in rule["category_ids"]:
                    modes[category_id].append(rule["mode"])
                    if rule["mode"] == documents.APPROVAL:
                        approval_of[category_id].add(rule["approval_rule_id"])
                if rule["keep"]:
                    keep.update(rule["category_ids"])
            required[move_id] = (modes, approval_of, keep)
        present = defaultdict(set)
        groups = self.env["ir.attachment"].sudo()._read_group(
            [("res_model", "=", "account.move"), ("res_id", "in", list(required)),
             ("clerk_category_id", "!=", False), ("clerk_superseded", "=", False)],
            groupby=["res_id"], aggregates=["clerk_category_id:array_agg"])
        for res_id, category_ids in groups:
            present[res_id].update(category_ids)
        result = {}
        for move_id, (modes, approval_of, keep) in required.items():
            required_modes = {cid: documents.strongest_mode(mode_list) for cid, mode_list in modes.items()}
            missing = {cid: mode for cid, mode in required_modes.items() if cid not in present[move_id]}
            result[move_id] = {
                "required": required_modes,
                "present": present[move_id] & required_modes.keys(),
                "missing": missing,
                # A missing category under an approval rule asks its rule, unless another rule blocks it anyway.
                "approval_rule_ids": {rid for cid, mode in missing.items() if mode == documents.APPROVAL
                                      for rid in approval_of[cid]},
                "keep": keep,
            }
        return result

    def _search_clerk_document_complete(self, operator, value):
        """Drafts whose required documents are complete or not (a work queue: the documents are gathered
        before posting). Evaluated in batch over the drafts a rule can apply to: a few queries in all."""
        if operator not in ("in", "not in"):
            return NotImplemented
        index = self.env["clerk.document.rule"]._rule_index()
        incomplete = []
        if index:
            drafts = self.search([
                ("state", "=", "draft"),
                ("company_id", "in", list({company_id for company_id, _type in index})),
                ("move_type", "in", list({move_type for _company, move_type in index})),
            ])
            incomplete = [move_id for move_id, status in drafts._clerk_document_status().items()
                          if status["missing"]]
        wants_complete = (True in value) == (operator == "in")
        return [("id", "not in" if wants_complete else "in", incomplete)]

    @api.depends("state", "move_type", "company_id", "journal_id", "partner_id", "amount_total_signed",
                 "attachment_ids.clerk_category_id")
    def _compute_clerk_documents(self):
        statuses = self._clerk_document_status()
        Category = self.env["clerk.document.category"]
        for move in self:
            status = statuses.get(move._origin.id)
            if not status:
                move.clerk_document_required_ids = Category
                move.clerk_document_present_ids = Category
                move.clerk_document_missing_ids = Category
                move.clerk_document_completeness = 100.0
                move.clerk_document_status = False
                move.clerk_document_complete = True
                move.clerk_document_warning = False
                move.clerk_document_checklist = False
                continue
            count, total, percent = documents.completeness(status["required"], status["present"])
            move.clerk_document_required_ids = Category.browse(sorted(status["required"]))
            move.clerk_document_present_ids = Category.browse(sorted(status["present"]))
            move.clerk_document_missing_ids = Category.browse(sorted(status["missing"]))
            move.clerk_document_completeness = percent
            move.clerk_document_complete = not status["missing"]
            move.clerk_document_status = self.env._(
                "%(count)s of %(total)s required documents (%(percent)s%%)", count=count, total=total,
                percent=int(percent)) if status["missing"] else self.env._(
                "Complete: %(total)s of %(total)s required documents", total=total)
            move.clerk_document_checklist = Markup("<ul class='list-unstyled mb-0'>%s</ul>") % Markup().join(
                Markup("<li class='%s' data-category='%s'><i class='fa %s me-1'/>%s%s</li>") % (
                    "text-success" if category.id in status["present"] else "text-danger",
                    category.id,
                    "fa-check" if category.id in status["present"] else "fa-times",
                    category.name,
                    "" if category.id in status["present"] else " " + self.env._("(missing)"),
                ) for category in Category.browse(sorted(status["required"])).sudo())
            warned = [cid for cid, mode in status["missing"].items() if mode == documents.WARN]
            move.clerk_document_warning = ", ".join(Category.browse(warned).mapped("name")) if warned else False

    # ------------------------------------------------------------------ the gate
    def _clerk_blocking_reasons(self):
        reasons = super()._clerk_blocking_reasons()
        for move_id, items in self._clerk_document_reasons().items():
            reasons.setdefault(move_id, []).extend(items)
        return reasons

    def _clerk_document_reasons(self):
        """Missing documents under blocking rules; under approval rules once the approvals no longer cover them."""
        _ = self.env._
        statuses = self._clerk_document_status()
        if not statuses:
            return {}
        Category = self.env["clerk.document.category"].sudo()
        result = defaultdict(list)
        blocked = {move_id: [cid for cid, mode in status["missing"].items() if mode == documents.BLOCK]
                   for move_id, status in statuses.items()}
        who, actions = self._clerk_document_clearing()
        for move_id, category_ids in blocked.items():
            if category_ids:
                result[move_id].append(BlockingReason(_("Supporting documents missing: %s", ", ".join(
                        Category.browse(category_ids).mapped("name"))), who, actions))
        # Approval rules: before sending, the approval reasons already ask for the rule. After sending, a
        # document that went missing (or a rule added since) needs that rule too: sending is re-evaluated.
        sent = self.browse([move_id for move_id, status in statuses.items() if status["approval_rule_ids"]])
        sent = sent.filtered(lambda m: m.clerk_approval_state)
        if sent:
            asked = defaultdict(set)
            for request in sent._clerk_current_requests():
                asked[request.move_id.id].add(request.rule_id.id)
            for move in sent:
                status = statuses[move.id]
                if status["approval_rule_ids"] - asked[move.id]:
                    names = Category.browse([cid for cid, mode in status["missing"].items()
                                             if mode == documents.APPROVAL]).mapped("name")
                    result[move.id].append(BlockingReason(_(
                        "Supporting documents missing: %s. Attach them, or a Clerk Manager re-evaluates the approvals "
                        "so that the approval rule for missing documents is asked.", ", ".join(names)), who, actions))
        return result

    def _clerk_document_clearing(self):
        """Who clears a missing document and the panel's buttons to do it."""
        _ = self.env._
        return (_("the clerk: upload it, or request it from a colleague or the partner"),
                (("method", "action_clerk_upload_document", _("Upload Document")),
                 ("method", "action_clerk_request_document", _("Request Document"))))

    def _clerk_panel_warnings(self):
        warnings = super()._clerk_panel_warnings()
        who, actions = self._clerk_document_clearing()
        for move in self.filtered(lambda m: m.state == "draft" and m.clerk_document_warning):
            warnings.setdefault(move.id, []).append(BlockingReason(self.env._(
                "Supporting documents missing (posting is not blocked): %s", move.clerk_document_warning),
                who, actions))
        return warnings

    # ------------------------------------------------------------------ retention
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted_moves = posted.filtered(lambda m: m.state == "posted")
        if posted_moves:
            candidates = self.env["ir.attachment"].sudo().search([
                ("res_model", "=", "account.move"), ("res_id", "in", posted_moves.ids),
                ("clerk_retained", "=", False),
                "|", ("clerk_category_id", "!=", False), ("res_field", "in", list(INVOICE_PDF_FIELDS)),
            ]) if posted_moves._clerk_keeps_anything() else None
            if candidates:
                candidates._clerk_retain()
        return posted

    def _clerk_keeps_anything(self):
        """Whether anything of these moves can be kept once posted: a company keeping printed invoices, a category
        or a document rule keeping documents. Nothing is kept (and nothing is searched) until one is set up."""
        if any(self.company_id.mapped("clerk_keep_invoice_pdf")):
            return True
        index = self.env["clerk.document.rule"]._rule_index()
        if any((move.company_id.id, move.move_type) in index for move in self):
            return True
        return bool(self.env["clerk.document.category"]._kept_category_ids())

    def _clerk_kept_documents(self, attachments):
        """The attachments of ``attachments`` (of moves of ``self``, posted) kept for audit: documents of a category
        kept once posted or that a document rule keeping its documents requires for their move, and the printed
        invoice where its company keeps printed invoices."""
        kept_categories = self.env["clerk.document.category"]._kept_category_ids()
        moves = self.sudo()
        moves.fetch(["company_id"])
        keep_pdf = {move.id for move in moves if move.company_id.clerk_keep_invoice_pdf}
        by_rule = {move_id: status["keep"] for move_id, status in moves._clerk_document_status().items()}
        return attachments.filtered(lambda a: (
            (a.res_field in INVOICE_PDF_FIELDS and a.res_id in keep_pdf)
            or (a.clerk_category_id and (
                a.clerk_category_id.id in kept_categories or a.clerk_category_id.id in by_rule.get(a.res_id, ())))
        ))

    # ------------------------------------------------------------------ buttons
    def action_clerk_upload_document(self):
        self.ensure_one()
        missing = self.clerk_document_missing_ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upload a Document"),
            "res_model": "clerk.document.upload.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id,
                        "default_category_id": self.env.context.get("default_category_id") or missing[:1].id},
        }

    def action_clerk_request_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request a Document"),
            "res_model": "clerk.document.request.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id,
                        "default_category_id": self.clerk_document_missing_ids[:1].id},
        }

    def action_clerk_audit_pack(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Audit Pack"),
            "res_model": "clerk.audit.pack.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_scope": "selection", "default_move_ids": self.ids},
        }

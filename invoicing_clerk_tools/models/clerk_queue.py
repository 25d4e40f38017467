from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval

from ..tools import aging

SCOPES = ("mine", "team", "all")
TEAM_GROUP = "invoicing_clerk_tools.group_clerk_team_view"
SECTIONS = [
    ("approvals", "Approvals"),
    ("bills", "Bills"),
    ("documents", "Documents"),
    ("collections", "Collections"),
    ("aging", "Overdue"),
]


class ClerkQueue(models.Model):
    """A card of the clerk workspace: a saved search over the clerk's documents.

    Features add their queues as data; counts and totals are computed with one
    grouped query per queue, whatever the number of records.

    The workspace shows the queues for a scope given in the context
    (``clerk_scope``): ``mine`` keeps the records whose responsible user (the
    queue's ``user_field``) is the current user, or that the queue's
    ``mine_domain`` gives them (what they sent that came back); ``team`` the same
    for the members of the user's clerk teams (members of the Team Queues group
    only); ``all`` (or no scope) everything the user may read in their current
    companies. Queues with neither are personal already (e.g. To Approve).
    """

    _name = "clerk.queue"
    _inherit = ["mail.thread"]
    _description = "Clerk Work Queue"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Char(translate=True, tracking=True, help="One line telling the clerk what the queue holds.")
    res_model = fields.Char(string="Model", required=True, default="account.move", tracking=True)
    res_model_name = fields.Char(string="Records", compute="_compute_res_model_name",
                                 help="The kind of records the queue holds.")
    domain = fields.Char(
        required=True, default="[]", tracking=True,
        help="Which records the queue holds. May use uid, context_today and relativedelta.",
    )
    amount_field = fields.Char(
        tracking=True,
        help="Monetary field summed for the card's total, in company currency (leave empty for a count only).",
    )
    action_id = fields.Many2one("ir.actions.act_window", string="List Action", tracking=True,
                                help="The action whose list the card opens, filtered on the queue.")
    group_ids = fields.Many2many("res.groups", string="Visible To", tracking=True,
                                 help="Only these groups see the card; empty: every clerk.")
    color = fields.Integer()
    section = fields.Selection(
        SECTIONS, default="documents", required=True, group_expand="_group_expand_section", tracking=True,
        help="The kind of work: the workspace shows the cards of a section together, under its heading.")
    list_view_id = fields.Many2one(
        "ir.ui.view", string="List View", domain="[('type', '=', 'list'), ('model', '=', res_model)]", tracking=True,
        help="The list the card opens, with the columns this work needs; empty: the action's (or the model's) list.")
    search_view_id = fields.Many2one(
        "ir.ui.view", string="Search View", tracking=True,
        domain="[('type', '=', 'search'), ('model', '=', res_model)]",
        help="The filters and groupings offered on that list; empty: the action's (or the model's).")
    mine_domain = fields.Char(
        string="Also Mine", tracking=True,
        help="Records that are also the work of the scope's users besides the responsible field, e.g. what they "
        "sent that came back: a domain where user_ids holds those users (you, or your team).")
    user_field = fields.Char(
        string="Responsible Field", tracking=True,
        help="Path to the responsible user on the model (e.g. clerk_user_id, or move_id.clerk_user_id): the "
        "'Mine' and 'My Team' switch filters on it. Empty: the queue is the same for everyone.")
    aging_bucket = fields.Selection(
        [(key, title) for key, title, _low, _high in aging.BUCKETS], string="Overdue Bucket", tracking=True,
        help="Keep only the records whose date (Aging Date Field) is this many days past, as in the aging report.")
    aging_field = fields.Char(string="Aging Date Field", default="invoice_date_due", tracking=True)
    record_count = fields.Integer(string="Count", compute="_compute_figures")
    amount_total = fields.Monetary(string="Total", compute="_compute_figures", currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", compute="_compute_figures")

    @api.depends("res_model")
    @api.depends_context("lang")
    def _compute_res_model_name(self):
        for queue in self:
            queue.res_model_name = self.env["ir.model"]._get(queue.res_model).name or queue.res_model

    def _group_expand_section(self, values, domain):
        """The workspace's sections in their own order (approvals first), not alphabetically; none empty."""
        return [key for key, _label in SECTIONS if key in values]

    @api.constrains("res_model", "domain", "amount_field", "user_field", "aging_bucket", "aging_field",
                    "mine_domain", "list_view_id", "search_view_id")
    def _check_domain(self):
        for queue in self:
            if queue.res_model not in self.env:
                raise ValidationError(self.env._("Model: %(model)s is not a model. Use a technical name such as "
                                                 "account.move.", model=queue.res_model))
            for label, path in ((self.env._("Responsible Field"), queue.user_field),
                                (self.env._("Aging Date Field"), queue.aging_bucket and queue.aging_field)):
                if path:
                    try:
                        self.env[queue.res_model]._search([(path, "=", False)])
                    except Exception as error:  # noqa: BLE001 - reported with the field to fix
                        raise ValidationError(self.env._(
                            "%(label)s of queue %(queue)s: %(path)s is not a field path of %(model)s.",
                            label=label, queue=queue.name, path=path, model=queue.res_model)) from error
            try:
                queue._get_domain()
            except Exception as error:  # noqa: BLE001 - any parse error is reported the same way
                raise ValidationError(self.env._(
                    "Domain of queue %(queue)s does not parse: %(error)s", queue=queue.name, error=error)) from error
            try:
                queue._get_domain([self.env.uid])
            except Exception as error:  # noqa: BLE001 - any parse error is reported the same way
                raise ValidationError(self.env._(
                    "Also Mine of queue %(queue)s does not parse: %(error)s", queue=queue.name,
                    error=error)) from error
            for label, view in ((self.env._("List View"), queue.sudo().list_view_id),
                                (self.env._("Search View"), queue.sudo().search_view_id)):
                if view and view.model != queue.res_model:
                    raise ValidationError(self.env._(
                        "%(label)s of queue %(queue)s: %(view)s shows %(view_model)s, not %(model)s.",
                        label=label, queue=queue.name, view=view.name, view_model=view.model,
                        model=queue.res_model))
            if queue.amount_field and queue.amount_field not in self.env[queue.res_model]._fields:
                raise ValidationError(self.env._("Amount field: %(model)s has no field %(field)s.",
                                                 model=queue.res_model, field=queue.amount_field))

    def _eval_context(self):
        return {
            "uid": self.env.uid,
            "user": self.env.user,
            "context_today": lambda: fields.Date.context_today(self),
            "datetime": safe_datetime,
            "relativedelta": safe_dateutil.relativedelta.relativedelta,
            "company_ids": self.env.companies.ids,
        }

    def _get_domain(self, user_ids=None):
        """The queue's records: its domain, its overdue bucket and, given ``user_ids``, what is theirs (the
        responsible field, or the "also mine" domain)."""
        self.ensure_one()
        domain = Domain(safe_eval(self.domain or "[]", self._eval_context()))
        if self.aging_bucket:
            domain &= self._bucket_domain()
        if user_ids is not None:
            theirs = []
            if self.user_field:
                theirs.append(Domain(self.user_field, "in", list(user_ids)))
            if self.mine_domain:
                theirs.append(Domain(safe_eval(self.mine_domain,
                                               {**self._eval_context(), "user_ids": list(user_ids)})))
            if theirs:
                domain &= Domain.OR(theirs)
        self.env[self.res_model]._search(domain)  # validates field names
        return domain

    def _bucket_domain(self):
        """The date range of the bucket: ``days`` past ``aging_field`` within the bucket's bounds, as of today."""
        today = fields.Date.context_today(self)
        _key, _title, low, high = next(bucket for bucket in aging.BUCKETS if bucket[0] == self.aging_bucket)
        domain = Domain(self.aging_field, "!=", False)
        if low is not None:
            domain &= Domain(self.aging_field, "<=", fields.Date.subtract(today, days=low))
        if high is not None:
            domain &= Domain(self.aging_field, ">=", fields.Date.subtract(today, days=high))
        return domain

    @api.model
    def _scope(self):
        """The scope asked for in the context; 'team' only for members of the Team Queues group."""
        scope = self.env.context.get("clerk_scope")
        if scope == "team" and not self.env.user.has_group(TEAM_GROUP):
            return "mine"
        return scope if scope in SCOPES else None

    @api.model
    def _available_scopes(self):
        return [scope for scope in SCOPES if scope != "team" or self.env.user.has_group(TEAM_GROUP)]

    @api.model
    def _default_scope(self):
        """The narrowest scope with work in it: mine, else my team's, else all (mine when all are empty)."""
        queues = self.search([])
        for scope in self._available_scopes():
            if any(queues.with_context(clerk_scope=scope).mapped("record_count")):
                return scope
        return "mine"

    @api.model
    def _scope_user_ids(self, scope=None):
        scope = scope or self._scope()
        if scope == "mine":
            return [self.env.uid]
        if scope == "team":
            return self.env["clerk.team"]._team_user_ids()
        return None  # all: whatever the user may read in their current companies

    @api.depends_context("uid", "allowed_company_ids", "clerk_scope")
    def _compute_figures(self):
        """Counts and totals of all cards with one query per model, whatever the number of cards or records.

        Each card's domain goes through ``_search`` as the current user (access rules included); cards of
        one model whose queries read the model's table alone are counted together with filtered
        aggregates, the others with a grouped query each.
        """
        currency = self.env.company.currency_id
        figures = defaultdict(lambda: (0, 0.0))
        user_ids = self._scope_user_ids()
        for res_model, queues in self.grouped("res_model").items():
            model = self.env[res_model]
            if not model.has_access("read"):
                continue
            combinable = []
            for queue in queues:
                query = model._search(queue._get_domain(user_ids))
                if query.is_empty():
                    continue
                amount_field = model._fields.get(queue.amount_field) if queue.amount_field else None
                if query._joins or len(query._tables) > 1 or (amount_field and not amount_field.column_type):
                    aggregates = ["__count", *([f"{queue.amount_field}:sum"] if amount_field else [])]
                    [row] = model._read_group(queue._get_domain(user_ids), aggregates=aggregates)
                    figures[queue.id] = (row[0], row[1] if amount_field else 0.0)
                else:
                    combinable.append((queue, query, amount_field))
            if combinable:
                figures.update(self._combined_figures(model, combinable))
        for queue in self:
            queue.record_count, queue.amount_total = figures[queue.id]
            queue.currency_id = currency

    def _combined_figures(self, model, combinable):
        """``{queue_id: (count, total)}`` of cards whose queries only read ``model``'s table, in one query."""
        table = model._table
        columns, conditions = [], []
        for _queue, query, amount_field in combinable:
            condition = query.where_clause or SQL("TRUE")
            conditions.append(SQL("(%s)", condition))
            columns.append(SQL("COUNT(*) FILTER (WHERE %s)", condition))
            columns.append(SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0)", SQL.identifier(table, amount_field.name),
                               condition) if amount_field else SQL("0"))
        [row] = self.env.execute_query(SQL("SELECT %s FROM %s WHERE %s", SQL(", ").join(columns),
                                           SQL.identifier(table), SQL(" OR ").join(conditions)))
        return {queue.id: (row[2 * index], row[2 * index + 1])
                for index, (queue, _query, _amount) in enumerate(combinable)}

    def action_open(self):
        """The card's list: the queue's records in the workspace's scope, in the queue's own views."""
        self.ensure_one()
        if self.action_id:
            action = self.action_id._get_action_dict()
        else:
            action = {"type": "ir.actions.act_window", "res_model": self.res_model,
                      "views": [(False, "list"), (False, "form")]}
        views = self.sudo()  # views are technical records: clerks may use them, not read them
        if views.list_view_id:
            forms = [view for view in action["views"] if view[1] == "form"] or [(False, "form")]
            action["views"] = [(views.list_view_id.id, "list"), *forms]
            action.pop("view_id", None)
        if views.search_view_id:
            action["search_view_id"] = [views.search_view_id.id, views.search_view_id.name]
        action.update({
            "name": self.name,
            "display_name": self.name,
            "domain": list(self._get_domain(self._scope_user_ids())),
            "context": {"create": False},
            "target": "current",
        })
        return action

    # ----------------------------------------------------------- the switch
    @api.model
    def action_open_workspace(self):
        """The workspace in the narrowest scope that has work (the menu's entry)."""
        return self._workspace_action(self._default_scope())

    def action_scope_mine(self):
        return self._workspace_action("mine")

    def action_scope_team(self):
        if not self.env.user.has_group(TEAM_GROUP):
            raise AccessError(self.env._("Only members of the Team Queues group see their team's queues."))
        return self._workspace_action("team")

    def action_scope_all(self):
        return self._workspace_action("all")

    @api.model
    def _workspace_action(self, scope):
        action = self.env["ir.actions.act_window"]._for_xml_id("invoicing_clerk_tools.clerk_workspace_action")
        action["context"] = {"clerk_scope": scope}
        action["name"] = {
            "mine": self.env._("Workspace: Mine"),
            "team": self.env._("Workspace: My Team"),
            "all": self.env._("Workspace: All"),
        }[scope]
        action["target"] = "main"
        return action

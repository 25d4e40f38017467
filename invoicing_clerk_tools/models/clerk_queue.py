from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval


class ClerkQueue(models.Model):
    """A card of the clerk workspace: a saved search over the clerk's documents.

    Features add their queues as data; counts and totals are computed with one
    grouped query per queue, whatever the number of records.
    """

    _name = "clerk.queue"
    _description = "Clerk Work Queue"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Char(translate=True, help="One line telling the clerk what the queue holds.")
    res_model = fields.Char(string="Model", required=True, default="account.move")
    domain = fields.Char(
        required=True, default="[]",
        help="Which records the queue holds. May use uid, context_today and relativedelta.",
    )
    amount_field = fields.Char(
        help="Monetary field summed for the card's total, in company currency (leave empty for a count only).",
    )
    action_id = fields.Many2one("ir.actions.act_window", string="List Action",
                                help="The action whose list the card opens, filtered on the queue.")
    group_ids = fields.Many2many("res.groups", string="Visible To",
                                 help="Only these groups see the card; empty: every clerk.")
    color = fields.Integer()
    record_count = fields.Integer(string="Count", compute="_compute_figures")
    amount_total = fields.Monetary(string="Total", compute="_compute_figures", currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", compute="_compute_figures")

    @api.constrains("res_model", "domain", "amount_field")
    def _check_domain(self):
        for queue in self:
            if queue.res_model not in self.env:
                raise ValidationError(self.env._("Model: %(model)s is not a model. Use a technical name such as "
                                                 "account.move.", model=queue.res_model))
            try:
                queue._get_domain()
            except Exception as error:  # noqa: BLE001 - any parse error is reported the same way
                raise ValidationError(self.env._(
                    "Domain of queue %(queue)s does not parse: %(error)s", queue=queue.name, error=error)) from error
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

    def _get_domain(self):
        self.ensure_one()
        domain = Domain(safe_eval(self.domain or "[]", self._eval_context()))
        self.env[self.res_model]._search(domain)  # validates field names
        return domain

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_figures(self):
        currency = self.env.company.currency_id
        figures = defaultdict(lambda: (0, 0.0))
        for queue in self:
            model = self.env[queue.res_model]
            if not model.has_access("read"):
                continue
            aggregates = ["__count"]
            if queue.amount_field:
                aggregates.append(f"{queue.amount_field}:sum")
            [row] = model._read_group(queue._get_domain(), aggregates=aggregates)
            figures[queue.id] = (row[0], row[1] if queue.amount_field else 0.0)
        for queue in self:
            queue.record_count, queue.amount_total = figures[queue.id]
            queue.currency_id = currency

    def action_open(self):
        self.ensure_one()
        if self.action_id:
            action = self.action_id._get_action_dict()
        else:
            action = {"type": "ir.actions.act_window", "res_model": self.res_model,
                      "views": [(False, "list"), (False, "form")]}
        action.update({
            "name": self.name,
            "domain": list(self._get_domain()),
            "context": {"create": False},
            "target": "current",
        })
        return action

from odoo import api, fields, models
from odoo.exceptions import UserError

TYPE_FIELDS = {
    "out_invoice": "include_out_invoice",
    "out_refund": "include_out_refund",
    "in_invoice": "include_in_invoice",
    "in_refund": "include_in_refund",
}


class ClerkAuditPackWizard(models.TransientModel):
    """Ask for an audit pack of selected invoices, or of a period and journals."""

    _name = "clerk.audit.pack.wizard"
    _description = "Audit Pack"

    scope = fields.Selection([("selection", "Selected Documents"), ("period", "A Period")], required=True,
                             default="period")
    move_ids = fields.Many2many("account.move", string="Invoices and Bills")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="From", help="Invoice or bill date, included.")
    date_to = fields.Date(string="To", help="Invoice or bill date, included.")
    journal_ids = fields.Many2many("account.journal", string="Journals",
                                   domain="[('type', 'in', ('sale', 'purchase')), ('company_id', '=', company_id)]",
                                   help="Empty: every sales and purchase journal.")
    include_out_invoice = fields.Boolean(string="Customer Invoices", default=True)
    include_out_refund = fields.Boolean(string="Customer Credit Notes", default=True)
    include_in_invoice = fields.Boolean(string="Vendor Bills", default=True)
    include_in_refund = fields.Boolean(string="Vendor Refunds", default=True)
    posted_only = fields.Boolean(string="Posted Only", default=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and self.env.context.get("active_ids") \
                and "move_ids" in fields_list and not values.get("move_ids"):
            values["scope"] = "selection"
            values["move_ids"] = [(6, 0, self.env.context["active_ids"])]
        return values

    def _moves(self):
        self.ensure_one()
        Move = self.env["account.move"]
        if self.scope == "selection":
            return self.move_ids
        if not (self.date_from and self.date_to):
            raise UserError(self.env._("From and To: give the period of the audit pack."))
        if self.date_from > self.date_to:
            raise UserError(self.env._("From (%(start)s) is after To (%(end)s): swap the dates.",
                                       start=self.date_from, end=self.date_to))
        types = [move_type for move_type, name in TYPE_FIELDS.items() if self[name]]
        if not types:
            raise UserError(self.env._("Tick at least one kind of document (customer invoices, credit notes, "
                                       "vendor bills, vendor refunds)."))
        domain = [("company_id", "=", self.company_id.id), ("move_type", "in", types),
                  ("invoice_date", ">=", self.date_from), ("invoice_date", "<=", self.date_to)]
        if self.journal_ids:
            domain.append(("journal_id", "in", self.journal_ids.ids))
        if self.posted_only:
            domain.append(("state", "=", "posted"))
        return Move.search(domain, order="invoice_date, name, id")

    def action_request(self):
        self.ensure_one()
        moves = self._moves()
        if not moves:
            raise UserError(self.env._("No invoice or bill matches: widen the period, journals or kinds."))
        if self.scope == "selection":
            name = self.env._("Audit pack: %s", ", ".join(moves[:3].mapped("display_name"))) + (
                "..." if len(moves) > 3 else "")
        else:
            name = self.env._("Audit pack %(start)s to %(end)s", start=self.date_from, end=self.date_to)
        pack = self.env["clerk.audit.pack"]._request(moves, name)
        if pack.state == "done":
            return pack.action_download()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Audit pack queued"),
                "message": self.env._("%s documents: the pack is built in the background; you will get a message "
                                      "with the download link.", pack.move_count),
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

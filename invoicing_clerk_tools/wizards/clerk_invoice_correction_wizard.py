from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.clerk_discrepancy import REASON_CODE_SELECTION


class ClerkInvoiceCorrectionWizard(models.TransientModel):
    """Correct a posted customer invoice: a credit note or a debit note for the difference, linked to the error."""

    _name = "clerk.invoice.correction.wizard"
    _description = "Correct a Posted Customer Invoice"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True,
                              domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]")
    currency_id = fields.Many2one(related="move_id.currency_id")
    reason_code = fields.Selection(REASON_CODE_SELECTION, string="Reason Code", required=True,
                                   help="What was wrong on the invoice; recorded on the error and the note.")
    note = fields.Char(string="Explanation", help="Shown on the note and in the error record.")
    line_ids = fields.One2many("clerk.invoice.correction.line", "wizard_id", string="Lines",
                               compute="_compute_line_ids", store=True, readonly=False)
    difference = fields.Monetary(compute="_compute_difference", currency_field="currency_id")
    note_kind = fields.Selection([("credit", "Credit Note"), ("debit", "Debit Note")], compute="_compute_difference")

    @api.depends("move_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [Command.clear()] + [Command.create({
                "move_line_id": line.id, "quantity": line.quantity, "price_unit": line.price_unit,
                "discount": line.discount, "new_quantity": line.quantity, "new_price_unit": line.price_unit,
                "new_discount": line.discount,
            }) for line in wizard.move_id.invoice_line_ids.filtered(lambda x: x.display_type == "product")]

    @api.depends("line_ids.difference")
    def _compute_difference(self):
        for wizard in self:
            wizard.difference = sum(wizard.line_ids.mapped("difference"))
            wizard.note_kind = "debit" if wizard.difference > 0 else "credit" if wizard.difference < 0 else False

    def action_confirm(self):
        self.ensure_one()
        _ = self.env._
        invoice = self.move_id
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(_("Only invoicing clerks can correct invoices."))
        invoice.check_access("write")
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            raise UserError(_("Only a posted customer invoice is corrected with a credit or debit note; edit a "
                              "draft directly."))
        changed = self.line_ids.filtered(lambda line: not invoice.currency_id.is_zero(line.difference))
        if not changed:
            raise UserError(_("Nothing changes: enter the correct quantity, price or discount of the wrong lines."))
        signs = {line.difference > 0 for line in changed}
        if len(signs) > 1:
            raise UserError(_("Some lines are owed by the customer and others to the customer: correct them in "
                              "two steps, one credit note and one debit note."))
        reasons = dict(REASON_CODE_SELECTION)
        text = reasons[self.reason_code] + (f": {self.note}" if self.note else "")
        label = _("Correction of %(invoice)s (%(reason)s)", invoice=invoice.name, reason=text)
        lines = [Command.create(line._note_line_values(f"{label}: {line.name or line.product_id.display_name}"))
                 for line in changed]
        if self.note_kind == "debit":
            wizard = self.env["account.debit.note"].with_context(
                active_model="account.move", active_ids=invoice.ids).create({"reason": text, "copy_lines": False})
            document = self.env["account.move"].browse(wizard.create_debit()["res_id"])
            document.write({"invoice_line_ids": lines})
        else:
            document = self.env["account.move"].create({
                "move_type": "out_refund", "partner_id": invoice.partner_id.id, "currency_id": invoice.currency_id.id,
                "journal_id": invoice.journal_id.id, "reversed_entry_id": invoice.id,
                "invoice_date": fields.Date.context_today(self), "invoice_origin": invoice.name,
                "ref": label, "invoice_line_ids": lines,
            })
        invoiced = sum(changed.mapped(lambda line: line.quantity * line.price_unit * (1 - line.discount / 100.0)))
        correct = invoiced + self.difference
        company = invoice.company_id
        rate = self.env["res.currency"]._get_conversion_rate(invoice.currency_id, company.currency_id, company,
                                                             invoice.invoice_date or invoice.date)
        self.env["clerk.discrepancy"].sudo().create({
            "move_id": invoice.id, "company_id": company.id, "partner_id": invoice.commercial_partner_id.id,
            "move_date": invoice.invoice_date, "key": f"correction:{document.id}", "kind": "invoice_error",
            "description": text, "expected": correct, "actual": invoiced, "difference": invoiced - correct,
            "impact": company.currency_id.round((invoiced - correct) * rate), "within_tolerance": False,
            "excess_amount": invoiced - correct, "reason_code": self.reason_code, "state": "waiting",
            "resolution": "debit_note" if self.note_kind == "debit" else "credit_note",
            "resolution_move_id": document.id,
        })
        invoice.message_post(body=_("%(kind)s %(note)s drafted by %(user)s for an error: %(reason)s",
                                    kind=_("Debit note") if self.note_kind == "debit" else _("Credit note"),
                                    note=document.display_name, user=self.env.user.name, reason=text))
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": document.id,
                "view_mode": "form", "target": "current"}

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from ..tools import portal
from .clerk_dispute import CHANNELS, paragraphs


class ClerkPaymentPromise(models.Model):
    """A customer's promise to pay an invoice by a date, as recorded: who promised what, and when.

    The invoice carries the promise in force (``clerk_promise_date``, which pauses its reminders); this is its
    history. A promise that passes with the invoice unpaid is marked broken and the customer reminded of it.
    """

    _name = "clerk.payment.promise"
    _description = "Promise to Pay"
    _inherit = ["clerk.history.mixin"]
    _order = "create_date desc, id desc"
    _history_open_fields = frozenset({"state"})

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True, index=True,
                              ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    author_id = fields.Many2one("res.partner", string="Promised By", readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True, default="portal")
    promise_date = fields.Date(string="Pay By", required=True, readonly=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(string="Amount Promised", readonly=True,
                             help="Empty: the whole amount due on the invoice.")
    note = fields.Text(string="Customer's Note", readonly=True)
    state = fields.Selection([("open", "Open"), ("broken", "Broken"), ("replaced", "Replaced")], required=True,
                             default="open", readonly=True, index=True)

    @api.depends("move_id", "promise_date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = f"{promise.move_id.name or ''}: {promise.promise_date or ''}"

    @api.model
    def _portal_promise(self, moves, promise_date, amount, note, author):
        """Record the customer's promise to pay ``moves`` by ``promise_date`` (sudo, after the access check).

        ``amount`` (None: the whole amount due) only for one invoice. Returns the promises.
        """
        _ = self.env._
        moves = moves.sudo()
        if not moves:
            raise ValidationError(_("Invoices: choose the invoices you will pay."))
        if len(moves.company_id) > 1 or len(moves.commercial_partner_id) > 1:
            raise ValidationError(_("Invoices: choose invoices of one statement."))
        if any(move.move_type != "out_invoice" or move.state != "posted"
               or move.payment_state not in ("not_paid", "partial") for move in moves):
            raise UserError(_("Only unpaid invoices can be promised."))
        if amount is not None and len(moves) > 1:
            raise ValidationError(_("Amount: a partial amount can be promised for one invoice at a time."))
        company = moves.company_id
        today = fields.Date.context_today(self)
        errors = portal.promise_errors(promise_date, today, company.clerk_promise_max_days, amount,
                                       moves.amount_residual if len(moves) == 1 else None)
        if errors:
            raise ValidationError(self._error_text(errors[0], today, company, moves))
        self.env["clerk.dispute"]._portal_check_rate(moves)
        note = portal.clean_message(note)
        self.sudo().search([("move_id", "in", moves.ids), ("state", "=", "open")]).write({"state": "replaced"})
        promises = self.sudo().create([{
            "move_id": move.id, "partner_id": move.commercial_partner_id.id, "author_id": author.id,
            "channel": "portal", "promise_date": promise_date, "amount": amount or 0.0, "note": note,
        } for move in moves])
        moves.write({"clerk_promise_date": promise_date, "clerk_promise_amount": amount or 0.0,
                     "clerk_promise_note": (note or _("Promised in the customer portal"))[:200]})
        pay_by = format_date(self.env, promise_date)
        for move in moves:
            what = (_("%(amount)s of invoice %(invoice)s", amount=move.currency_id.format(amount), invoice=move.name)
                    if amount else _("invoice %s", move.name))
            move.message_post(
                body=Markup("<p><strong>%s</strong></p>%s") % (
                    _("Promise to pay %(what)s by %(date)s", what=what, date=pay_by), paragraphs(note)),
                author_id=author.id, message_type="comment", subtype_xmlid="mail.mt_note")
            move._clerk_tell_customer(_(
                "We have recorded your promise to pay %(what)s by %(date)s. Payment reminders for it are paused "
                "until then.", what=what, date=pay_by))
        return promises

    def _error_text(self, code, today, company, moves):
        _ = self.env._
        return {
            portal.DATE_MISSING: lambda: _("Pay By: choose the date you will pay."),
            portal.DATE_PAST: lambda: _("Pay By: choose a date from today on."),
            portal.DATE_TOO_FAR: lambda: _(
                "Pay By: choose a date by %s at the latest.",
                format_date(self.env, fields.Date.add(today, days=company.clerk_promise_max_days))),
            portal.AMOUNT_INVALID: lambda: _("Amount: enter an amount above zero, or leave it empty for all."),
            portal.AMOUNT_TOO_HIGH: lambda: _(
                "Amount: at most the %s due on the invoice.", moves.currency_id.format(moves.amount_residual)),
        }[code]()

    @api.model
    def _mark_broken(self, moves):
        """The open promises of ``moves`` whose date passed unpaid: broken, and the customer reminded."""
        promises = self.sudo().search([("move_id", "in", moves.ids), ("state", "=", "open")])
        promises.write({"state": "broken"})
        for promise in promises:
            move = promise.move_id
            told = self.with_context(lang=move.partner_id.lang).env  # in the customer's language
            move._clerk_tell_customer(Markup("%s") % paragraphs(told._(
                "You promised to pay invoice %(invoice)s by %(date)s and we have not received the payment yet. "
                "Please pay the %(amount)s due, or answer this e-mail if something stands in the way.",
                invoice=move.name, date=format_date(told, promise.promise_date),
                amount=move.currency_id.format(move.amount_residual))))
        return promises

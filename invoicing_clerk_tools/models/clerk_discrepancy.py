from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import formatLang

from ..tools import matching

KIND_SELECTION = [
    (matching.QUANTITY, "Quantity"),
    (matching.PRICE, "Unit Price"),
    (matching.DISCOUNT, "Discount"),
    (matching.TAX, "Taxes"),
    (matching.NO_PO, "No Purchase Order"),
    (matching.PRODUCT, "Other Product"),
    (matching.VENDOR, "Other Vendor"),
    (matching.TOTAL, "Bill Total"),
    (matching.DUPLICATE, "Possible Duplicate"),
    ("invoice_error", "Invoice Error"),
]
STATE_SELECTION = [
    (matching.OPEN, "Open"),
    (matching.ACCEPTED, "Accepted"),
    (matching.WAITING, "Waiting for Document"),
    (matching.RESOLVED, "Resolved"),
    (matching.OBSOLETE, "Obsolete"),
]
RESOLUTION_SELECTION = [
    ("vendor_credit", "Credit Note Asked from Vendor"),
    ("vendor_refund", "Vendor Refund Recorded"),
    ("corrected", "Bill Corrected"),
    ("credit_note", "Credit Note"),
    ("debit_note", "Debit Note"),
]
REASON_CODE_SELECTION = [
    ("price", "Wrong Price"),
    ("quantity", "Wrong Quantity"),
    ("discount", "Wrong Discount"),
    ("tax", "Wrong Taxes"),
    ("duplicate", "Billed Twice"),
    ("other", "Other Error"),
]
# What a finding looks like to people: its state, except that an open finding within tolerance is no exception.
STATUS_SELECTION = [
    ("exception", "Exception"),
    ("within", "Within Tolerance"),
    (matching.ACCEPTED, "Accepted"),
    (matching.WAITING, "Waiting for Document"),
    (matching.RESOLVED, "Resolved"),
    (matching.OBSOLETE, "Obsolete"),
]
# What can be corrected on a draft bill by putting the purchase order's value back.
CORRECTABLE = (matching.QUANTITY, matching.PRICE, matching.DISCOUNT, matching.TAX, matching.PRODUCT)


class ClerkDiscrepancy(models.Model):
    """One finding of the bill check: what the bill says, what the purchase order or receipt says, what it costs.

    Written by the check (and the corrections), never edited by hand: clerks
    read them, approvers accept them, the resolution wizard resolves them.
    """

    _name = "clerk.discrepancy"
    _description = "Bill Discrepancy"
    _order = "move_id desc, sequence, id"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", string="Document", required=True, index=True, ondelete="cascade",
                              readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Document Line", index="btree_not_null",
                                   ondelete="set null", readonly=True)
    purchase_line_id = fields.Many2one("purchase.order.line", string="Purchase Order Line", index="btree_not_null",
                                       ondelete="set null", readonly=True)
    purchase_order_id = fields.Many2one(related="purchase_line_id.order_id", string="Purchase Order")
    other_move_id = fields.Many2one("account.move", string="Possible Duplicate Of", ondelete="set null",
                                    readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Partner", index=True, readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    move_date = fields.Date(string="Document Date", readonly=True)
    key = fields.Char(required=True, readonly=True,
                      help="What the finding is about (kind and line): a re-check updates the finding of the same "
                           "key instead of adding another.")
    sequence = fields.Integer(readonly=True)
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True)
    description = fields.Char(readonly=True)
    # Values of different kinds (quantities, prices, discount points): never added up in a grouped list.
    expected = fields.Float(string="Expected", digits=(16, 4), readonly=True, aggregator=None,
                            help="What the purchase order or receipt says (purchase unit and currency).")
    actual = fields.Float(string="Billed", digits=(16, 4), readonly=True, aggregator=None,
                          help="What the document says (converted to the purchase unit and currency).")
    difference = fields.Float(digits=(16, 4), readonly=True, aggregator=None, help="Billed minus expected.")
    expected_display = fields.Char(
        string="Expected Value", compute="_compute_displays",
        help="What the purchase order or receipt says: a quantity in the purchase line's unit, a price in its "
             "currency, a discount in %, or a text.")
    actual_display = fields.Char(string="Billed Value", compute="_compute_displays",
                                 help="What the document says, in the same unit or currency as the expected value.")
    status = fields.Selection(
        STATUS_SELECTION, compute="_compute_status",
        help="Exception: open and beyond tolerance (blocks posting or needs an approval where the company says "
             "so). Within tolerance: recorded, nothing to do. Then accepted, waiting for a document, resolved or "
             "obsolete.")
    expected_text = fields.Char(string="Expected (Text)", readonly=True)
    actual_text = fields.Char(string="Billed (Text)", readonly=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    impact = fields.Monetary(currency_field="company_currency_id", readonly=True,
                             help="Money paid too much (negative: too little) because of this finding, in company "
                                  "currency at the document date.")
    excess_amount = fields.Float(digits=(16, 6), readonly=True, aggregator=None,
                                 help="Untaxed amount in the document's currency to get back from the vendor.")
    correct_value = fields.Float(digits=(16, 6), readonly=True, aggregator=None,
                                 help="The value that corrects the document line (quantity, unit price in the "
                                      "document's unit and currency, discount).")
    within_tolerance = fields.Boolean(readonly=True)
    summary = fields.Char(compute="_compute_summary", help="Kind, what it is about, expected vs billed, impact.")
    is_exception = fields.Boolean(compute="_compute_is_exception", search="_search_is_exception",
                                  help="Open and beyond tolerance: blocks posting or needs an approval.")
    state = fields.Selection(STATE_SELECTION, required=True, default=matching.OPEN, index=True, readonly=True)
    accepted_by_id = fields.Many2one("res.users", string="Accepted By", readonly=True)
    accepted_date = fields.Datetime(string="Accepted On", readonly=True)
    accept_reason = fields.Text(string="Why Accepted", readonly=True)
    resolution = fields.Selection(RESOLUTION_SELECTION, readonly=True)
    reason_code = fields.Selection(REASON_CODE_SELECTION, string="Reason Code", readonly=True)
    resolution_move_id = fields.Many2one("account.move", string="Resolved By Document", ondelete="set null",
                                         readonly=True, index="btree_not_null")
    resolved_by_id = fields.Many2one("res.users", string="Resolved By", readonly=True)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True)

    _move_key_unique = models.Constraint("UNIQUE(move_id, key)",
                                         "A document has one discrepancy per finding: re-checks update it.")

    @api.depends("state", "within_tolerance")
    def _compute_is_exception(self):
        for discrepancy in self:
            discrepancy.is_exception = matching.is_exception(discrepancy.state, discrepancy.within_tolerance)

    def _search_is_exception(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [("state", "=", matching.OPEN), ("within_tolerance", "=", False)]
        positive = (True in value) == (operator == "in")
        return domain if positive else ["!", *domain]

    @api.depends("state", "within_tolerance")
    def _compute_status(self):
        for discrepancy in self:
            if discrepancy.state == matching.OPEN:
                discrepancy.status = "within" if discrepancy.within_tolerance else "exception"
            else:
                discrepancy.status = discrepancy.state

    @api.depends("kind", "expected", "actual", "expected_text", "actual_text", "purchase_line_id", "company_id")
    def _compute_displays(self):
        for discrepancy in self:
            discrepancy.expected_display = discrepancy._format_value(discrepancy.expected, discrepancy.expected_text)
            discrepancy.actual_display = discrepancy._format_value(discrepancy.actual, discrepancy.actual_text)

    def _format_value(self, value, text):
        """A value of this finding as people read it: in the purchase line's unit (quantities) or currency
        (unit prices), company currency (bill total), % (discounts), without decimals that say nothing."""
        self.ensure_one()
        if text or self.kind not in (matching.QUANTITY, matching.PRICE, matching.DISCOUNT, matching.TOTAL):
            return text or False
        env = self.env
        if self.kind == matching.QUANTITY:
            digits = matching.decimals_needed(value, env["decimal.precision"].precision_get("Product Unit"))
            unit = self.purchase_line_id.product_uom_id.name
            number = formatLang(env, value, digits=digits)
            return f"{number} {unit}" if unit else number
        if self.kind == matching.DISCOUNT:
            digits = matching.decimals_needed(value, env["decimal.precision"].precision_get("Discount"))
            return f"{formatLang(env, value, digits=digits)} %"
        currency = (self.purchase_line_id.currency_id if self.kind == matching.PRICE else None) \
            or self.company_currency_id
        max_digits = max(env["decimal.precision"].precision_get("Product Price"), currency.decimal_places)
        number = formatLang(env, value, digits=matching.decimals_needed(value, max_digits, currency.decimal_places))
        symbol = currency.symbol or currency.name
        return f"{number}\N{NO-BREAK SPACE}{symbol}" if currency.position == "after" \
            else f"{symbol}\N{NO-BREAK SPACE}{number}"

    @api.depends("kind", "description", "move_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for discrepancy in self:
            discrepancy.display_name = f"{discrepancy.move_id.display_name}: {kinds.get(discrepancy.kind)}" + (
                f" ({discrepancy.description})" if discrepancy.description else "")

    @api.depends("kind", "description", "expected", "actual", "expected_text", "actual_text", "impact")
    def _compute_summary(self):
        for discrepancy in self:
            discrepancy.summary = discrepancy._summary()

    def _summary(self):
        """One line for people: kind, what it is about, expected vs billed, impact."""
        self.ensure_one()
        _ = self.env._
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        expected = self._format_value(self.expected, self.expected_text)
        actual = self._format_value(self.actual, self.actual_text)
        text = _("%(kind)s%(about)s: expected %(expected)s, billed %(actual)s", kind=kind,
                 about=f" ({self.description})" if self.description else "", expected=expected, actual=actual)
        if self.impact:
            text += _(", impact %s", self.company_currency_id.format(self.impact))
        return text

    # ------------------------------------------------------------------ acceptance
    def action_accept(self, reason=None):
        """Accept exceptions with a reason: only a Billing Approver or a Clerk Manager."""
        _ = self.env._
        if not self.env.user.has_group("invoicing_clerk_tools.group_approver"):
            raise AccessError(_("Only a Billing Approver or a Clerk Manager can accept a discrepancy."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Accepting a discrepancy needs a reason: fill in the Reason field."))
        self.check_access("read")
        self.move_id.check_access("write")
        wrong = self.filtered(lambda d: d.state != matching.OPEN)
        if wrong:
            raise UserError(_("Only open discrepancies can be accepted, not: %s",
                              ", ".join(wrong.mapped("display_name"))))
        now = fields.Datetime.now()
        self.sudo().write({"state": matching.ACCEPTED, "accepted_by_id": self.env.user.id, "accepted_date": now,
                           "accept_reason": reason})
        for move in self.move_id:
            found = self.filtered(lambda d, m=move: d.move_id == m)
            move.message_post(body=Markup("%s<ul>%s</ul>%s") % (
                _("Discrepancies accepted by %s:", self.env.user.name),
                Markup().join(Markup("<li>%s</li>") % d._summary() for d in found),
                _("Reason: %s", reason)))
        return True

    def action_open_accept_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Accept Discrepancies"),
            "res_model": "clerk.discrepancy.accept.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_discrepancy_ids": self.ids},
        }

    def action_open_resolve_wizard(self):
        return self.move_id.ensure_one().with_context(
            default_discrepancy_ids=self.ids).action_clerk_resolve_discrepancies()

    # ------------------------------------------------------------------ resolution
    def _set_waiting(self, resolution, document=None):
        self.sudo().write({"state": matching.WAITING, "resolution": resolution,
                           "resolution_move_id": document.id if document else False})

    def _set_resolved(self, resolution, document):
        self.sudo().write({"state": matching.RESOLVED, "resolution": resolution, "resolution_move_id": document.id,
                           "resolved_by_id": self.env.user.id, "resolved_date": fields.Datetime.now()})

    @api.model
    def _resolve_with_posted(self, posted):
        """Documents just posted resolve what waited for them: their own discrepancies waiting for this document,
        and the vendor credit notes asked for a bill, when a refund of that bill is posted."""
        refunds = posted.filtered(lambda m: m.move_type == "in_refund" and m.reversed_entry_id)
        for_document = Domain("resolution_move_id", "in", posted.ids)
        if refunds:
            for_document |= (Domain("resolution", "=", "vendor_credit") & Domain("resolution_move_id", "=", False)
                             & Domain("move_id", "in", refunds.reversed_entry_id.ids))
        waiting = self.sudo().search(Domain("state", "=", matching.WAITING) & for_document)
        if not waiting:
            return
        refund_of = {refund.reversed_entry_id.id: refund for refund in refunds}
        now = fields.Datetime.now()
        for discrepancy in waiting:
            document = discrepancy.resolution_move_id or refund_of[discrepancy.move_id.id]
            discrepancy.write({"state": matching.RESOLVED, "resolution_move_id": document.id,
                               "resolved_by_id": self.env.user.id, "resolved_date": now})
        for move in waiting.move_id:
            found = waiting.filtered(lambda d, m=move: d.move_id == m)
            move.message_post(body=Markup("%s<ul>%s</ul>") % (
                self.env._("Discrepancies resolved by %s:", ", ".join(found.resolution_move_id.mapped("display_name"))),
                Markup().join(Markup("<li>%s</li>") % d._summary() for d in found)))

    # ------------------------------------------------------------------ recording a check
    def _signature(self):
        """What this discrepancy says, as :attr:`Finding.signature <..tools.matching.Finding.signature>` does."""
        return matching.signature(self.kind, self.move_line_id.id, self.purchase_line_id.id, self.other_move_id.id,
                                  self.expected, self.actual, self.within_tolerance, self.expected_text,
                                  self.actual_text)

    @api.model
    def _values_of(self, move, finding, sequence):
        """The values a discrepancy records of a :class:`~..tools.matching.Finding` of ``move``."""
        return {
            "move_id": move.id, "company_id": move.company_id.id, "partner_id": move.commercial_partner_id.id,
            "move_date": move.invoice_date or move.date or fields.Date.context_today(self),
            "kind": finding.kind, "key": finding.key, "sequence": sequence,
            "move_line_id": finding.move_line_id, "purchase_line_id": finding.purchase_line_id,
            "product_id": finding.product_id, "other_move_id": finding.other_move_id,
            "expected": finding.expected, "actual": finding.actual, "difference": finding.difference,
            "impact": finding.impact, "within_tolerance": finding.within, "expected_text": finding.expected_text,
            "actual_text": finding.actual_text, "description": finding.description,
            "excess_amount": finding.excess_amount, "correct_value": finding.correct_value,
        }

    @api.model
    def _record_findings(self, moves, findings):
        """Create, update, reopen or obsolete the discrepancies of ``moves`` after a check, in batch.

        ``findings``: ``{move_id: [Finding]}``. An unchanged finding keeps its
        state (an acceptance survives a re-check); a changed one is open again.
        """
        existing = self.sudo().search_fetch(
            [("move_id", "in", moves.ids)],
            ["move_id", "key", "state", "kind", "move_line_id", "purchase_line_id", "other_move_id", "expected",
             "actual", "within_tolerance", "expected_text", "actual_text"])
        by_move = defaultdict(dict)
        for discrepancy in existing:
            by_move[discrepancy.move_id.id][discrepancy.key] = discrepancy
        to_create, obsolete = [], self.sudo().browse()
        reset = {"state": matching.OPEN, "accepted_by_id": False, "accepted_date": False, "accept_reason": False,
                 "resolution": False, "resolution_move_id": False}
        for move in moves:
            recorded = by_move.get(move.id, {})
            found = {finding.key: (sequence, finding) for sequence, finding in enumerate(findings.get(move.id, ()))}
            create, update, reopen, gone = matching.reconcile(
                {key: (d._signature(), d.state) for key, d in recorded.items()},
                {key: finding.signature for key, (_sequence, finding) in found.items()})
            to_create.extend(self._values_of(move, found[key][1], found[key][0]) for key in create)
            for key in update + reopen:
                values = self._values_of(move, found[key][1], found[key][0])
                del values["move_id"], values["key"]
                recorded[key].write({**values, **reset})
            for key in gone:
                obsolete |= recorded[key]
        if obsolete:
            obsolete.write({"state": matching.OBSOLETE})
        if to_create:
            self.sudo().create(to_create)

    # ------------------------------------------------------------------ resolution paths
    def _check_resolvable(self, states=(matching.OPEN, matching.ACCEPTED)):
        """One bill's discrepancies that its clerk may resolve; returns the bill."""
        _ = self.env._
        if not self:
            raise UserError(_("Choose the discrepancies to resolve."))
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(_("Only invoicing clerks can resolve discrepancies."))
        self.check_access("read")
        move = self.move_id
        if len(move) != 1:
            raise UserError(_("Resolve the discrepancies of one document at a time."))
        move.check_access("write")
        wrong = self.filtered(lambda d: d.state not in states)
        if wrong:
            raise UserError(_("These discrepancies are already settled or obsolete: %s",
                              ", ".join(wrong.mapped("display_name"))))
        return move

    def action_request_vendor_credit(self, template=None):
        """Mail the vendor the differences with the bill attached; the findings wait for the vendor's refund."""
        move = self._check_resolvable()
        if move.move_type != "in_invoice":
            raise UserError(self.env._("A credit note can only be asked from the vendor for a vendor bill."))
        self._set_waiting("vendor_credit")
        attachments = move._clerk_bill_attachments()
        template = template or self.env.ref("invoicing_clerk_tools.mail_template_discrepancy_credit_request")
        move.message_post_with_source(
            template, message_type="comment", subtype_xmlid="mail.mt_comment",
            attachment_ids=[Command.set(attachments.ids)])
        return True

    def action_record_vendor_refund(self):
        """A draft vendor refund of the amounts in excess, for a posted bill; the findings wait for it to post."""
        _ = self.env._
        move = self._check_resolvable()
        if move.move_type != "in_invoice" or move.state != "posted":
            raise UserError(_("A vendor refund is recorded for a posted vendor bill; correct a draft bill instead."))
        refundable = self.filtered(lambda d: d.excess_amount > 0 and d.kind != matching.TOTAL)
        if not refundable:
            raise UserError(_("Nothing was billed in excess on these discrepancies: there is nothing to refund."))
        lines = []
        for discrepancy in refundable:
            line = discrepancy.move_line_id
            name = _("%(kind)s: %(summary)s", kind=move.name, summary=discrepancy._summary())
            if discrepancy.kind == matching.DUPLICATE:
                lines.extend(Command.create({
                    "product_id": bill_line.product_id.id, "name": bill_line.name, "quantity": bill_line.quantity,
                    "price_unit": bill_line.price_unit, "discount": bill_line.discount,
                    "product_uom_id": bill_line.product_uom_id.id, "account_id": bill_line.account_id.id,
                    "tax_ids": [Command.set(bill_line.tax_ids.ids)],
                }) for bill_line in move.invoice_line_ids.filtered(lambda x: x.display_type == "product"))
                continue
            values = {"name": name, "product_id": discrepancy.product_id.id, "quantity": 1.0,
                      "price_unit": discrepancy.excess_amount, "account_id": line.account_id.id or False,
                      "tax_ids": [Command.set(line.tax_ids.ids if discrepancy.kind != matching.TAX else [])]}
            if discrepancy.kind == matching.QUANTITY and line:
                # Quantities returned reduce what the purchase line has billed.
                excess_quantity = line.quantity - discrepancy.correct_value
                values.update(quantity=excess_quantity, price_unit=line.price_unit, discount=line.discount,
                              product_uom_id=line.product_uom_id.id, purchase_line_id=line.purchase_line_id.id)
            lines.append(Command.create({key: value for key, value in values.items() if value is not False}))
        refund = self.env["account.move"].with_company(move.company_id).create({
            "move_type": "in_refund", "partner_id": move.partner_id.id, "currency_id": move.currency_id.id,
            "journal_id": move.journal_id.id, "reversed_entry_id": move.id,
            "invoice_date": fields.Date.context_today(self), "invoice_origin": move.invoice_origin,
            "ref": _("Discrepancies of %s", move.ref or move.name), "invoice_line_ids": lines,
        })
        refundable._set_waiting("vendor_refund", refund)
        move.message_post(body=_("Vendor refund %(refund)s recorded for the discrepancies: %(items)s",
                                 refund=refund.display_name, items="; ".join(refundable.mapped("description"))))
        return refund

    def action_correct_bill(self):
        """Put the purchase order's values back on a draft bill; the findings are resolved by the corrected bill."""
        _ = self.env._
        move = self._check_resolvable()
        if move.state != "draft":
            raise UserError(_("Only a draft bill can be corrected: for a posted one record a vendor refund or "
                              "ask the vendor for a credit note."))
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        wrong = self.filtered(lambda d: d.kind not in CORRECTABLE or not d.move_line_id)
        if wrong:
            raise UserError(_("%s cannot be corrected on the bill: accept it, ask the vendor for a credit note or "
                              "edit the bill.", ", ".join(kinds[d.kind] for d in wrong)))
        updates = defaultdict(dict)
        for discrepancy in self:
            line = discrepancy.move_line_id
            if discrepancy.kind == matching.PRICE:
                updates[line.id]["price_unit"] = discrepancy.correct_value
            elif discrepancy.kind == matching.DISCOUNT:
                updates[line.id]["discount"] = discrepancy.correct_value
            elif discrepancy.kind == matching.QUANTITY:
                updates[line.id]["quantity"] = discrepancy.correct_value
            elif discrepancy.kind == matching.TAX:
                updates[line.id]["tax_ids"] = [Command.set(discrepancy.purchase_line_id.tax_ids.ids)]
            elif discrepancy.kind == matching.PRODUCT:
                updates[line.id].update(product_id=discrepancy.purchase_line_id.product_id.id,
                                        price_unit=updates[line.id].get("price_unit", line.price_unit))
        self._set_resolved("corrected", move)
        move.write({"invoice_line_ids": [Command.update(line_id, values) for line_id, values in updates.items()]})
        move.message_post(body=_("Bill corrected to its purchase order by %(user)s: %(items)s",
                                 user=self.env.user.name, items="; ".join(d._summary() for d in self)))
        return True

import contextvars
from collections import defaultdict, namedtuple
from contextlib import contextmanager
from functools import cached_property

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import matching
from ..tools.flags import raised
from .account_move import BlockingReason, internal_move_writes

# Inside a save (create/write) of moves, or inside the check itself: nested saves do not check again.
# Context variables, not the ORM context: an RPC caller cannot set them.
_SAVING = contextvars.ContextVar("clerk_match_saving", default=False)

MATCH_TYPES = ("in_invoice", "in_refund")
# Saving any of these on a draft bill runs the check again.
TRIGGER_FIELDS = frozenset({
    "partner_id", "invoice_line_ids", "line_ids", "invoice_date", "date", "currency_id", "ref", "move_type",
    "company_id", "journal_id",
})
LINE_TRIGGER_FIELDS = frozenset({
    "quantity", "price_unit", "discount", "tax_ids", "product_id", "purchase_line_id", "product_uom_id",
})
STATUS_SELECTION = [
    (matching.NOT_CHECKED, "Not Checked"),
    (matching.MATCHED, "Matched"),
    (matching.WITHIN, "Within Tolerance"),
    (matching.EXCEPTIONS, "Exceptions"),
]


def _label(line):
    """What a bill line is about, for people; read only for lines with a finding."""
    return line.product_id.display_name or line.name


def _line_finding(kind, line, variance=None, about=None, **values):
    """A finding about a bill line and its purchase line (if any), by default keyed and described by the line."""
    pol = line.purchase_line_id
    values = {"move_line_id": line.id, "purchase_line_id": pol.id,
              "product_id": line.product_id.id or pol.product_id.id, "description": _label(line), **values}
    about = line.id if about is None else about
    if variance:
        return matching.Finding.of_variance(kind, about, variance, **values)
    return matching.Finding(kind, about, **values)


def _in_unit(value, from_uom, to_uom, price=False):
    """A quantity (or a unit price) from one unit of measure to another, unchanged when either is missing."""
    if not from_uom or not to_uom or from_uom == to_uom:
        return value
    return from_uom._compute_price(value, to_uom) if price else from_uom._compute_quantity(value, to_uom, round=False)


class _Rates:
    """Currency conversion rates, each asked once per currencies, company and day."""

    def __init__(self, env):
        self._currency = env["res.currency"]
        self._known = {}

    def __call__(self, from_currency, to_currency, company, day):
        if not from_currency or not to_currency or from_currency == to_currency:
            return 1.0
        key = (from_currency.id, to_currency.id, company.id, day)
        if key not in self._known:
            self._known[key] = self._currency._get_conversion_rate(from_currency, to_currency, company, day)
        return self._known[key]


class _Tolerances:
    """The matching tolerances of some companies (one query), each chosen once per company, vendor and category."""

    def __init__(self, env, companies):
        Tolerance = env["clerk.match.tolerance"]
        self._candidates, self._values = Tolerance._tolerance_sets(companies)
        self._default = Tolerance._default_match_values()
        self._chosen = {}

    def __call__(self, company_id, partner_id, category_id):
        key = (company_id, partner_id, category_id)
        if key not in self._chosen:
            picked = matching.pick_tolerance(self._candidates.get(company_id, ()), partner_id, category_id)
            self._chosen[key] = self._values[picked] if picked else self._default
        return self._chosen[key]


# A purchase line's tolerances for one bill, amounts in the purchase order's currency.
_LineTolerance = namedtuple("_LineTolerance", "price qty discount_points match_basis")
# A bill line in its purchase line's unit and currency: quantity, unit price, rates bill -> order -> company.
_LineInOrder = namedtuple("_LineInOrder", "quantity price to_po po_to_company tolerance")
# What a purchase line bills: here (this bill), before (other posted bills), against what reference.
_PurchaseBilled = namedtuple("_PurchaseBilled", "pol lines here before basis reference net_price")


class _Bill:
    """One draft bill or refund as its checks see it, resolved once: day, currencies, rates, tolerances, lines."""

    def __init__(self, move, lines, billed_before, rates, tolerances, today):
        self.move = move
        self.company = move.company_id
        self.currency = self.company.currency_id
        self.move_currency = move.currency_id or self.currency
        self.day = move.invoice_date or move.date or today
        self.partner = move.commercial_partner_id
        self.is_bill = move.move_type == "in_invoice"
        self.lines = lines
        self._billed_before = billed_before
        self._rates = rates
        self._tolerances = tolerances
        self.to_company = self.rate(self.move_currency, self.currency)
        self.tolerance = tolerances(self.company.id, self.partner.id, None)
        self._line_tolerances = {}

    def rate(self, from_currency, to_currency):
        return self._rates(from_currency, to_currency, self.company, self.day)

    def to_company_money(self, amount, rate=None):
        """An amount of the bill (or at ``rate``) in company currency, rounded."""
        return self.currency.round(amount * (self.to_company if rate is None else rate))

    def in_currency(self, tolerance, values, currency):
        """A tolerance with its amount converted from the tolerance's currency."""
        source = self.currency.browse(values["currency_id"]) if values["currency_id"] else currency
        return matching.Tolerance(tolerance.pct, tolerance.amount * self.rate(source, currency), tolerance.mode)

    def line_tolerance(self, pol):
        """The tolerances of a purchase line's product category for this vendor, in its order's currency."""
        po_currency = pol.order_id.currency_id or self.currency
        key = (pol.product_id.categ_id.id, po_currency.id)
        if key not in self._line_tolerances:
            values = self._tolerances(self.company.id, self.partner.id, key[0])
            self._line_tolerances[key] = _LineTolerance(
                self.in_currency(values["price"], values, po_currency),
                self.in_currency(values["qty"], values, po_currency),
                values["discount_points"], values["match_basis"])
        return self._line_tolerances[key]

    def in_order(self, line):
        """A bill line with a purchase line, in that purchase line's unit and currency."""
        pol = line.purchase_line_id
        po_currency = pol.order_id.currency_id or self.currency
        po_uom, line_uom = pol.product_uom_id, line.product_uom_id or pol.product_uom_id
        to_po = self.rate(self.move_currency, po_currency)
        return _LineInOrder(
            _in_unit(line.quantity, line_uom, po_uom), _in_unit(line.price_unit, line_uom, po_uom, price=True) * to_po,
            to_po, self.rate(po_currency, self.currency), self.line_tolerance(pol))

    @cached_property
    def purchased(self):
        """``[_PurchaseBilled]`` of the purchase lines this bill bills, in the order of their first bill line."""
        by_pol = defaultdict(list)
        for line in self.lines:
            if line.purchase_line_id:
                by_pol[line.purchase_line_id].append(line)
        result = []
        for pol, lines in by_pol.items():
            basis = matching.match_basis(self.line_tolerance(pol).match_basis, pol.product_id.purchase_method)
            result.append(_PurchaseBilled(
                pol, lines, sum(_in_unit(line.quantity, line.product_uom_id, pol.product_uom_id) for line in lines),
                self._billed_before.get(pol.id, 0.0), basis,
                pol.qty_received if basis == matching.BASIS_RECEIVED else pol.product_qty,
                pol.price_unit * (1 - (pol.discount or 0.0) / 100.0)))
        return result


class AccountMove(models.Model):
    """Vendor bills checked against their purchase orders and receipts: the check, its status, its gate reasons."""

    _inherit = "account.move"

    clerk_discrepancy_ids = fields.One2many("clerk.discrepancy", "move_id", string="Discrepancies", readonly=True)
    clerk_match_date = fields.Datetime(string="Last Checked", readonly=True, copy=False,
                                       help="When the bill was last checked against its purchase orders.")
    clerk_match_status = fields.Selection(
        STATUS_SELECTION, string="Match Status", compute="_compute_clerk_match_status", store=True, index=True,
        copy=False,
        help="Not checked; matched (no finding); within tolerance (findings within tolerance, accepted or being "
             "resolved); exceptions (an open finding beyond tolerance).")
    clerk_exception_count = fields.Integer(string="Open Exceptions", compute="_compute_clerk_exception_count")
    clerk_company_match_policy = fields.Selection(related="company_id.clerk_match_policy",
                                                  string="Bill Check Exceptions")

    @api.depends("move_type", "clerk_match_date", "clerk_discrepancy_ids.state",
                 "clerk_discrepancy_ids.within_tolerance")
    def _compute_clerk_match_status(self):
        for move in self:
            checked = bool(move.clerk_match_date) and move.move_type in MATCH_TYPES
            move.clerk_match_status = matching.match_status(
                checked, [(d.state, d.within_tolerance) for d in move.clerk_discrepancy_ids])

    @api.depends("clerk_discrepancy_ids.state", "clerk_discrepancy_ids.within_tolerance")
    def _compute_clerk_exception_count(self):
        for move in self:
            move.clerk_exception_count = sum(
                matching.is_exception(d.state, d.within_tolerance) for d in move.clerk_discrepancy_ids)

    # ------------------------------------------------------------------ when the check runs
    @contextmanager
    def _clerk_match_on_save(self):
        """Yield whether this is the outermost save: only that one runs the check, once, after it."""
        if _SAVING.get():
            yield False
            return
        with raised(_SAVING):
            yield True

    @api.model_create_multi
    def create(self, vals_list):
        with self._clerk_match_on_save() as outermost:
            moves = super().create(vals_list)
        if outermost:
            moves._clerk_match_check()
        return moves

    def write(self, vals):
        if not TRIGGER_FIELDS.intersection(vals):
            return super().write(vals)
        with self._clerk_match_on_save() as outermost:
            result = super().write(vals)
        if outermost:
            self._clerk_match_check()
        return result

    def _post(self, soft=True):
        self._clerk_match_check()
        posted = super()._post(soft=soft)
        self.env["clerk.discrepancy"]._resolve_with_posted(posted)
        posted._clerk_accept_approved_exceptions()
        return posted

    def action_clerk_match_check(self):
        """Check now (button on the bill, server action on the bill list)."""
        self.check_access("write")
        moves = self._clerk_moves_to_match()
        moves._clerk_match_check()
        checked = len(moves)
        exceptions = moves.filtered(lambda m: m.clerk_match_status == matching.EXCEPTIONS)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if exceptions else "success",
                "title": self.env._("Bills checked against purchase orders"),
                "message": self.env._("%(checked)s draft bill(s) checked, %(exceptions)s with exceptions.",
                                      checked=checked, exceptions=len(exceptions)),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_clerk_resolve_discrepancies(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve Discrepancies"),
            "res_model": "clerk.discrepancy.resolve.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id, **{
                key: value for key, value in self.env.context.items() if key == "default_discrepancy_ids"}},
        }

    # ------------------------------------------------------------------ the check
    def _clerk_moves_to_match(self):
        return self.filtered(lambda m: m.id and m.state == "draft" and m.move_type in MATCH_TYPES
                             and m.company_id.clerk_match_policy != "none")

    def _clerk_match_check(self):
        """Check draft vendor bills and refunds of ``self`` and record the findings, in batch."""
        moves = self._origin._clerk_moves_to_match()
        if not moves:
            return
        with raised(_SAVING):
            moves = moves.sudo()
            findings = moves._clerk_match_findings()
            self.env["clerk.discrepancy"].sudo()._record_findings(moves, findings)
            # Only the date of the check changes: no invoice synchronisation or balance check is needed.
            with internal_move_writes():
                moves.with_context(check_move_validity=False, skip_invoice_sync=True).write(
                    {"clerk_match_date": fields.Datetime.now()})

    def _clerk_match_findings(self):
        """``{move_id: [Finding]}``: what each move's check finds, in a constant number of queries."""
        bills = self._clerk_match_bills()
        duplicates = self._clerk_possible_duplicates({bill.move.id: bill.tolerance["duplicate_days"]
                                                      for bill in bills})
        result = {}
        for bill in bills:
            found = self._clerk_check_lines(bill)
            if bill.is_bill:
                found += self._clerk_check_quantities(bill)
                found += self._clerk_check_total(bill, found)
            found += self._clerk_check_duplicates(bill, duplicates.get(bill.move.id, ()))
            result[bill.move.id] = found
        return result

    def _clerk_match_bills(self):
        """``[_Bill]`` of ``self`` with their product lines, every record the checks read fetched in batch."""
        self.fetch(["company_id", "move_type", "commercial_partner_id", "currency_id", "invoice_date", "date", "ref",
                    "amount_total", "amount_untaxed", "name"])
        lines = self.env["account.move.line"].sudo().search_fetch(
            [("move_id", "in", self.ids), ("display_type", "=", "product")],
            ["move_id", "product_id", "quantity", "price_unit", "discount", "tax_ids", "product_uom_id",
             "purchase_line_id", "price_subtotal", "name"], order="move_id, sequence, id")
        pols = lines.purchase_line_id
        pols.fetch(["order_id", "product_id", "product_qty", "qty_received", "price_unit", "discount", "tax_ids",
                    "product_uom_id"])
        pols.order_id.fetch(["partner_id", "currency_id", "name"])
        pols.order_id.partner_id.fetch(["commercial_partner_id"])
        (lines.product_id | pols.product_id).fetch(["categ_id", "purchase_method"])
        (lines.product_uom_id | pols.product_uom_id).fetch(["factor", "rounding"])
        (lines.tax_ids | pols.tax_ids).fetch(["amount", "amount_type", "name"])
        billed_before = self._clerk_billed_before(pols)
        lines_by_move = defaultdict(list)
        for line in lines:
            lines_by_move[line.move_id.id].append(line)
        rates, tolerances = _Rates(self.env), _Tolerances(self.env, self.company_id)
        today = fields.Date.context_today(self)
        return [_Bill(move, lines_by_move[move.id], billed_before, rates, tolerances, today) for move in self]

    # ------------------------------------------------------------------ the checks, one bill each
    def _clerk_check_lines(self, bill):
        """Each bill line against its purchase order line: there is one (when required), same product and
        vendor; on bills also price, discount and taxes."""
        found = []
        orders_seen = set()
        for line in bill.lines:
            pol = line.purchase_line_id
            if not pol:
                found += self._clerk_check_without_order(bill, line)
                continue
            found += self._clerk_check_product(bill, line)
            if pol.order_id not in orders_seen:
                found += self._clerk_check_vendor(bill, line)
                orders_seen.add(pol.order_id)
            if bill.is_bill:
                in_order = bill.in_order(line)
                found += self._clerk_check_price(bill, line, in_order)
                found += self._clerk_check_discount(bill, line, in_order)
                found += self._clerk_check_taxes(bill, line)
        return found

    def _clerk_check_without_order(self, bill, line):
        if not bill.is_bill or bill.tolerance["allow_without_po"]:
            return []
        return [_line_finding(matching.NO_PO, line, expected_text=self.env._("a purchase order line"),
                              actual_text=self.env._("none"), impact=bill.to_company_money(line.price_subtotal),
                              excess_amount=line.price_subtotal)]

    def _clerk_check_product(self, bill, line):
        pol = line.purchase_line_id
        if line.product_id == pol.product_id:
            return []
        return [_line_finding(matching.PRODUCT, line, expected_text=pol.product_id.display_name or "-",
                              actual_text=_label(line) or "-", impact=bill.to_company_money(line.price_subtotal),
                              excess_amount=line.price_subtotal)]

    def _clerk_check_vendor(self, bill, line):
        """The purchase order of another vendor (once per order)."""
        order = line.purchase_line_id.order_id
        if order.partner_id.commercial_partner_id == bill.partner:
            return []
        return [_line_finding(matching.VENDOR, line, about=order.id, description=order.name,
                              expected_text=order.partner_id.commercial_partner_id.display_name,
                              actual_text=bill.partner.display_name)]

    def _clerk_check_price(self, bill, line, in_order):
        pol = line.purchase_line_id
        variance = matching.price_variance(pol.price_unit, in_order.price,
                                           in_order.quantity * (1 - (line.discount or 0.0) / 100.0),
                                           in_order.tolerance.price)
        if not variance:
            return []
        expected_here = _in_unit(pol.price_unit, pol.product_uom_id, line.product_uom_id or pol.product_uom_id,
                                 price=True)
        return [_line_finding(matching.PRICE, line, variance,
                              impact=bill.to_company_money(variance.impact, in_order.po_to_company),
                              excess_amount=variance.impact / in_order.to_po,
                              correct_value=expected_here / in_order.to_po)]

    def _clerk_check_discount(self, bill, line, in_order):
        pol = line.purchase_line_id
        variance = matching.discount_variance(pol.discount, line.discount, in_order.price * in_order.quantity,
                                              in_order.tolerance.discount_points)
        if not variance:
            return []
        return [_line_finding(matching.DISCOUNT, line, variance,
                              impact=bill.to_company_money(variance.impact, in_order.po_to_company),
                              excess_amount=variance.impact / in_order.to_po, correct_value=pol.discount)]

    def _clerk_check_taxes(self, bill, line):
        pol = line.purchase_line_id
        variance = matching.tax_difference(
            {tax.id: tax.amount if tax.amount_type == "percent" else 0.0 for tax in pol.tax_ids},
            {tax.id: tax.amount if tax.amount_type == "percent" else 0.0 for tax in line.tax_ids},
            line.price_subtotal)
        if not variance:
            return []
        return [_line_finding(matching.TAX, line, variance,
                              expected_text=", ".join(pol.tax_ids.mapped("name")) or self.env._("no tax"),
                              actual_text=", ".join(line.tax_ids.mapped("name")) or self.env._("no tax"),
                              impact=bill.to_company_money(variance.impact), excess_amount=variance.impact)]

    def _clerk_check_quantities(self, bill):
        """Quantities billed (here and on other posted bills) against received or ordered, per purchase line;
        the finding is on the purchase line's last bill line."""
        basis_labels = {matching.BASIS_RECEIVED: self.env._("received"), matching.BASIS_ORDERED: self.env._("ordered")}
        found = []
        for billed in bill.purchased:
            pol = billed.pol
            variance = matching.quantity_variance(billed.here, billed.before, billed.reference, billed.net_price,
                                                  bill.line_tolerance(pol).qty)
            if not variance:
                continue
            line = billed.lines[-1]
            excess_here = _in_unit(variance.difference, pol.product_uom_id, line.product_uom_id or pol.product_uom_id)
            po_to_company = bill.rate(pol.order_id.currency_id or bill.currency, bill.currency)
            found.append(_line_finding(
                matching.QUANTITY, line, variance, about=pol.id,
                description=self.env._("%(product)s, %(basis)s %(reference)s, billed before %(before)s",
                                       product=pol.product_id.display_name or pol.name,
                                       basis=basis_labels[billed.basis], reference=f"{billed.reference:g}",
                                       before=f"{billed.before:g}"),
                impact=bill.to_company_money(variance.impact, po_to_company),
                excess_amount=excess_here * line.price_unit * (1 - (line.discount or 0.0) / 100.0),
                correct_value=max(0.0, line.quantity - excess_here)))
        return found

    def _clerk_check_total(self, bill, found):
        """The bill's lines with a purchase order against what their purchase lines allow; what line exceptions
        already explain is not counted again."""
        if not bill.purchased:
            return []
        expected_total = actual_total = 0.0
        for billed in bill.purchased:
            po_currency = billed.pol.order_id.currency_id or bill.currency
            allowed = matching.allowed_quantity(billed.here, billed.before, billed.reference)
            expected_total += allowed * billed.net_price * bill.rate(po_currency, bill.currency)
            actual_total += sum(line.price_subtotal for line in billed.lines) * bill.to_company
        explained = sum(finding.impact for finding in found if not finding.within
                        and finding.kind in (matching.PRICE, matching.DISCOUNT, matching.QUANTITY))
        variance = matching.total_variance(
            bill.currency.round(expected_total), bill.currency.round(actual_total),
            bill.in_currency(bill.tolerance["total"], bill.tolerance, bill.currency), explained)
        if not variance:
            return []
        return [matching.Finding.of_variance(
            matching.TOTAL, "bill", variance, impact=bill.currency.round(variance.impact),
            description=self.env._("lines with a purchase order, untaxed, %s", bill.currency.name))]

    def _clerk_check_duplicates(self, bill, duplicates):
        """``duplicates``: ``[(other_id, other_name, reason)]`` from :meth:`_clerk_possible_duplicates`."""
        move = bill.move
        return [matching.Finding(
            matching.DUPLICATE, other_id, other_move_id=other_id, actual=move.amount_total,
            impact=bill.to_company_money(move.amount_total), expected_text=self.env._("no other bill"),
            actual_text=other_name, excess_amount=move.amount_untaxed,
            description=self.env._("same vendor reference") if reason == "ref" else self.env._(
                "same amount within a few days"),
        ) for other_id, other_name, reason in duplicates]

    def _clerk_billed_before(self, pols):
        """``{purchase_line_id: quantity}`` billed on other posted bills (net of refunds), in the purchase unit."""
        if not pols:
            return {}
        self.env["account.move.line"].flush_model(["purchase_line_id", "quantity", "product_uom_id", "display_type",
                                                   "move_id"])
        self.env["account.move"].flush_model(["move_type", "state"])
        rows = self.env.execute_query(SQL(
            """SELECT line.purchase_line_id, line.product_uom_id, move.move_type, SUM(line.quantity)
                 FROM account_move_line line
                 JOIN account_move move ON move.id = line.move_id
                WHERE line.purchase_line_id = ANY(%s) AND line.display_type = 'product'
                  AND move.state = 'posted' AND move.move_type IN ('in_invoice', 'in_refund')
                  AND NOT move.id = ANY(%s)
             GROUP BY 1, 2, 3""", pols.ids, self.ids))
        uoms = self.env["uom.uom"].browse({row[1] for row in rows if row[1]})
        billed = defaultdict(float)
        for pol_id, uom_id, move_type, quantity in rows:
            pol = pols.browse(pol_id)
            uom = uoms.browse(uom_id) if uom_id else pol.product_uom_id
            if uom and pol.product_uom_id and uom != pol.product_uom_id:
                quantity = uom._compute_quantity(quantity, pol.product_uom_id, round=False)
            billed[pol_id] += quantity if move_type == "in_invoice" else -quantity
        return billed

    def _clerk_possible_duplicates(self, windows):
        """``{move_id: [(other_id, other_name, reason)]}``: bills of the same vendor, company and type with the
        same vendor reference, or the same amount within ``windows[move_id]`` days, draft or posted. One query."""
        moves = self.filtered(lambda m: m.commercial_partner_id)
        if not moves:
            return {}
        self.env["account.move"].flush_model(["ref", "amount_total", "currency_id", "invoice_date", "date", "state",
                                              "move_type", "commercial_partner_id", "company_id", "name"])
        refs = sorted({matching.normalize_ref(m.ref) for m in moves} - {""})
        amounts = sorted({round(m.amount_total, 6) for m in moves if m.amount_total})
        rows = self.env.execute_query(SQL(
            """SELECT id, company_id, move_type, commercial_partner_id, ref, amount_total, currency_id,
                      COALESCE(invoice_date, date), name
                 FROM account_move
                WHERE move_type = ANY(%s) AND state IN ('draft', 'posted')
                  AND company_id = ANY(%s) AND commercial_partner_id = ANY(%s)
                  AND (regexp_replace(lower(COALESCE(ref, '')), '[^[:alnum:]]', '', 'g') = ANY(%s)
                       OR amount_total = ANY(%s::numeric[]))""",
            list(MATCH_TYPES), moves.company_id.ids, moves.commercial_partner_id.ids, refs, amounts))
        by_ref, by_amount, names = defaultdict(list), defaultdict(list), {}
        for move_id, company_id, move_type, partner_id, ref, amount, currency_id, day, name in rows:
            group = (company_id, move_type, partner_id)
            candidate = matching.Candidate(move_id, group, ref, float(amount or 0.0), currency_id, day)
            names[move_id] = name or "/"
            if matching.normalize_ref(ref):
                by_ref[group, matching.normalize_ref(ref)].append(candidate)
            by_amount[group, currency_id, round(float(amount or 0.0), 2)].append(candidate)
        result = {}
        for move in moves:
            group = (move.company_id.id, move.move_type, move.commercial_partner_id.id)
            bill = matching.Candidate(move.id, group, move.ref, move.amount_total, move.currency_id.id,
                                      move.invoice_date or move.date)
            others = by_ref.get((group, matching.normalize_ref(move.ref)), []) + by_amount.get(
                (group, move.currency_id.id, round(move.amount_total, 2)), [])
            seen = set()
            for other in others:
                if other.id in seen:
                    continue
                seen.add(other.id)
                reason = matching.duplicate_reason(bill, other, windows.get(move.id, 0))
                if reason:
                    result.setdefault(move.id, []).append((other.id, names[other.id], reason))
        return result

    # ------------------------------------------------------------------ the gate
    def _clerk_blocking_reasons(self):
        reasons = super()._clerk_blocking_reasons()
        for move_id, items in self._clerk_discrepancy_reasons().items():
            reasons.setdefault(move_id, []).extend(items)
        return reasons

    def _clerk_discrepancy_reasons(self):
        """``{move_id: [reason]}``: open exceptions block posting, in one query for the whole recordset.

        A company that routes exceptions to approvers (and has an approval rule
        for bills with open discrepancies) lets the approvals block instead.
        """
        _ = self.env._
        moves = self._origin.filtered(lambda m: m.id and m.move_type in MATCH_TYPES
                                      and m.company_id.clerk_match_policy in ("block", "approval"))
        if not moves:
            return {}
        routed = moves.company_id.filtered(lambda c: c.clerk_match_policy == "approval")
        if routed:
            routed = routed.filtered(lambda c: c.id in self.env["clerk.approval.rule"]._discrepancy_rule_companies())
        moves = moves.filtered(lambda m: m.company_id not in routed)
        if not moves:
            return {}
        exceptions = self.env["clerk.discrepancy"].sudo().search_fetch(
            [("move_id", "in", moves.ids), ("state", "=", matching.OPEN), ("within_tolerance", "=", False)],
            ["move_id", "kind", "description", "expected", "actual", "expected_text", "actual_text", "impact",
             "company_id"])
        result = defaultdict(list)
        for discrepancy in exceptions:
            result[discrepancy.move_id.id].append(BlockingReason(
                _("Discrepancy beyond tolerance: %s", discrepancy._summary()),
                _("a Billing Approver or Clerk Manager accepts it, or it is resolved"),
                (("tab", "clerk_bill_check", _("Open Bill Check")),)))
        return result

    def _clerk_panel_warnings(self):
        """Exceptions that do not block posting themselves: only reported, or sent to the approvers."""
        warnings = super()._clerk_panel_warnings()
        bills = self.filtered(lambda m: m.move_type in MATCH_TYPES and m.clerk_match_status == "exception"
                              and m.company_id.clerk_match_policy in ("report", "approval"))
        if not bills:
            return warnings
        _ = self.env._
        blocking = self._clerk_discrepancy_reasons() if "approval" in bills.company_id.mapped(
            "clerk_match_policy") else {}
        for bill in bills.filtered(lambda m: m.id not in blocking):
            if bill.company_id.clerk_match_policy == "report":
                message = _("Bill check: %s beyond tolerance (reported only: posting is not blocked).",
                            _("1 exception") if bill.clerk_exception_count == 1
                            else _("%s exceptions", bill.clerk_exception_count))
            else:
                message = _("Bill check: %s beyond tolerance, for the approvers of the rule for bills with open "
                            "discrepancies.", _("1 exception") if bill.clerk_exception_count == 1
                            else _("%s exceptions", bill.clerk_exception_count))
            warnings.setdefault(bill.id, []).append(BlockingReason(
                message, _("a Billing Approver or Clerk Manager accepts them, or they are resolved"),
                (("tab", "clerk_bill_check", _("Open Bill Check")),)))
        return warnings

    def _clerk_accept_approved_exceptions(self):
        """Bills posted after an approver approved their discrepancy rule: their exceptions are accepted by that
        approver, so the approval is the acceptance on record."""
        bills = self.filtered(lambda m: m.state == "posted" and m.move_type in MATCH_TYPES
                              and m.company_id.clerk_match_policy == "approval")
        if not bills:
            return
        exceptions = self.env["clerk.discrepancy"].sudo().search(
            [("move_id", "in", bills.ids), ("state", "=", matching.OPEN), ("within_tolerance", "=", False)])
        if not exceptions:
            return
        requests = self.env["clerk.approval.request"].sudo().search([
            ("move_id", "in", exceptions.move_id.ids), ("is_current", "=", True), ("state", "=", "approved"),
            ("rule_id.clerk_open_discrepancies", "=", True)])
        now = fields.Datetime.now()
        for request in requests:
            decision = request.decision_ids.filtered(lambda d: d.decision == "approve")[-1:]
            found = exceptions.filtered(lambda d, r=request: d.move_id == r.move_id and d.state == matching.OPEN)
            found.write({
                "state": matching.ACCEPTED, "accepted_by_id": decision.user_id.id or self.env.user.id,
                "accepted_date": decision.date or now,
                "accept_reason": self.env._("Approved under rule %(level)s%(comment)s", level=request.name,
                                            comment=f": {decision.comment}" if decision.comment else ""),
            })

    def _clerk_bill_attachments(self):
        """The bill as the vendor sent it (its main attachment, else its attachments), else its PDF printed now."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"]
        if self.message_main_attachment_id:
            return self.message_main_attachment_id
        attachments = Attachment.search([("res_model", "=", "account.move"), ("res_id", "=", self.id)])
        if attachments:
            return attachments
        content, report_type = self.env["ir.actions.report"]._render("account.account_invoices", self.ids)
        return Attachment.create({
            "name": f"{(self.name or 'bill').replace('/', '_')}.{report_type}",
            "raw": content, "res_model": "account.move", "res_id": self.id,
        })

import contextvars
from collections import defaultdict
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import matching

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


def _add_finding(found, base, kind, key, line=None, pol=None, **values):
    """Put one finding in ``found`` under its key, with every value a discrepancy records."""
    key = f"{kind}:{key}"
    found[key] = {
        **base, "kind": kind, "key": key, "sequence": len(found),
        "move_line_id": line.id if line else False, "purchase_line_id": pol.id if pol else False,
        "product_id": (line.product_id.id if line else False) or (pol.product_id.id if pol else False),
        "expected": 0.0, "actual": 0.0, "difference": 0.0, "impact": 0.0, "within_tolerance": False,
        "expected_text": False, "actual_text": False, "description": False, "excess_amount": 0.0,
        "correct_value": 0.0, "other_move_id": False,
        **values,
    }


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
        token = _SAVING.set(True)
        try:
            yield True
        finally:
            _SAVING.reset(token)

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
        token = _SAVING.set(True)
        try:
            moves = moves.sudo()
            findings = moves._clerk_match_findings()
            self.env["clerk.discrepancy"].sudo()._record_findings(moves, findings)
            # Only the date of the check changes: no invoice synchronisation or balance check is needed.
            moves.with_context(check_move_validity=False, skip_invoice_sync=True).write(
                {"clerk_match_date": fields.Datetime.now()})
        finally:
            _SAVING.reset(token)

    def _clerk_match_findings(self):
        """``{move_id: {key: values}}``: what each move's check finds; a constant number of queries."""
        env = self.env
        self.fetch(["company_id", "move_type", "commercial_partner_id", "currency_id", "invoice_date", "date", "ref",
                    "amount_total", "amount_untaxed", "name"])
        lines = env["account.move.line"].sudo().search_fetch(
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
        Tolerance = env["clerk.match.tolerance"]
        candidates, tolerance_values = Tolerance._tolerance_sets(self.company_id)
        default_tolerance = Tolerance._default_match_values()

        chosen = {}

        def tolerance_for(company_id, partner_id, category_id):
            key = (company_id, partner_id, category_id)
            if key not in chosen:
                picked = matching.pick_tolerance(candidates.get(company_id, ()), partner_id, category_id)
                chosen[key] = tolerance_values[picked] if picked else default_tolerance
            return chosen[key]

        Currency = env["res.currency"]
        rates = {}

        def rate(from_currency, to_currency, company, day):
            if not from_currency or not to_currency or from_currency == to_currency:
                return 1.0
            key = (from_currency.id, to_currency.id, company.id, day)
            if key not in rates:
                rates[key] = Currency._get_conversion_rate(from_currency, to_currency, company, day)
            return rates[key]

        def in_currency(tolerance, values, currency, company, day):
            """A tolerance with its amount converted from the tolerance's currency."""
            source = Currency.browse(values["currency_id"]) if values["currency_id"] else currency
            return matching.Tolerance(tolerance.pct, tolerance.amount * rate(source, currency, company, day),
                                      tolerance.mode)

        lines_by_move = defaultdict(list)
        for line in lines:
            lines_by_move[line.move_id.id].append(line)
        duplicates = self._clerk_possible_duplicates(
            {move.id: tolerance_for(move.company_id.id, move.commercial_partner_id.id, None)["duplicate_days"]
             for move in self})
        today = fields.Date.context_today(self)
        result = {}
        for move in self:
            company = move.company_id
            company_currency = company.currency_id
            move_currency = move.currency_id or company_currency
            day = move.invoice_date or move.date or today
            partner = move.commercial_partner_id
            is_bill = move.move_type == "in_invoice"
            to_company = rate(move_currency, company_currency, company, day)
            bill_tolerance = tolerance_for(company.id, partner.id, None)
            found = {}

            base = {"move_id": move.id, "company_id": company.id, "partner_id": partner.id, "move_date": day}

            def add(kind, key, line=None, pol=None, _found=found, _base=base, **values):
                _add_finding(_found, _base, kind, key, line, pol, **values)

            by_pol = defaultdict(list)
            for line in lines_by_move[move.id]:
                pol = line.purchase_line_id
                if not pol:
                    if is_bill and not bill_tolerance["allow_without_po"]:
                        add(matching.NO_PO, line.id, line, expected_text=env._("a purchase order line"),
                            actual_text=env._("none"), description=_label(line),
                            impact=company_currency.round(line.price_subtotal * to_company),
                            excess_amount=line.price_subtotal)
                    continue
                by_pol[pol].append(line)
                order = pol.order_id
                if line.product_id != pol.product_id:
                    add(matching.PRODUCT, line.id, line, pol, description=_label(line),
                        expected_text=pol.product_id.display_name or "-", actual_text=_label(line) or "-",
                        impact=company_currency.round(line.price_subtotal * to_company),
                        excess_amount=line.price_subtotal)
                if order.partner_id.commercial_partner_id != partner and f"{matching.VENDOR}:{order.id}" not in found:
                    add(matching.VENDOR, order.id, line, pol, description=order.name,
                        expected_text=order.partner_id.commercial_partner_id.display_name,
                        actual_text=partner.display_name)
                if not is_bill:
                    continue
                po_currency = order.currency_id or company_currency
                po_uom, line_uom = pol.product_uom_id, line.product_uom_id or pol.product_uom_id
                to_po = rate(move_currency, po_currency, company, day)
                po_to_company = rate(po_currency, company_currency, company, day)
                values = tolerance_for(company.id, partner.id, pol.product_id.categ_id.id)
                quantity = line_uom._compute_quantity(line.quantity, po_uom, round=False) \
                    if line_uom and po_uom and line_uom != po_uom else line.quantity
                price = (line_uom._compute_price(line.price_unit, po_uom)
                         if line_uom and po_uom and line_uom != po_uom else line.price_unit) * to_po
                variance = matching.price_variance(
                    pol.price_unit, price, quantity * (1 - (line.discount or 0.0) / 100.0),
                    in_currency(values["price"], values, po_currency, company, day))
                if variance:
                    expected_here = (po_uom._compute_price(pol.price_unit, line_uom)
                                     if line_uom and po_uom and line_uom != po_uom else pol.price_unit)
                    add(matching.PRICE, line.id, line, pol, description=_label(line), expected=variance.expected,
                        actual=variance.actual, difference=variance.difference,
                        impact=company_currency.round(variance.impact * po_to_company),
                        within_tolerance=variance.within, excess_amount=variance.impact / to_po,
                        correct_value=expected_here / to_po)
                variance = matching.discount_variance(pol.discount, line.discount, price * quantity,
                                                      values["discount_points"])
                if variance:
                    add(matching.DISCOUNT, line.id, line, pol, description=_label(line), expected=variance.expected,
                        actual=variance.actual, difference=variance.difference,
                        impact=company_currency.round(variance.impact * po_to_company),
                        within_tolerance=variance.within, excess_amount=variance.impact / to_po,
                        correct_value=pol.discount)
                variance = matching.tax_difference(
                    {tax.id: tax.amount if tax.amount_type == "percent" else 0.0 for tax in pol.tax_ids},
                    {tax.id: tax.amount if tax.amount_type == "percent" else 0.0 for tax in line.tax_ids},
                    line.price_subtotal)
                if variance:
                    add(matching.TAX, line.id, line, pol, description=_label(line), expected=variance.expected,
                        actual=variance.actual, difference=variance.difference,
                        expected_text=", ".join(pol.tax_ids.mapped("name")) or env._("no tax"),
                        actual_text=", ".join(line.tax_ids.mapped("name")) or env._("no tax"),
                        impact=company_currency.round(variance.impact * to_company),
                        excess_amount=variance.impact)

            if not is_bill:
                result[move.id] = found
                continue
            expected_total = actual_total = 0.0
            basis_labels = {matching.BASIS_RECEIVED: env._("received"), matching.BASIS_ORDERED: env._("ordered")}
            for pol, pol_lines in by_pol.items():
                order = pol.order_id
                po_currency = order.currency_id or company_currency
                po_uom = pol.product_uom_id
                to_po = rate(move_currency, po_currency, company, day)
                po_to_company = rate(po_currency, company_currency, company, day)
                values = tolerance_for(company.id, partner.id, pol.product_id.categ_id.id)
                here = sum(
                    (line.product_uom_id._compute_quantity(line.quantity, po_uom, round=False)
                     if line.product_uom_id and po_uom and line.product_uom_id != po_uom else line.quantity)
                    for line in pol_lines)
                before = billed_before.get(pol.id, 0.0)
                basis = matching.match_basis(values["match_basis"], pol.product_id.purchase_method)
                reference = pol.qty_received if basis == matching.BASIS_RECEIVED else pol.product_qty
                net_price = pol.price_unit * (1 - (pol.discount or 0.0) / 100.0)
                variance = matching.quantity_variance(here, before, reference, net_price,
                                                      in_currency(values["qty"], values, po_currency, company, day))
                if variance:
                    line = pol_lines[-1]
                    line_uom = line.product_uom_id or po_uom
                    excess_here = (po_uom._compute_quantity(variance.difference, line_uom, round=False)
                                   if line_uom != po_uom else variance.difference)
                    add(matching.QUANTITY, pol.id, line, pol,
                        description=env._("%(product)s, %(basis)s %(reference)s, billed before %(before)s",
                                          product=pol.product_id.display_name or pol.name,
                                          basis=basis_labels[basis], reference=f"{reference:g}",
                                          before=f"{before:g}"),
                        expected=variance.expected, actual=variance.actual, difference=variance.difference,
                        impact=company_currency.round(variance.impact * po_to_company),
                        within_tolerance=variance.within,
                        excess_amount=excess_here * line.price_unit * (1 - (line.discount or 0.0) / 100.0),
                        correct_value=max(0.0, line.quantity - excess_here))
                allowed = matching.allowed_quantity(here, before, reference)
                expected_total += allowed * net_price * po_to_company
                actual_total += sum(line.price_subtotal for line in pol_lines) * to_company
            if by_pol:
                explained = sum(values["impact"] for values in found.values() if not values["within_tolerance"]
                                and values["kind"] in (matching.PRICE, matching.DISCOUNT, matching.QUANTITY))
                variance = matching.total_variance(
                    company_currency.round(expected_total), company_currency.round(actual_total),
                    in_currency(bill_tolerance["total"], bill_tolerance, company_currency, company, day), explained)
                if variance:
                    add(matching.TOTAL, "bill", expected=variance.expected, actual=variance.actual,
                        difference=variance.difference, impact=company_currency.round(variance.impact),
                        within_tolerance=variance.within,
                        description=env._("lines with a purchase order, untaxed, %s", company_currency.name))
            result[move.id] = found
        for move in self:
            for other_id, other_name, reason in duplicates.get(move.id, ()):
                company_currency = move.company_id.currency_id
                day = move.invoice_date or move.date or today
                _add_finding(
                    result.setdefault(move.id, {}),
                    {"move_id": move.id, "company_id": move.company_id.id,
                     "partner_id": move.commercial_partner_id.id, "move_date": day},
                    matching.DUPLICATE, other_id, other_move_id=other_id, actual=move.amount_total,
                    impact=company_currency.round(move.amount_total * rate(
                        move.currency_id or company_currency, company_currency, move.company_id, day)),
                    expected_text=env._("no other bill"), actual_text=other_name,
                    description=env._("same vendor reference") if reason == "ref" else env._(
                        "same amount within a few days"),
                    excess_amount=move.amount_untaxed)
        return result

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
            result[discrepancy.move_id.id].append({
                "code": "discrepancy",
                "message": _("Discrepancy beyond tolerance: %s", discrepancy._summary()),
                "who": _("a Billing Approver or Clerk Manager accepts it, or it is resolved"),
                "action": "action_clerk_resolve_discrepancies",
            })
        return result

    def _clerk_accept_approved_exceptions(self):
        """Bills posted after an approver approved their discrepancy level: their exceptions are accepted by that
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
                "accept_reason": self.env._("Approved at level %(level)s%(comment)s", level=request.name,
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

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import LazyTranslate

from ..tools import aging, statement, xlsx

_lt = LazyTranslate(__name__)

SUMMARY_COLUMNS = (
    xlsx.Column(_lt("Customer"), "text", 30),
    xlsx.Column(_lt("Invoicing Address"), "text", 40),
    xlsx.Column(_lt("Currency"), "text", 8),
    xlsx.Column(_lt("Statement Date"), "date", 12),
    xlsx.Column(_lt("From"), "date", 12),
    xlsx.Column(_lt("To"), "date", 12),
    xlsx.Column(_lt("Opening Balance"), "money", 14),
    xlsx.Column(_lt("Debit"), "money", 14),
    xlsx.Column(_lt("Credit"), "money", 14),
    xlsx.Column(_lt("Closing Balance"), "money", 14),
    xlsx.Column(_lt("Amount Due"), "money", 14),
    xlsx.Column(_lt("Overdue"), "money", 14),
    xlsx.Column(_lt("Pay By"), "date", 12),
    xlsx.Column(_lt("Payment Reference"), "text", 16),
    xlsx.Column(_lt("Bank Account"), "text", 26),
    *(xlsx.Column(_lt("Current") if key == "current" else title, "money", 12)
      for key, title, _low, _high in aging.BUCKETS),
)
STATEMENT_COLUMNS = (
    xlsx.Column(_lt("Customer"), "text", 30),
    xlsx.Column(_lt("Currency"), "text", 8),
    xlsx.Column(_lt("Date"), "date", 12),
    xlsx.Column(_lt("Type"), "text", 14),
    xlsx.Column(_lt("Number"), "text", 20),
    xlsx.Column(_lt("Reference"), "text", 20),
    xlsx.Column(_lt("Due Date"), "date", 12),
    xlsx.Column(_lt("Debit"), "money", 14),
    xlsx.Column(_lt("Credit"), "money", 14),
    xlsx.Column(_lt("Balance"), "money", 14),
)
OPEN_COLUMNS = (
    xlsx.Column(_lt("Customer"), "text", 30),
    xlsx.Column(_lt("Currency"), "text", 8),
    xlsx.Column(_lt("Number"), "text", 20),
    xlsx.Column(_lt("Date"), "date", 12),
    xlsx.Column(_lt("Due Date"), "date", 12),
    xlsx.Column(_lt("Days Overdue"), "int", 9),
    xlsx.Column(_lt("Amount"), "money", 14),
    xlsx.Column(_lt("Open"), "money", 14),
    *(xlsx.Column(_lt("Current") if key == "current" else title, "money", 12)
      for key, title, _low, _high in aging.BUCKETS),
)


class ClerkStatementReport(models.AbstractModel):
    """Customer statements of account: the figures of many customers gathered in a few grouped queries.

    Everything comes from the customers' posted receivable journal items of one
    company, in the items' own currency (exact in foreign currency): the opening
    balance (items before the period), the period's items per document, and the
    items still open at the end of the period, whose residual is rebuilt from
    the reconciliations dated up to that day. The arithmetic is in
    ``tools/statement.py``.
    """

    _name = "clerk.statement.report"
    _description = "Customer Statement of Account"

    @api.model
    def _check_period(self, date_from, date_to):
        """Refuse a period without both ends or ending before it starts, in the user's language."""
        try:
            statement.check_period(date_from, date_to)
        except ValueError as error:
            if not date_from or not date_to:
                message = self.env._("Statement period: choose a start date and an end date.")
            else:
                message = self.env._(
                    "Statement period: it starts on %(start)s, after it ends on %(end)s. "
                    "Choose a start date on or before the end date.", start=date_from, end=date_to)
            raise UserError(message) from error

    @api.model
    def _base_domain(self, company, partner_ids):
        return Domain([
            ("company_id", "=", company.id),
            ("partner_id", "in", list(partner_ids)),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
        ])

    @api.model
    def _kind(self, move):
        if move.move_type == "out_invoice":
            return "invoice"
        if move.move_type == "out_refund":
            return "credit_note"
        if move.origin_payment_id or move.statement_line_id or move.journal_id.type in ("bank", "cash"):
            return "payment"
        return "entry"

    @api.model
    def _kind_labels(self):
        return {"invoice": self.env._("Invoice"), "credit_note": self.env._("Credit Note"),
                "payment": self.env._("Payment"), "entry": self.env._("Entry")}

    @api.model
    def _statements(self, company, partners, date_from, date_to):
        """``{partner_id: [CurrencyStatement, ...]}`` for commercial ``partners`` of ``company`` over the period.

        Five queries whatever the number of customers and items (plus the
        prefetch of the documents and currencies involved).
        """
        self._check_period(date_from, date_to)
        Line = self.env["account.move.line"]
        partner_ids = partners.commercial_partner_id.ids
        base = self._base_domain(company, partner_ids)
        openings = defaultdict(dict)
        for partner, currency, amount in Line._read_group(
                base & Domain("date", "<", date_from), ["partner_id", "currency_id"], ["amount_currency:sum"]):
            openings[partner.id][currency.name] = amount
        movements = defaultdict(list)
        lines = Line.search_fetch(base & Domain([("date", ">=", date_from), ("date", "<=", date_to)]),
                                  ["partner_id", "currency_id", "amount_currency", "date", "move_id", "date_maturity"],
                                  order="date, move_id, id")
        lines.move_id.fetch(["name", "move_type", "ref", "origin_payment_id", "statement_line_id", "journal_id"])
        per_document = {}
        for line in lines:
            key = (line.partner_id.id, line.currency_id.name, line.move_id.id)
            if key in per_document:
                per_document[key][0] += line.amount_currency
                per_document[key][1] = min(filter(None, (per_document[key][1], line.date_maturity)), default=None)
                continue
            per_document[key] = [line.amount_currency, line.date_maturity, line]
        for (partner_id, currency, _move_id), (amount, due, line) in per_document.items():
            move = line.move_id
            movements[partner_id].append(statement.Movement(
                currency, line.date, self._kind(move), move.name, move.ref or "", amount,
                due if move.move_type in ("out_invoice", "out_refund") else None))
        open_items, open_currencies = self._open_items(base, date_to)
        digits = {currency.name: currency.decimal_places
                  for currency in (lines.currency_id | company.currency_id | open_currencies)}
        result = {}
        for partner_id in partner_ids:
            result[partner_id] = statement.build(openings.get(partner_id, {}), movements.get(partner_id, ()),
                                                 open_items.get(partner_id, ()), date_to, digits)
        return result

    @api.model
    def _open_items(self, base, date_to):
        """``({partner_id: [OpenItem]}, currencies)``: items dated up to ``date_to`` not fully matched by that day."""
        Line = self.env["account.move.line"]
        Partial = self.env["account.partial.reconcile"]
        domain = base & Domain("date", "<=", date_to) & (
            Domain("reconciled", "=", False)
            | Domain("matched_debit_ids.max_date", ">", date_to)
            | Domain("matched_credit_ids.max_date", ">", date_to)
        )
        lines = Line.search_fetch(domain, ["partner_id", "currency_id", "amount_currency", "date", "date_maturity",
                                           "move_id"], order="date, id")
        if not lines:
            return {}, lines.currency_id
        lines.move_id.fetch(["name"])
        matched = defaultdict(float)
        for line, amount in Partial._read_group(
                [("debit_move_id", "in", lines.ids), ("max_date", "<=", date_to)],
                ["debit_move_id"], ["debit_amount_currency:sum"]):
            matched[line.id] += amount
        for line, amount in Partial._read_group(
                [("credit_move_id", "in", lines.ids), ("max_date", "<=", date_to)],
                ["credit_move_id"], ["credit_amount_currency:sum"]):
            matched[line.id] += amount
        items = defaultdict(list)
        for line in lines:
            residual = statement.residual_at(line.amount_currency, matched.get(line.id, 0.0),
                                             line.currency_id.decimal_places)
            if residual:
                items[line.partner_id.id].append(statement.OpenItem(
                    line.currency_id.name, line.date, line.move_id.name, line.date_maturity, line.amount_currency,
                    residual))
        return items, lines.currency_id

    # ------------------------------------------------------------------ XLSX
    @api.model
    def export_xlsx(self, target, company, partners, date_from, date_to):
        """Write the statements of ``partners`` to ``target``: sheets Summary (balances, amount due, how to pay,
        aging), Statement (movements with running balance) and Open Items. Returns row counts."""
        self.env["account.move.line"].check_access("read")
        statements = self._statements(company, partners, date_from, date_to)
        customers = partners.commercial_partner_id
        names = dict(zip(customers.ids, customers.mapped("display_name"), strict=True))
        today = fields.Date.context_today(self)
        addresses = {partner.id: ", ".join(filter(None, self._invoice_address(partner)._display_address(
            without_company=True).splitlines())) for partner in customers}
        references = {partner.id: self._payment_reference(partner) for partner in customers}
        banks = {}
        labels = self._kind_labels()
        title = self.env._("%(company)s: statements of account from %(start)s to %(end)s", company=company.name,
                           start=date_from.isoformat(), end=date_to.isoformat())

        def summary_rows():
            for partner_id, currency_statements in statements.items():
                for cs in currency_statements:
                    if cs.currency not in banks:
                        banks[cs.currency] = self._bank_account(company, cs.currency).display_name or None
                    yield (names[partner_id], addresses[partner_id], cs.currency, today, date_from, date_to,
                           cs.opening, cs.total_debit, cs.total_credit, cs.closing, cs.amount_due, cs.overdue,
                           statement.pay_by(cs, today), references[partner_id], banks[cs.currency],
                           *(cs.buckets[key] for key in aging.BUCKET_KEYS))

        def statement_rows():
            for partner_id, currency_statements in statements.items():
                for cs in currency_statements:
                    yield (names[partner_id], cs.currency, date_from, self.env._("Opening Balance"), None, None,
                           None, None, None, cs.opening)
                    for line in cs.lines:
                        movement = line.movement
                        yield (names[partner_id], cs.currency, movement.date, labels[movement.kind], movement.number,
                               movement.reference, movement.due_date, line.debit, line.credit, line.balance)
                    yield (names[partner_id], cs.currency, date_to, self.env._("Closing Balance"), None, None, None,
                           cs.total_debit, cs.total_credit, cs.closing)

        def open_rows():
            for partner_id, currency_statements in statements.items():
                for cs in currency_statements:
                    for aged in cs.open_items:
                        item = aged.item
                        buckets = [item.amount_residual if key == aged.bucket else None for key in aging.BUCKET_KEYS]
                        yield (names[partner_id], cs.currency, item.number, item.date, item.due_date, aged.days,
                               item.amount, item.amount_residual, *buckets)

        return xlsx.export(target, [
            (self.env._("Summary"), SUMMARY_COLUMNS, summary_rows(), title),
            (self.env._("Statement"), STATEMENT_COLUMNS, statement_rows(), title),
            (self.env._("Open Items"), OPEN_COLUMNS, open_rows(), title),
        ], translate=self.env._)

    # ------------------------------------------------------------------- PDF
    @api.model
    def _bank_account(self, company, currency):
        """The company's bank account to pay into for ``currency``: one in that currency (or in none) first, trusted
        ones first, as Odoo picks the recipient bank of an invoice."""
        banks = company.partner_id.bank_ids.filtered(lambda bank: not bank.company_id or bank.company_id == company)
        return banks.sorted(lambda bank: (bank.currency_id.name not in (currency, False) if currency else False,
                                          not bank.allow_out_payment, bank.sequence, bank.id))[:1]

    @api.model
    def _payment_reference(self, partner):
        return statement.payment_reference(partner.ref, partner.id, prefix=self.env._("CUST"))

    @api.model
    def _invoice_address(self, partner):
        return partner.browse(partner.address_get(["invoice"])["invoice"])

    @api.model
    def _report_values(self, docs, records):
        """Values of the QWeb statement: one dict per statement (record, partner, company, period, figures), with
        the customer's invoicing address, the payment reference and the bank account of each currency."""
        for doc in docs:
            doc["invoice_address"] = self._invoice_address(doc["partner"])
            doc["payment_reference"] = self._payment_reference(doc["partner"])
            doc["banks"] = {cs.currency: self._bank_account(doc["company"], cs.currency) for cs in doc["statements"]}
            doc["pay_by"] = {cs.currency: statement.pay_by(cs, doc["date_to"]) for cs in doc["statements"]}
        return {
            "doc_ids": records.ids,
            "doc_model": records._name,
            "docs": records,
            "statement_docs": docs,
            "buckets": [(key, title) for key, title, _low, _high in aging.BUCKETS],
            "currencies": {currency.name: currency for currency in self.env["res.currency"].with_context(
                active_test=False).search([("name", "in", list({cs.currency for doc in docs
                                                                for cs in doc["statements"]}))])},
        }

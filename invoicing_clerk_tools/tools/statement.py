"""The arithmetic of a customer statement of account, without the ORM.

A statement covers one customer, one company and one period. It is kept per
currency (the currency of the journal items), so that foreign-currency figures
are the exact amounts of the posted entries, never a conversion:

- the opening balance is the sum of the customer's receivable items dated
  before the period;
- each movement of the period (invoice, credit note, payment, other entry)
  moves a running balance;
- the closing balance is the opening plus the movements;
- the open items at the end of the period are aged in the buckets of
  :mod:`aging` (current, 1-30, 31-60, 61-90, 90+ days past due).

Amounts are rounded to the currency's decimal places at every step, so that a
running balance never drifts from the sum of its rounded movements.
"""

from calendar import monthrange
from collections import defaultdict, namedtuple
from datetime import date, timedelta

from . import aging

# kind: invoice, credit_note, payment, entry; amount: signed, in the currency (positive = owed by the customer)
Movement = namedtuple("Movement", "currency date kind number reference amount due_date", defaults=("", 0.0, None))
# amount_residual: what was still open at the end of the period, signed, in the currency
OpenItem = namedtuple("OpenItem", "currency date number due_date amount amount_residual")
# a movement with its debit, credit and the balance after it
StatementLine = namedtuple("StatementLine", "movement debit credit balance")
# an open item with its days past due and its bucket key
AgedItem = namedtuple("AgedItem", "item days bucket")

KINDS = ("invoice", "credit_note", "payment", "entry")
KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


class CurrencyStatement:
    """The statement of one currency: opening, lines with running balance, closing, aged open items."""

    __slots__ = ("currency", "opening", "lines", "closing", "open_items", "buckets", "total_open")

    def __init__(self, currency, opening, lines, closing, open_items, buckets, total_open):
        self.currency = currency
        self.opening = opening
        self.lines = lines
        self.closing = closing
        self.open_items = open_items
        self.buckets = buckets
        self.total_open = total_open

    @property
    def overdue(self):
        """What is past due at the end of the period (every bucket but *current*), at most the amount due (an open
        credit note or payment not yet due is the customer's to deduct)."""
        return max(min(round(self.total_open - self.buckets["current"], 6), self.amount_due), 0.0)

    @property
    def next_due_date(self):
        """The earliest due date of what is owed and not yet due (None when nothing is)."""
        return min((aged.item.due_date or aged.item.date for aged in self.open_items
                    if aged.bucket == "current" and aged.item.amount_residual > 0), default=None)

    @property
    def amount_due(self):
        """What the customer is asked to pay: the closing balance when it is owed, else nothing."""
        return self.closing if self.closing > 0 else 0.0

    @property
    def total_debit(self):
        return sum(line.debit for line in self.lines)

    @property
    def total_credit(self):
        return sum(line.credit for line in self.lines)

    def is_empty(self):
        """Nothing to tell: no movement, nothing owed at either end, nothing open."""
        return not self.lines and not self.opening and not self.closing and not self.open_items

    def __repr__(self):
        return (f"CurrencyStatement({self.currency!r}, opening={self.opening}, lines={len(self.lines)}, "
                f"closing={self.closing}, open={self.total_open})")


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day of the month of ``day``."""
    return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])


def previous_month(day: date) -> tuple[date, date]:
    """First and last day of the month before the month of ``day`` (the period a monthly run sends)."""
    return month_bounds(day.replace(day=1) - timedelta(days=1))


def check_period(date_from: date, date_to: date) -> None:
    if not date_from or not date_to:
        raise ValueError("a statement period needs a start and an end date")
    if date_from > date_to:
        raise ValueError(f"the period starts ({date_from}) after it ends ({date_to})")


def residual_at(amount: float, reconciled: float, digits: int = 2) -> float:
    """What is left of an item of signed ``amount`` once ``reconciled`` (always positive) was matched against it."""
    if amount >= 0:
        return round(amount - reconciled, digits)
    return round(amount + reconciled, digits)


def _sort_key(movement):
    return movement.date, KIND_ORDER.get(movement.kind, len(KINDS)), movement.number or ""


def build(openings, movements, open_items, as_of, digits=None):
    """The statement, one :class:`CurrencyStatement` per currency, sorted by currency.

    ``openings``: {currency: opening balance}; ``movements``: :class:`Movement`
    of the period (any order); ``open_items``: :class:`OpenItem` still open at
    ``as_of`` (the end of the period; items with nothing left are dropped);
    ``digits``: {currency: decimal places} (default 2). A currency appears when
    it has an opening balance, a movement or an open item; movements of zero
    (exchange differences, which move only the company currency) are left out.
    """
    digits = digits or {}
    by_currency = defaultdict(list)
    for movement in movements:
        # a document moving nothing in its currency (an exchange difference entry) is not a movement
        if round(movement.amount, digits.get(movement.currency, 2)):
            by_currency[movement.currency].append(movement)
    open_by_currency = defaultdict(list)
    for item in open_items:
        places = digits.get(item.currency, 2)
        if round(item.amount_residual, places):
            open_by_currency[item.currency].append(item)
    currencies = {currency for currency, amount in openings.items() if round(amount, digits.get(currency, 2))}
    currencies.update(by_currency, open_by_currency)
    statements = []
    for currency in sorted(currencies):
        places = digits.get(currency, 2)
        balance = opening = round(openings.get(currency, 0.0), places)
        lines = []
        for movement in sorted(by_currency.get(currency, ()), key=_sort_key):
            amount = round(movement.amount, places)
            balance = round(balance + amount, places)
            lines.append(StatementLine(movement, amount if amount > 0 else 0.0, -amount if amount < 0 else 0.0,
                                       balance))
        aged = []
        buckets = dict.fromkeys(aging.BUCKET_KEYS, 0.0)
        for item in sorted(open_by_currency.get(currency, ()), key=lambda i: (i.due_date or i.date, i.number or "")):
            days = aging.days_overdue(item.due_date or item.date, as_of)
            bucket = aging.bucket_for(days)
            residual = round(item.amount_residual, places)
            buckets[bucket] = round(buckets[bucket] + residual, places)
            aged.append(AgedItem(item._replace(amount_residual=residual), max(days, 0), bucket))
        total_open = round(sum(buckets.values()), places)
        statements.append(CurrencyStatement(currency, opening, lines, balance, aged, buckets, total_open))
    return statements


def pay_by(statement, as_of):
    """The date by which ``statement``'s amount due is to be paid: ``as_of`` (at once) when something is overdue,
    else the next due date; None when nothing is owed."""
    if statement.amount_due <= 0:
        return None
    if statement.overdue > 0:
        return as_of
    return statement.next_due_date or as_of


def payment_reference(partner_ref, partner_id, prefix="CUST"):
    """The customer's payment reference, as Odoo builds it for customer-based references: ``CUST/<ref or id>``."""
    return f"{prefix}/{(partner_ref or '').strip() or partner_id}"


def is_empty(statements) -> bool:
    """No currency has anything to tell (the customer is skipped unless asked for)."""
    return all(statement.is_empty() for statement in statements)


def summary(statements) -> str:
    """One line per currency: closing balance and what is overdue, e.g. ``EUR 120.00 (overdue 20.00)``."""
    parts = []
    for statement in statements:
        overdue = round(statement.total_open - statement.buckets["current"], 6)
        text = f"{statement.currency} {statement.closing:.2f}"
        if overdue:
            text += f" (overdue {overdue:.2f})"
        parts.append(text)
    return ", ".join(parts)

"""Matching arithmetic of vendor bills against purchase orders and receipts.

Values in, values out: the models convert units of measure and currencies
first (to the purchase line's unit and currency, at the bill date) and hand over
plain numbers; these functions say what differs, by how much, what it costs and
whether it is within tolerance. Nothing here imports Odoo.

Sign convention: ``difference = actual - expected``; ``impact`` is money the
company would pay too much (positive) or too little (negative, "favourable").
A favourable difference is recorded but always within tolerance: paying less
than agreed is not an error to dispute.
"""

from collections import namedtuple
from datetime import date
from math import inf
from typing import NamedTuple

BOTH, EITHER = "both", "either"
MODES = (BOTH, EITHER)

# Kinds of finding.
QUANTITY, PRICE, DISCOUNT, TAX = "quantity", "price", "discount", "tax"
NO_PO, PRODUCT, VENDOR, TOTAL, DUPLICATE = "no_po", "product", "vendor", "total", "duplicate"

# Discrepancy states.
OPEN, ACCEPTED, WAITING, RESOLVED, OBSOLETE = "open", "accepted", "waiting", "resolved", "obsolete"
LIVE_STATES = (OPEN, ACCEPTED, WAITING)  # what a re-check may turn obsolete

# Match status of a bill.
NOT_CHECKED, MATCHED, WITHIN, EXCEPTIONS = "none", "matched", "within", "exception"

# Where a tolerance applies; the most specific wins.
RANK_VENDOR_CATEGORY, RANK_VENDOR, RANK_CATEGORY, RANK_COMPANY = 3, 2, 1, 0

# Match basis.
BASIS_POLICY, BASIS_RECEIVED, BASIS_ORDERED = "policy", "received", "ordered"

EPSILON_DIGITS = 6

Tolerance = namedtuple("Tolerance", "pct amount mode", defaults=(0.0, 0.0, BOTH))
Variance = namedtuple("Variance", "expected actual difference impact within")
Candidate = namedtuple("Candidate", "id partner_id ref amount currency_id day")


# ------------------------------------------------------------------ tolerance
def _over(value, limit):
    """``value`` is beyond ``limit``, ignoring float noise below 1e-6."""
    if value == inf:
        return True
    return round(value - limit, EPSILON_DIGITS) > 0


def percent_of(difference, base):
    """``|difference|`` as a percentage of ``|base|``; any difference on a zero base is infinitely large."""
    difference, base = abs(difference or 0.0), abs(base or 0.0)
    if round(difference, EPSILON_DIGITS) == 0:
        return 0.0
    if round(base, EPSILON_DIGITS) == 0:
        return inf
    return difference / base * 100.0


def exceeds(percent, money, tolerance):
    """Whether a difference of ``percent`` % and ``money`` (absolute amount) is beyond ``tolerance``.

    ``both``: exceeded only when beyond the percentage *and* the amount (a large
    relative difference on a tiny line passes, so does a small one on a big line).
    ``either``: exceeded as soon as one limit is passed.
    """
    if tolerance.mode not in MODES:
        raise ValueError(f"unknown tolerance mode {tolerance.mode!r}")
    over_pct = _over(abs(percent), tolerance.pct or 0.0)
    over_amount = _over(abs(money), tolerance.amount or 0.0)
    return (over_pct and over_amount) if tolerance.mode == BOTH else (over_pct or over_amount)


def is_zero(value):
    return round(value or 0.0, EPSILON_DIGITS) == 0


# ------------------------------------------------------------------ line checks
def price_variance(expected_price, actual_price, quantity, tolerance):
    """Unit price billed vs purchase price, both per purchase unit in purchase currency.

    The percentage compares unit prices; the amount compares the line's money
    impact (difference x quantity). ``None`` when the prices agree.
    """
    difference = (actual_price or 0.0) - (expected_price or 0.0)
    if is_zero(difference):
        return None
    impact = difference * (quantity or 0.0)
    within = impact <= 0 or not exceeds(percent_of(difference, expected_price), impact, tolerance)
    return Variance(expected_price, actual_price, difference, impact, within)


def discount_variance(expected_discount, actual_discount, gross_amount, points):
    """Discount billed vs purchase discount, in percentage points.

    ``gross_amount`` is the line before discount (quantity x unit price); the
    impact is what the missing discount costs. Within tolerance when the
    difference is at most ``points`` or favourable.
    """
    difference = (actual_discount or 0.0) - (expected_discount or 0.0)
    if is_zero(difference):
        return None
    impact = (gross_amount or 0.0) * -difference / 100.0
    within = impact <= 0 or not _over(abs(difference), points or 0.0)
    return Variance(expected_discount, actual_discount, difference, impact, within)


def quantity_variance(billed_here, billed_before, reference, net_price, tolerance):
    """Quantity billed (this bill plus other posted bills) vs received or ordered.

    ``billed_here``: on this bill; ``billed_before``: on other posted bills, net
    of refunds; ``reference``: received (3-way) or ordered (2-way); all in the
    purchase unit. Only billing more than the reference is a finding; the excess
    is charged to this bill up to what it bills. Expected: what this bill may
    still bill; actual: what it bills. The percentage is the excess over the
    reference, the amount its value at the net purchase price.
    """
    billed_here, billed_before, reference = billed_here or 0.0, billed_before or 0.0, reference or 0.0
    excess = billed_here + billed_before - reference
    if round(excess, EPSILON_DIGITS) <= 0 or round(billed_here, EPSILON_DIGITS) <= 0:
        return None
    charged = min(excess, billed_here)
    impact = charged * (net_price or 0.0)
    within = not exceeds(percent_of(excess, reference), impact, tolerance)
    return Variance(max(reference - billed_before, 0.0), billed_here, charged, impact, within)


def allowed_quantity(billed_here, billed_before, reference):
    """What this bill may bill of a purchase line: never below 0, never above what it bills."""
    return max(0.0, min(billed_here or 0.0, (reference or 0.0) - (billed_before or 0.0)))


def total_variance(expected_total, actual_total, tolerance, explained=0.0):
    """Bill total (its lines with a purchase line) vs what their purchase lines allow, same currency.

    ``explained``: the part of the difference already reported by line findings
    beyond their tolerance (they are exceptions of their own). The total is
    beyond tolerance when the rest, the sum of small line differences each
    within tolerance, is: that is what the total check is for.
    """
    difference = (actual_total or 0.0) - (expected_total or 0.0)
    if round(difference, 2) == 0:
        return None
    unexplained = difference - (explained or 0.0)
    within = unexplained <= 0 or not exceeds(percent_of(unexplained, expected_total), unexplained, tolerance)
    return Variance(expected_total, actual_total, difference, difference, within)


def tax_difference(expected_rates, actual_rates, untaxed):
    """Taxes billed vs purchase taxes. ``*_rates``: ``{tax_id: percent}``; ``None`` when the same taxes.

    The impact is the tax that differs, from the percentages (fixed-amount taxes
    count 0): what the bill charges in tax beyond the order.
    """
    if set(expected_rates) == set(actual_rates):
        return None
    expected = sum(expected_rates.values())
    actual = sum(actual_rates.values())
    return Variance(expected, actual, actual - expected, (untaxed or 0.0) * (actual - expected) / 100.0, False)


# ------------------------------------------------------------------ tolerance choice
def tolerance_rank(partner_id, category_id):
    """How specific a tolerance is: vendor and category, vendor, category, company default."""
    if partner_id and category_id:
        return RANK_VENDOR_CATEGORY
    if partner_id:
        return RANK_VENDOR
    if category_id:
        return RANK_CATEGORY
    return RANK_COMPANY


def pick_tolerance(candidates, partner_id, category_id=None):
    """The most specific of ``candidates`` applying to a vendor and product category, or ``None``.

    ``candidates``: iterable of ``(key, partner_id, category_id)`` of one company; a
    tolerance applies when each of its partner and category is empty or equal.
    The vendor agreement is more specific than the category: vendor and
    category > vendor > category > company default. Ties: the smallest key.
    """
    best, best_sort = None, None
    for key, cand_partner, cand_category in candidates:
        if cand_partner and cand_partner != partner_id:
            continue
        if cand_category and cand_category != category_id:
            continue
        sort = (-tolerance_rank(cand_partner, cand_category), key)
        if best_sort is None or sort < best_sort:
            best, best_sort = key, sort
    return best


def match_basis(configured, product_policy):
    """``received`` (3-way) or ``ordered`` (2-way): as configured, else from the product's bill control policy.

    Odoo's policy ``purchase`` bills ordered quantities, ``receive`` received ones.
    """
    if configured in (BASIS_RECEIVED, BASIS_ORDERED):
        return configured
    return BASIS_ORDERED if product_policy == "purchase" else BASIS_RECEIVED


def tolerance_errors(values):
    """Codes of what is wrong with a tolerance configuration, empty when it is valid.

    ``values``: dict with ``price_pct``, ``qty_pct``, ``total_pct`` (percent),
    ``price_amount``, ``qty_amount``, ``total_amount`` (money), ``discount_points``,
    ``duplicate_days``, ``currency`` (truthy when set), ``modes`` (the three modes).
    """
    errors = []
    numbers = ("price_pct", "qty_pct", "total_pct", "price_amount", "qty_amount", "total_amount",
               "discount_points", "duplicate_days")
    if any((values.get(name) or 0) < 0 for name in numbers):
        errors.append("negative")
    if any((values.get(name) or 0) > 100 for name in ("price_pct", "qty_pct", "total_pct", "discount_points")):
        errors.append("over_100")
    amounts = ("price_amount", "qty_amount", "total_amount")
    if any(values.get(name) for name in amounts) and not values.get("currency"):
        errors.append("amount_without_currency")
    if any(mode not in MODES for mode in values.get("modes", ())):
        errors.append("mode")
    return errors


# ------------------------------------------------------------------ duplicates
def normalize_ref(ref):
    """A vendor reference compared without case, spaces or punctuation: 'INV-001 ' == 'inv001'."""
    return "".join(ch for ch in (ref or "").lower() if ch.isalnum())


def duplicate_reason(bill, other, window_days):
    """Why ``other`` may be a duplicate of ``bill`` (``"ref"``, ``"amount"``) or ``None``.

    Both are :class:`Candidate`. Same vendor required; then the same vendor
    reference, or the same amount in the same currency with dates at most
    ``window_days`` apart. Two different references are never duplicates.
    """
    if bill.id == other.id or bill.partner_id != other.partner_id:
        return None
    ref, other_ref = normalize_ref(bill.ref), normalize_ref(other.ref)
    if ref and other_ref:
        return "ref" if ref == other_ref else None
    if bill.currency_id != other.currency_id or round((bill.amount or 0.0) - (other.amount or 0.0), 2) != 0:
        return None
    if is_zero(bill.amount):
        return None
    if bill.day is None or other.day is None:
        return None
    return "amount" if abs(_ordinal(bill.day) - _ordinal(other.day)) <= window_days else None


def _ordinal(day):
    return day.toordinal() if isinstance(day, date) else int(day)


# ------------------------------------------------------------------ findings
def signature(kind, move_line_id, purchase_line_id, other_move_id, expected, actual, within, expected_text,
              actual_text):
    """What a finding says, comparable between checks (ids, numbers to 4 digits, texts): a change reopens it."""
    return (kind, move_line_id or False, purchase_line_id or False, other_move_id or False,
            round(expected or 0.0, 4), round(actual or 0.0, 4), bool(within), expected_text or False,
            actual_text or False)


class Finding(NamedTuple):
    """One thing a check found on a bill, with what a discrepancy records of it.

    ``about`` tells it apart from the other findings of its kind on the same bill
    (a bill line, a purchase order, a purchase line, ``"bill"``, another bill):
    ``key`` is what a re-check finds again. Amounts: ``impact`` in company
    currency; ``excess_amount`` and ``correct_value`` in the bill's currency and unit.
    """

    kind: str
    about: object
    move_line_id: int = False
    purchase_line_id: int = False
    product_id: int = False
    expected: float = 0.0
    actual: float = 0.0
    difference: float = 0.0
    impact: float = 0.0
    within: bool = False
    expected_text: str = False
    actual_text: str = False
    description: str = False
    excess_amount: float = 0.0
    correct_value: float = 0.0
    other_move_id: int = False

    @classmethod
    def of_variance(cls, kind, about, variance, **values):
        """A finding from a :class:`Variance` (expected, actual, difference, within); ``impact`` is given."""
        return cls(kind, about, expected=variance.expected, actual=variance.actual, difference=variance.difference,
                   within=variance.within, **values)

    @property
    def key(self):
        return f"{self.kind}:{self.about}"

    @property
    def signature(self):
        return signature(self.kind, self.move_line_id, self.purchase_line_id, self.other_move_id, self.expected,
                         self.actual, self.within, self.expected_text, self.actual_text)


# ------------------------------------------------------------------ records
def reconcile(existing, found):
    """What a re-check does to the discrepancies of one bill.

    ``existing``: ``{key: (values, state)}`` of the recorded discrepancies;
    ``found``: ``{key: values}`` of this check, ``values`` a tuple of what the
    finding says (expected, actual, within tolerance...). Returns
    ``(create, update, reopen, obsolete)``: keys to create; keys whose values
    changed (an acceptance or a request to the vendor falls, the finding is open
    again); obsolete keys that hold again (open again); live keys that no longer
    hold (obsolete). Unchanged findings keep their state, accepted included;
    resolved ones stay resolved.
    """
    create, update, reopen, obsolete = [], [], [], []
    for key, values in found.items():
        if key not in existing:
            create.append(key)
            continue
        old_values, state = existing[key]
        if state == OBSOLETE:
            reopen.append(key)
        elif old_values != values and state != RESOLVED:
            update.append(key)
    for key, (_values, state) in existing.items():
        if key not in found and state in LIVE_STATES:
            obsolete.append(key)
    return create, update, reopen, obsolete


def is_exception(state, within):
    """An open finding beyond tolerance: it blocks posting, or asks for approval."""
    return state == OPEN and not within


def match_status(checked, findings):
    """Status of a bill from ``(state, within)`` of its discrepancies.

    Not checked; exceptions (an open finding beyond tolerance); within tolerance
    (findings, all within tolerance or accepted, waiting or resolved); matched.
    """
    if not checked:
        return NOT_CHECKED
    live = [(state, within) for state, within in findings if state != OBSOLETE]
    if any(is_exception(state, within) for state, within in live):
        return EXCEPTIONS
    return WITHIN if live else MATCHED


def decimals_needed(value, max_digits, min_digits=0):
    """The fewest decimals (at least ``min_digits``, at most ``max_digits``) that show ``value`` as it is at
    ``max_digits``: 5.0 → 0 ("5", not "5.0000"), 12.5 → 1, 0.125 → 3."""
    target = round(value or 0.0, max_digits)
    for digits in range(min_digits, max_digits + 1):
        if round(target, digits) == target:
            return digits
    return max_digits

"""The plain matching arithmetic (invoicing_clerk_tools/tools/matching.py), without Odoo."""

from datetime import date
from math import inf

import pytest
from conftest import load_plain_module

matching = load_plain_module("matching")
T = matching.Tolerance


# ------------------------------------------------------------------ percent_of / exceeds
@pytest.mark.parametrize(("difference", "base", "expected"), [
    (0.0, 0.0, 0.0),
    (0.0, 10.0, 0.0),
    (1.0, 0.0, inf),
    (5.0, 100.0, 5.0),
    (-5.0, 100.0, 5.0),
    (5.0, -100.0, 5.0),
    (None, 100.0, 0.0),
    (1e-9, 0.0, 0.0),  # float noise is no difference
])
def test_percent_of(difference, base, expected):
    assert matching.percent_of(difference, base) == pytest.approx(expected)


@pytest.mark.parametrize(("percent", "money", "tolerance", "expected"), [
    # both: exceeded only beyond both limits
    (5.0, 10.0, T(5.0, 10.0, "both"), False),  # exactly at both limits: inside
    (5.01, 10.0, T(5.0, 10.0, "both"), False),  # beyond the percentage only
    (5.0, 10.01, T(5.0, 10.0, "both"), False),  # beyond the amount only
    (5.01, 10.01, T(5.0, 10.0, "both"), True),
    (inf, 10.01, T(5.0, 10.0, "both"), True),
    (inf, 10.0, T(5.0, 10.0, "both"), False),
    # either: exceeded beyond one of them
    (5.0, 10.0, T(5.0, 10.0, "either"), False),
    (5.01, 10.0, T(5.0, 10.0, "either"), True),
    (5.0, 10.01, T(5.0, 10.0, "either"), True),
    (5.01, 10.01, T(5.0, 10.0, "either"), True),
    # zero tolerance: any difference is beyond
    (0.01, 0.01, T(0.0, 0.0, "both"), True),
    (0.0, 0.0, T(0.0, 0.0, "either"), False),
    # negative money counts by its size
    (5.01, -10.01, T(5.0, 10.0, "both"), True),
    # float noise at the limit is inside
    (5.0000000001, 10.0000000001, T(5.0, 10.0, "either"), False),
    # None limits are zero
    (0.5, 0.5, T(None, None, "either"), True),
])
def test_exceeds(percent, money, tolerance, expected):
    assert matching.exceeds(percent, money, tolerance) is expected


def test_exceeds_unknown_mode():
    with pytest.raises(ValueError):
        matching.exceeds(1.0, 1.0, T(0.0, 0.0, "sometimes"))


# ------------------------------------------------------------------ price
def test_price_same_is_no_finding():
    assert matching.price_variance(10.0, 10.0, 5.0, T()) is None
    assert matching.price_variance(10.0, 10.0 + 1e-9, 5.0, T()) is None


@pytest.mark.parametrize(("actual", "quantity", "tolerance", "within"), [
    (10.5, 10, T(5.0, 5.0, "both"), True),  # 5 % and 5.00: at both limits
    (10.51, 10, T(5.0, 5.0, "both"), False),  # 5.1 % and 5.10
    (10.51, 1, T(5.0, 5.0, "both"), True),  # beyond the percentage, but 0.51 on the line
    (10.51, 10, T(5.0, 5.0, "either"), False),
    (10.5, 10, T(5.0, 5.0, "either"), True),
    (10.2, 100, T(5.0, 5.0, "either"), False),  # 2 % but 20.00 on the line
    (10.2, 100, T(5.0, 5.0, "both"), True),
    (10.01, 1, T(0.0, 0.0, "both"), False),  # no tolerance
])
def test_price_variance_tolerance(actual, quantity, tolerance, within):
    variance = matching.price_variance(10.0, actual, quantity, tolerance)
    assert variance.expected == 10.0
    assert variance.actual == actual
    assert variance.difference == pytest.approx(actual - 10.0)
    assert variance.impact == pytest.approx((actual - 10.0) * quantity)
    assert variance.within is within


def test_price_favourable_is_within():
    variance = matching.price_variance(10.0, 8.0, 10, T(0.0, 0.0, "either"))
    assert variance.impact == pytest.approx(-20.0)
    assert variance.within is True


def test_price_on_free_order_line_is_beyond_percentage():
    variance = matching.price_variance(0.0, 1.0, 1, T(100.0, 0.5, "both"))
    assert variance.within is False


# ------------------------------------------------------------------ discount
@pytest.mark.parametrize(("expected", "actual", "points", "within", "impact"), [
    (10.0, 10.0, 0.0, None, None),
    (10.0, 8.0, 2.0, True, 20.0),  # 2 points less on a 1,000 line: 20.00 more to pay
    (10.0, 7.99, 2.0, False, 20.1),
    (10.0, 12.0, 0.0, True, -20.0),  # more discount: favourable
    (0.0, 0.5, 0.0, True, -5.0),
    (5.0, 0.0, 4.99, False, 50.0),
])
def test_discount_variance(expected, actual, points, within, impact):
    variance = matching.discount_variance(expected, actual, 1000.0, points)
    if within is None:
        assert variance is None
        return
    assert variance.within is within
    assert variance.difference == pytest.approx(actual - expected)
    assert variance.impact == pytest.approx(impact)


# ------------------------------------------------------------------ quantity
def test_quantity_within_reference_is_no_finding():
    assert matching.quantity_variance(10, 0, 10, 5.0, T()) is None
    assert matching.quantity_variance(4, 6, 10, 5.0, T()) is None
    assert matching.quantity_variance(0, 20, 10, 5.0, T()) is None  # nothing billed here
    assert matching.quantity_variance(-2, 0, 10, 5.0, T()) is None


def test_quantity_excess_charged_to_this_bill():
    # 8 received, 5 billed before, 6 billed now: 3 too many, all on this bill
    variance = matching.quantity_variance(6, 5, 8, 10.0, T())
    assert variance.expected == 3
    assert variance.actual == 6
    assert variance.difference == 3
    assert variance.impact == 30.0
    assert variance.within is False


def test_quantity_excess_capped_at_this_bill():
    # 12 billed before on 8 received: this bill's 2 are the excess it adds
    variance = matching.quantity_variance(2, 12, 8, 10.0, T(100.0, 100.0))
    assert variance.expected == 0.0
    assert variance.difference == 2
    assert variance.impact == 20.0


@pytest.mark.parametrize(("billed", "tolerance", "within"), [
    (105, T(5.0, 50.0, "both"), True),  # 5 % and 50.00 exactly
    (106, T(5.0, 50.0, "both"), False),  # 6 % and 60.00
    (106, T(5.0, 100.0, "both"), True),  # beyond the percentage only
    (106, T(5.0, 100.0, "either"), False),
    (101, T(0.0, 0.0, "either"), False),
    (101, T(1.0, 10.0, "either"), True),
])
def test_quantity_tolerance(billed, tolerance, within):
    variance = matching.quantity_variance(billed, 0, 100, 10.0, tolerance)
    assert variance.within is within


def test_quantity_nothing_received():
    # any excess over nothing is infinitely large: beyond any percentage
    assert matching.quantity_variance(1, 0, 0, 10.0, T(100.0, 1000.0, "either")).within is False
    assert matching.quantity_variance(1, 0, 0, 10.0, T(100.0, 1000.0, "both")).within is True


@pytest.mark.parametrize(("here", "before", "reference", "expected"), [
    (10, 0, 10, 10), (10, 5, 10, 5), (10, 12, 10, 0), (3, 0, 10, 3), (0, 0, 10, 0), (5, -2, 4, 5),
])
def test_allowed_quantity(here, before, reference, expected):
    assert matching.allowed_quantity(here, before, reference) == expected


# ------------------------------------------------------------------ total
@pytest.mark.parametrize(("actual", "tolerance", "within"), [
    (1000.0, T(), None),
    (1000.004, T(), None),  # below a cent
    (1010.0, T(1.0, 10.0, "both"), True),
    (1010.01, T(1.0, 10.0, "both"), False),
    (1010.01, T(2.0, 10.0, "both"), True),
    (1010.01, T(2.0, 10.0, "either"), False),
    (900.0, T(), True),  # favourable
])
def test_total_variance(actual, tolerance, within):
    variance = matching.total_variance(1000.0, actual, tolerance)
    if within is None:
        assert variance is None
    else:
        assert variance.within is within
        assert variance.impact == pytest.approx(actual - 1000.0)


@pytest.mark.parametrize(("actual", "explained", "within"), [
    (1030.0, 30.0, True),  # every cent already reported by line exceptions
    (1030.0, 20.0, False),  # 10.00 of small differences beyond 5.00
    (1030.0, 25.0, True),  # 5.00 left: at the limit
    (1030.0, 40.0, True),  # more explained than billed
])
def test_total_variance_explained_by_line_exceptions(actual, explained, within):
    variance = matching.total_variance(1000.0, actual, T(100.0, 5.0, "either"), explained)
    assert variance.within is within
    assert variance.difference == pytest.approx(30.0)


# ------------------------------------------------------------------ taxes
def test_tax_difference():
    assert matching.tax_difference({1: 15.0}, {1: 15.0}, 100.0) is None
    assert matching.tax_difference({}, {}, 100.0) is None
    variance = matching.tax_difference({1: 15.0}, {2: 21.0}, 200.0)
    assert variance.difference == pytest.approx(6.0)
    assert variance.impact == pytest.approx(12.0)
    assert variance.within is False
    assert matching.tax_difference({1: 15.0}, {}, 100.0).impact == pytest.approx(-15.0)
    assert matching.tax_difference({1: 10.0}, {2: 10.0}, 100.0).impact == 0  # other tax, same rate: still a finding


# ------------------------------------------------------------------ tolerance choice
CANDIDATES = [(1, None, None), (2, 7, None), (3, None, 30), (4, 7, 30), (5, 8, None)]


@pytest.mark.parametrize(("partner", "category", "expected"), [
    (7, 30, 4), (7, 31, 2), (7, None, 2), (9, 30, 3), (9, None, 1), (8, 30, 5), (None, None, 1),
])
def test_pick_tolerance(partner, category, expected):
    assert matching.pick_tolerance(CANDIDATES, partner, category) == expected


def test_pick_tolerance_none_and_ties():
    assert matching.pick_tolerance([], 1, 2) is None
    assert matching.pick_tolerance([(2, 7, None)], 8, None) is None
    assert matching.pick_tolerance([(9, None, None), (3, None, None)], 1) == 3


@pytest.mark.parametrize(("partner", "category", "rank"), [
    (1, 2, matching.RANK_VENDOR_CATEGORY), (1, None, matching.RANK_VENDOR), (None, 2, matching.RANK_CATEGORY),
    (None, None, matching.RANK_COMPANY), (False, False, matching.RANK_COMPANY),
])
def test_tolerance_rank(partner, category, rank):
    assert matching.tolerance_rank(partner, category) == rank


@pytest.mark.parametrize(("configured", "policy", "expected"), [
    ("policy", "receive", "received"), ("policy", "purchase", "ordered"), ("policy", None, "received"),
    ("received", "purchase", "received"), ("ordered", "receive", "ordered"), (None, "purchase", "ordered"),
])
def test_match_basis(configured, policy, expected):
    assert matching.match_basis(configured, policy) == expected


VALID = {"price_pct": 5, "qty_pct": 0, "total_pct": 100, "price_amount": 10, "qty_amount": 0, "total_amount": 0,
         "discount_points": 1, "duplicate_days": 3, "currency": True, "modes": ("both", "either", "both")}


@pytest.mark.parametrize(("change", "errors"), [
    ({}, []),
    ({"price_pct": -1}, ["negative"]),
    ({"duplicate_days": -1}, ["negative"]),
    ({"qty_amount": -0.01}, ["negative"]),
    ({"qty_pct": 100.01}, ["over_100"]),
    ({"discount_points": 101}, ["over_100"]),
    ({"price_amount": 1000}, []),  # amounts have no upper bound
    ({"currency": False}, ["amount_without_currency"]),
    ({"currency": False, "price_amount": 0}, []),
    ({"modes": ("both", "never")}, ["mode"]),
    ({"price_pct": -1, "total_pct": 200, "currency": None}, ["negative", "over_100", "amount_without_currency"]),
])
def test_tolerance_errors(change, errors):
    assert matching.tolerance_errors({**VALID, **change}) == errors


# ------------------------------------------------------------------ duplicates
C = matching.Candidate
BILL = C(1, 10, "INV-001", 500.0, 1, date(2026, 3, 10))


@pytest.mark.parametrize(("other", "days", "expected"), [
    (C(2, 10, "inv 001", 120.0, 1, date(2025, 1, 1)), 3, "ref"),  # same reference, whatever the amount and date
    (C(2, 11, "INV-001", 500.0, 1, date(2026, 3, 10)), 3, None),  # other vendor
    (C(2, 10, "INV-002", 500.0, 1, date(2026, 3, 10)), 3, None),  # two different references
    (C(2, 10, None, 500.0, 1, date(2026, 3, 13)), 3, "amount"),  # 3 days apart
    (C(2, 10, None, 500.0, 1, date(2026, 3, 7)), 3, "amount"),
    (C(2, 10, None, 500.0, 1, date(2026, 3, 14)), 3, None),  # 4 days apart
    (C(2, 10, "", 500.0, 1, date(2026, 3, 14)), 4, "amount"),
    (C(2, 10, None, 500.0, 2, date(2026, 3, 10)), 3, None),  # other currency
    (C(2, 10, None, 500.01, 1, date(2026, 3, 10)), 3, None),
    (C(2, 10, None, 500.001, 1, date(2026, 3, 10)), 3, "amount"),
    (C(2, 10, None, 500.0, 1, None), 3, None),
    (C(1, 10, "INV-001", 500.0, 1, date(2026, 3, 10)), 3, None),  # itself
    (C(2, 10, None, 500.0, 1, date(2026, 3, 10)), 0, "amount"),
])
def test_duplicate_reason(other, days, expected):
    assert matching.duplicate_reason(BILL, other, days) == expected


def test_duplicate_reason_zero_amount_and_ordinals():
    empty = C(1, 10, None, 0.0, 1, 100)
    assert matching.duplicate_reason(empty, C(2, 10, None, 0.0, 1, 100), 3) is None
    assert matching.duplicate_reason(C(1, 10, None, 5.0, 1, 100), C(2, 10, None, 5.0, 1, 103), 3) == "amount"


def test_normalize_ref():
    assert matching.normalize_ref(" INV/2026-001 ") == "inv2026001"
    assert matching.normalize_ref(None) == ""


# ------------------------------------------------------------------ findings
def test_finding_key_and_defaults():
    finding = matching.Finding(matching.PRICE, 7, 7, 3, 11)
    assert finding.key == "price:7"
    assert (finding.move_line_id, finding.purchase_line_id, finding.product_id) == (7, 3, 11)
    assert (finding.expected, finding.impact, finding.within, finding.description) == (0.0, 0.0, False, False)
    assert matching.Finding(matching.TOTAL, "bill").key == "total:bill"


def test_finding_of_variance():
    variance = matching.Variance(10.0, 10.3, 0.3, 3.0, True)
    finding = matching.Finding.of_variance(matching.PRICE, 1, variance, impact=2.5, move_line_id=1)
    assert (finding.expected, finding.actual, finding.difference, finding.within) == (10.0, 10.3, 0.3, True)
    assert finding.impact == 2.5  # in company currency, given: not the variance's


def test_signature_is_what_a_finding_says():
    finding = matching.Finding(matching.PRICE, 1, 1, 2, 3, expected=10.0, actual=10.30001, difference=0.3,
                               impact=3.0, description="Part")
    # the same as a recorded discrepancy reads it back: empty relations and texts False, numbers to 4 digits
    assert finding.signature == matching.signature("price", 1, 2, False, 10.0, 10.3, False, False, False)
    assert finding.signature == matching.signature("price", 1, 2, None, 10.00001, 10.3, None, "", "")
    # what people read about it (description, impact, product) is not part of it: a change keeps an acceptance
    assert finding._replace(description="Other", impact=5.0, product_id=9).signature == finding.signature
    for changed in ({"actual": 10.4}, {"within": True}, {"expected_text": "x"}, {"purchase_line_id": 4}):
        assert finding._replace(**changed).signature != finding.signature


# ------------------------------------------------------------------ records and status
def test_reconcile():
    existing = {
        "same": ((1, 2, False), "open"),
        "accepted_same": ((1, 2, False), "accepted"),
        "accepted_changed": ((1, 2, False), "accepted"),
        "resolved_changed": ((1, 2, False), "resolved"),
        "gone_open": ((1, 2, False), "open"),
        "gone_waiting": ((1, 2, False), "waiting"),
        "gone_resolved": ((1, 2, False), "resolved"),
        "gone_obsolete": ((1, 2, False), "obsolete"),
        "back": ((1, 2, False), "obsolete"),
    }
    found = {
        "same": (1, 2, False), "accepted_same": (1, 2, False), "accepted_changed": (1, 3, False),
        "resolved_changed": (1, 3, False), "back": (1, 2, False), "new": (4, 5, True),
    }
    create, update, reopen, obsolete = matching.reconcile(existing, found)
    assert create == ["new"]
    assert update == ["accepted_changed"]
    assert reopen == ["back"]
    assert sorted(obsolete) == ["gone_open", "gone_waiting"]


def test_reconcile_idempotent():
    found = {"a": (1,), "b": (2,)}
    create, *_rest = matching.reconcile({}, found)
    assert create == ["a", "b"]
    assert matching.reconcile({key: (values, "open") for key, values in found.items()}, found) == ([], [], [], [])


@pytest.mark.parametrize(("checked", "findings", "status"), [
    (False, [], "none"),
    (False, [("open", False)], "none"),
    (True, [], "matched"),
    (True, [("obsolete", False)], "matched"),
    (True, [("open", True)], "within"),
    (True, [("accepted", False), ("resolved", False), ("waiting", False)], "within"),
    (True, [("open", True), ("open", False)], "exception"),
])
def test_match_status(checked, findings, status):
    assert matching.match_status(checked, findings) == status


@pytest.mark.parametrize(("state", "within", "expected"), [
    ("open", False, True), ("open", True, False), ("accepted", False, False), ("waiting", False, False),
    ("resolved", False, False), ("obsolete", False, False),
])
def test_is_exception(state, within, expected):
    assert matching.is_exception(state, within) is expected


@pytest.mark.parametrize(("value", "max_digits", "min_digits", "expected"), [
    (5.0, 4, 0, 0), (12.5, 4, 0, 1), (0.125, 4, 0, 3), (1.23456, 4, 0, 4), (120.0, 2, 2, 2), (10.125, 4, 2, 3),
    (-3.10, 2, 0, 1), (0.0, 4, 0, 0), (None, 2, 0, 0), (2.00001, 4, 0, 0),
])
def test_decimals_needed(value, max_digits, min_digits, expected):
    assert matching.decimals_needed(value, max_digits, min_digits) == expected

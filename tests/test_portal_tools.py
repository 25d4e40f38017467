"""Customer portal rules (tools/portal.py), without Odoo."""

from datetime import date

import pytest


@pytest.fixture(scope="module")
def pt(plain):
    return plain("portal")


TODAY = date(2026, 3, 10)


def test_promise_date_within_the_limit(pt):
    assert pt.promise_errors(TODAY, TODAY, 30) == []
    assert pt.promise_errors(date(2026, 4, 9), TODAY, 30) == []
    assert pt.promise_errors(date(2026, 4, 10), TODAY, 30) == [pt.DATE_TOO_FAR]
    assert pt.promise_errors(date(2026, 3, 9), TODAY, 30) == [pt.DATE_PAST]
    assert pt.promise_errors(None, TODAY, 30) == [pt.DATE_MISSING]


def test_promise_amount(pt):
    assert pt.promise_errors(TODAY, TODAY, 30, amount=50.0, open_amount=100.0) == []
    assert pt.promise_errors(TODAY, TODAY, 30, amount=100.0, open_amount=100.0) == []
    assert pt.promise_errors(TODAY, TODAY, 30, amount=100.01, open_amount=100.0) == [pt.AMOUNT_TOO_HIGH]
    assert pt.promise_errors(TODAY, TODAY, 30, amount=0.0, open_amount=100.0) == [pt.AMOUNT_INVALID]
    assert pt.promise_errors(None, TODAY, 30, amount=-1.0) == [pt.DATE_MISSING, pt.AMOUNT_INVALID]


def test_parse_amount(pt):
    assert pt.parse_amount("") is None
    assert pt.parse_amount("  ") is None
    assert pt.parse_amount("12") == 12.0
    assert pt.parse_amount("12,50") == 12.5
    for bad in ("1e3", "-5", "1.000,00", "abc", "nan", "inf", "1 000"):
        with pytest.raises(ValueError):
            pt.parse_amount(bad)


def test_clean_message(pt):
    assert pt.clean_message("  hello\r\nworld\x00\x1b ") == "hello\nworld"
    assert pt.clean_message(None) == ""
    assert len(pt.clean_message("x" * 5000)) == pt.MAX_MESSAGE
    # markup is kept as text: it is escaped wherever it is shown
    assert pt.clean_message("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_days_overdue_and_status(pt):
    assert pt.days_overdue(date(2026, 3, 1), TODAY) == 9
    assert pt.days_overdue(TODAY, TODAY) == 0
    assert pt.days_overdue(date(2026, 4, 1), TODAY) == 0
    assert pt.days_overdue(None, TODAY) == 0
    assert pt.item_status(True, TODAY, TODAY) == "disputed"
    assert pt.item_status(False, TODAY, TODAY) == "promised"
    assert pt.item_status(False, date(2026, 3, 9), TODAY) == "open"
    assert pt.item_status(False, None, TODAY) == "open"

"""Statement of account arithmetic (tools/statement.py), without Odoo."""

from datetime import date

import pytest


@pytest.fixture(scope="module")
def st(plain):
    return plain("statement")


def test_month_bounds_and_previous_month(st):
    assert st.month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))  # leap year
    assert st.month_bounds(date(2025, 2, 28)) == (date(2025, 2, 1), date(2025, 2, 28))
    assert st.month_bounds(date(2025, 12, 31)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert st.previous_month(date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert st.previous_month(date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert st.previous_month(date(2026, 5, 15)) == (date(2026, 4, 1), date(2026, 4, 30))


def test_check_period(st):
    st.check_period(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="after it ends"):
        st.check_period(date(2026, 2, 1), date(2026, 1, 31))
    with pytest.raises(ValueError, match="start and an end"):
        st.check_period(None, date(2026, 1, 31))


def test_residual_at(st):
    assert st.residual_at(100.0, 0.0) == 100.0
    assert st.residual_at(100.0, 40.0) == 60.0
    assert st.residual_at(100.0, 100.0) == 0.0
    assert st.residual_at(-50.0, 20.0) == -30.0  # an unapplied payment
    assert st.residual_at(-50.0, 50.0) == 0.0
    assert st.residual_at(0.1 + 0.2, 0.3) == 0.0  # rounded to the currency
    assert st.residual_at(10.0, 3.3333, digits=3) == 6.667


def test_running_balance_opening_closing(st):
    movements = [
        st.Movement("EUR", date(2026, 1, 20), "payment", "PAY/1", "", -150.0),
        st.Movement("EUR", date(2026, 1, 5), "invoice", "INV/2", "", 300.0, date(2026, 2, 4)),
        st.Movement("EUR", date(2026, 1, 20), "invoice", "INV/3", "", 40.0, date(2026, 2, 19)),
        st.Movement("EUR", date(2026, 1, 25), "credit_note", "RINV/1", "", -25.0),
    ]
    [statement] = st.build({"EUR": 100.0}, movements, [], date(2026, 1, 31))
    assert statement.currency == "EUR"
    assert statement.opening == 100.0
    # sorted by date, then invoices before payments on the same day
    assert [line.movement.number for line in statement.lines] == ["INV/2", "INV/3", "PAY/1", "RINV/1"]
    assert [line.balance for line in statement.lines] == [400.0, 440.0, 290.0, 265.0]
    assert [(line.debit, line.credit) for line in statement.lines] == [(300.0, 0), (40.0, 0), (0, 150.0), (0, 25.0)]
    assert statement.closing == 265.0
    assert statement.total_debit == 340.0 and statement.total_credit == 175.0
    assert statement.opening + statement.total_debit - statement.total_credit == statement.closing


def test_rounding_never_drifts(st):
    movements = [st.Movement("USD", date(2026, 1, day), "invoice", f"I{day}", "", 0.1) for day in range(1, 31)]
    [statement] = st.build({"USD": 0.0}, movements, [], date(2026, 1, 31))
    assert statement.closing == 3.0
    assert statement.lines[2].balance == 0.3


def test_zero_movements_are_left_out(st):
    movements = [st.Movement("EUR", date(2026, 1, 3), "entry", "EXCH/1", "", 0.0),
                 st.Movement("EUR", date(2026, 1, 4), "invoice", "I1", "", 10.0)]
    [statement] = st.build({}, movements, [], date(2026, 1, 31))
    assert [line.movement.number for line in statement.lines] == ["I1"]
    assert st.build({}, movements[:1], [], date(2026, 1, 31)) == []


def test_zero_decimal_currency(st):
    movements = [st.Movement("JPY", date(2026, 1, 3), "invoice", "I1", "", 1000.4)]
    [statement] = st.build({"JPY": 10.0}, movements, [], date(2026, 1, 31), digits={"JPY": 0})
    assert statement.closing == 1010.0


def test_open_items_aged_in_buckets(st):
    as_of = date(2026, 3, 31)
    items = [
        st.OpenItem("EUR", date(2026, 3, 1), "A", date(2026, 4, 30), 100.0, 100.0),   # not due: current
        st.OpenItem("EUR", date(2026, 3, 1), "B", date(2026, 3, 31), 100.0, 60.0),    # due today: current
        st.OpenItem("EUR", date(2026, 2, 1), "C", date(2026, 3, 30), 50.0, 50.0),     # 1 day: 1-30
        st.OpenItem("EUR", date(2026, 1, 1), "D", date(2026, 3, 1), 70.0, 70.0),      # 30 days: 1-30
        st.OpenItem("EUR", date(2026, 1, 1), "E", date(2026, 2, 28), 20.0, 20.0),     # 31 days: 31-60
        st.OpenItem("EUR", date(2025, 12, 1), "F", date(2026, 1, 30), 5.0, 5.0),      # 60: 31-60
        st.OpenItem("EUR", date(2025, 12, 1), "G", date(2026, 1, 29), 7.0, 7.0),      # 61: 61-90
        st.OpenItem("EUR", date(2025, 12, 1), "H", date(2025, 12, 31), 9.0, 9.0),     # 90: 61-90
        st.OpenItem("EUR", date(2025, 11, 1), "I", date(2025, 12, 30), 11.0, 11.0),   # 91: 90+
        st.OpenItem("EUR", date(2025, 11, 1), "J", None, -30.0, -30.0),               # payment, no due: its date
        st.OpenItem("EUR", date(2025, 11, 1), "K", date(2025, 11, 1), 10.0, 0.0),     # paid: dropped
    ]
    [statement] = st.build({}, [], items, as_of)
    assert statement.buckets == {"current": 160.0, "1_30": 120.0, "31_60": 25.0, "61_90": 16.0, "90_plus": -19.0}
    assert statement.total_open == 302.0
    assert "K" not in [aged.item.number for aged in statement.open_items]
    by_number = {aged.item.number: aged for aged in statement.open_items}
    assert by_number["A"].days == 0 and by_number["C"].days == 1 and by_number["I"].days == 91
    assert by_number["J"].bucket == "90_plus"  # dated 2025-11-01: 150 days
    assert statement.open_items[0].item.number == "J"  # oldest first


def test_per_currency(st):
    movements = [
        st.Movement("EUR", date(2026, 1, 5), "invoice", "I1", "", 100.0),
        st.Movement("USD", date(2026, 1, 6), "invoice", "I2", "", 200.0),
        st.Movement("USD", date(2026, 1, 9), "payment", "P1", "", -50.0),
    ]
    items = [st.OpenItem("USD", date(2026, 1, 6), "I2", date(2026, 1, 6), 200.0, 150.0)]
    eur, gbp, usd = st.build({"EUR": 10.0, "GBP": 5.0, "CHF": 0.0}, movements, items, date(2026, 1, 31))
    assert (eur.currency, eur.opening, eur.closing, eur.open_items) == ("EUR", 10.0, 110.0, [])
    assert (gbp.currency, gbp.opening, gbp.closing, gbp.lines) == ("GBP", 5.0, 5.0, [])
    assert (usd.currency, usd.opening, usd.closing) == ("USD", 0.0, 150.0)
    assert usd.buckets["1_30"] == 150.0
    assert "EUR 110.00" in st.summary([eur, usd]) and "USD 150.00 (overdue 150.00)" in st.summary([eur, usd])


def test_empty(st):
    assert st.build({}, [], [], date(2026, 1, 31)) == []
    assert st.is_empty([])
    assert st.build({"EUR": 0.004}, [], [], date(2026, 1, 31)) == []  # below the currency's precision
    [statement] = st.build({"EUR": 10.0}, [], [], date(2026, 1, 31))
    assert not statement.is_empty() and not st.is_empty([statement])


def test_amount_due_overdue_and_pay_by(st):
    as_of = date(2026, 3, 31)
    items = [
        st.OpenItem("EUR", date(2026, 3, 20), "A", date(2026, 4, 19), 100.0, 100.0),  # not due: current
        st.OpenItem("EUR", date(2026, 3, 25), "B", date(2026, 4, 10), 40.0, 40.0),    # not due, due first
        st.OpenItem("EUR", date(2026, 2, 1), "C", date(2026, 3, 3), 50.0, 30.0),      # 28 days overdue
    ]
    [statement] = st.build({"EUR": 30.0}, [st.Movement("EUR", date(2026, 3, 20), "invoice", "A", "", 100.0),
                                           st.Movement("EUR", date(2026, 3, 25), "invoice", "B", "", 40.0)],
                           items, as_of)
    assert statement.closing == statement.amount_due == 170.0
    assert statement.overdue == 30.0
    assert statement.next_due_date == date(2026, 4, 10)
    assert {aged.item.number: aged.days for aged in statement.open_items} == {"A": 0, "B": 0, "C": 28}
    assert st.pay_by(statement, as_of) == as_of  # something overdue: pay at once
    # nothing overdue: pay by the next due date
    [not_due] = st.build({"EUR": 140.0}, [], items[:2], as_of)
    assert not_due.overdue == 0.0 and st.pay_by(not_due, as_of) == date(2026, 4, 10)
    # a credit balance: nothing to pay
    [credit] = st.build({"EUR": -25.0}, [], [st.OpenItem("EUR", date(2026, 1, 5), "P", None, -25.0, -25.0)], as_of)
    assert credit.amount_due == 0.0 and st.pay_by(credit, as_of) is None
    assert credit.overdue == 0.0  # a credit 85 days old is not overdue
    # 30 overdue, but a credit note not yet due brings the balance to 20: overdue at most what is due
    [covered] = st.build({"EUR": 20.0}, [], [items[2], st.OpenItem("EUR", date(2026, 3, 30), "R", date(2026, 4, 29),
                                                                   -10.0, -10.0)], as_of)
    assert (covered.amount_due, covered.overdue) == (20.0, 20.0)


def test_payment_reference(st):
    assert st.payment_reference("ACME-7", 42) == "CUST/ACME-7"
    assert st.payment_reference(False, 42) == "CUST/42"
    assert st.payment_reference("  ", 42) == "CUST/42"

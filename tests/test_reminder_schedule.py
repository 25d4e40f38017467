"""The plain arithmetic of reminder schedules (no Odoo)."""

from datetime import date, timedelta

import pytest
from conftest import load_plain_module

rs = load_plain_module("reminder_schedule")
Step, Item = rs.Step, rs.Item

STEPS = [Step("courtesy", -3), Step("first", 5, 0.0), Step("second", 15, 50.0), Step("final", 30, 0.0)]
DUE = date(2026, 3, 2)  # a Monday


def days(n):
    return DUE + timedelta(days=n)


@pytest.mark.parametrize(("day", "wd"), [(date(2026, 3, 2) + timedelta(days=i), i % 7 < 5) for i in range(14)])
def test_working_day_flags(day, wd):
    assert rs.is_working_day(day) is wd


def test_next_working_day():
    assert rs.next_working_day(date(2026, 3, 7)) == date(2026, 3, 9)  # Saturday -> Monday
    assert rs.next_working_day(date(2026, 3, 8)) == date(2026, 3, 9)  # Sunday -> Monday
    assert rs.next_working_day(date(2026, 3, 4)) == date(2026, 3, 4)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (date(2026, 3, 2), 0, date(2026, 3, 2)),
    (date(2026, 3, 2), 4, date(2026, 3, 6)),
    (date(2026, 3, 2), 5, date(2026, 3, 9)),
    (date(2026, 3, 6), 1, date(2026, 3, 9)),
    (date(2026, 3, 7), 0, date(2026, 3, 9)),
    (date(2026, 3, 7), 1, date(2026, 3, 10)),
    (date(2026, 3, 9), -1, date(2026, 3, 6)),
    (date(2026, 3, 9), -5, date(2026, 3, 2)),
    (date(2026, 3, 2), 10, date(2026, 3, 16)),
])
def test_add_working_days(start, n, expected):
    assert rs.add_working_days(start, n) == expected


def test_days_between_calendar_and_working():
    assert rs.days_between(date(2026, 3, 6), date(2026, 3, 9)) == 3
    assert rs.days_between(date(2026, 3, 6), date(2026, 3, 9), True) == 1
    assert rs.days_between(date(2026, 3, 9), date(2026, 3, 6), True) == -1
    assert rs.days_between(date(2026, 3, 2), date(2026, 3, 2), True) == 0
    for n in range(30):
        start = date(2026, 3, 2)
        assert rs.days_between(start, rs.add_working_days(start, n), True) == n


def test_step_date():
    assert rs.step_date(DUE, -3) == date(2026, 2, 27)
    assert rs.step_date(DUE, 5) == date(2026, 3, 7)
    assert rs.step_date(DUE, 5, True) == date(2026, 3, 9)


def test_same_offset_refused():
    with pytest.raises(ValueError):
        rs.sorted_steps([Step("a", 5), Step("b", 5)])


def test_each_step_once_on_its_day_walking_day_by_day():
    done, fired = [], {}
    for n in range(-10, 60):
        step = rs.due_step(STEPS, done, DUE, days(n))
        if step:
            done.append(step.key)
            fired[step.key] = n
    assert fired == {"courtesy": -3, "first": 5, "second": 15, "final": 30}


def test_working_days_walk():
    done, fired = [], {}
    for n in range(-10, 60):
        today = days(n)
        step = rs.due_step(STEPS, done, DUE, today, working_days=True)
        if step:
            assert rs.is_working_day(today)
            done.append(step.key)
            fired[step.key] = today
    assert fired["courtesy"] == date(2026, 2, 25)
    assert fired["first"] == date(2026, 3, 9)
    assert fired["second"] == date(2026, 3, 23)
    assert fired["final"] == date(2026, 4, 13)


def test_late_discovery_takes_the_current_step_and_skips_courtesy():
    assert rs.due_step(STEPS, [], DUE, days(16)).key == "second"
    assert rs.due_step(STEPS, [], DUE, days(0)) is None  # courtesy only before due, first not yet
    assert rs.due_step(STEPS, [], DUE, days(-1)).key == "courtesy"
    assert rs.due_step(STEPS, ["final"], DUE, days(100)) is None
    assert rs.due_step(STEPS, ["second"], DUE, days(20)) is None


def test_next_step():
    assert rs.next_step(STEPS, [], DUE) == (STEPS[0], days(-3))
    assert rs.next_step(STEPS, ["first"], DUE) == (STEPS[2], days(15))
    assert rs.next_step(STEPS, ["final"], DUE) == (None, None)


@pytest.mark.parametrize(("last", "today", "min_days", "wd", "ok"), [
    (None, DUE, 5, False, True),
    (DUE, DUE, 0, False, True),
    (DUE, DUE, 1, False, False),
    (DUE, days(4), 5, False, False),
    (DUE, days(5), 5, False, True),
    (date(2026, 3, 6), date(2026, 3, 9), 2, True, False),
    (date(2026, 3, 6), date(2026, 3, 10), 2, True, True),
])
def test_interval(last, today, min_days, wd, ok):
    assert rs.interval_allows(last, today, min_days, wd) is ok


def test_plan_groups_per_customer_at_highest_step():
    items = [
        Item(1, "acme", days(-20), 100.0),
        Item(2, "acme", days(-6), 100.0),
        Item(3, "acme", days(10), 100.0),  # not due yet
        Item(4, "bolt", days(-6), 100.0),
    ]
    messages = rs.plan(items, STEPS, DUE)
    assert len(messages) == 2
    lead, members = messages[0]
    assert lead == (1, STEPS[2])
    assert members == [(1, STEPS[2]), (2, STEPS[1])]
    assert messages[1] == ((4, STEPS[1]), [(4, STEPS[1])])


def test_plan_per_invoice():
    items = [Item(1, "acme", days(-20), 100.0), Item(2, "acme", days(-6), 100.0)]
    messages = rs.plan(items, STEPS, DUE, per_customer=False)
    assert [lead for lead, _ in messages] == [(1, STEPS[2]), (2, STEPS[1])]
    assert all(len(members) == 1 for _, members in messages)


def test_plan_minimum_amount_and_interval():
    items = [Item(1, "acme", days(-20), 40.0), Item(2, "bolt", days(-6), 10.0)]
    messages = rs.plan(items, STEPS, DUE)
    assert [lead for lead, _ in messages] == [(2, STEPS[1])]  # acme's 40 is below the second step's 50
    messages = rs.plan(items, STEPS, DUE, min_days=7, last_contact={"bolt": days(-3)})
    assert messages == []
    messages = rs.plan(items, STEPS, DUE, min_days=3, last_contact={"bolt": days(-3)})
    assert [lead for lead, _ in messages] == [(2, STEPS[1])]


def test_plan_respects_done_steps():
    items = [Item(1, "acme", days(-6), 100.0, ("first",))]
    assert rs.plan(items, STEPS, DUE) == []
    items = [Item(1, "acme", days(-16), 100.0, ("first",))]
    assert rs.plan(items, STEPS, DUE)[0][0] == (1, STEPS[2])

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


def walk(steps, first_day, last_day, *, due=DUE, amount=100.0, **rules):
    """Run the planner day after day for one invoice; returns {step key: day number performed}."""
    done, fired, last, reminded = [], {}, None, None
    for n in range(first_day, last_day):
        today = days(n) if due == DUE else due + timedelta(days=n)
        step = rs.due_step(steps, done, due, today, amount=amount, last_date=last, reminded=reminded, **rules)
        if step:
            done.append(step.key)
            fired[step.key] = n
            last = today
            if step.customer and step.offset >= 0:
                reminded = today
    return fired


@pytest.mark.parametrize("backlog", [rs.BACKLOG_FIRST, rs.BACKLOG_DUE])
def test_each_step_once_on_its_day_walking_day_by_day(backlog):
    assert walk(STEPS, -10, 60, backlog=backlog) == {"courtesy": -3, "first": 5, "second": 15, "final": 30}


def test_working_days_walk():
    done, fired = [], {}
    for n in range(-10, 60):
        today = days(n)
        step = rs.due_step(STEPS, done, DUE, today, working_days=True, reminded=days(-99))
        if step:
            assert rs.is_working_day(today)
            done.append(step.key)
            fired[step.key] = today
    assert fired["courtesy"] == date(2026, 2, 25)
    assert fired["first"] == date(2026, 3, 9)
    assert fired["second"] == date(2026, 3, 23)
    assert fired["final"] == date(2026, 4, 13)


def test_late_discovery_with_backlog_at_step_due_skips_courtesy():
    due = {"backlog": rs.BACKLOG_DUE}
    assert rs.due_step(STEPS, [], DUE, days(16), **due).key == "second"
    assert rs.due_step(STEPS, [], DUE, days(0), **due) is None  # courtesy only before due, first not yet
    assert rs.due_step(STEPS, [], DUE, days(-1), **due).key == "courtesy"
    assert rs.due_step(STEPS, ["final"], DUE, days(100), **due) is None
    assert rs.due_step(STEPS, ["second"], DUE, days(20), **due) is None
    assert [s.key for s in rs.skipped(STEPS, [], STEPS[2])] == ["first"]  # said, not silent
    assert rs.skipped(STEPS, ["first"], STEPS[2]) == []


# a schedule as a credit controller writes it: courtesy notice, two reminders, a call (the final
# notice, the last step speaking to the customer) and an internal escalation
FULL = [Step("courtesy", -3), Step("first", 7), Step("second", 30), Step("call", 60),
        Step("escalate", 90, customer=False)]


def test_roles():
    first, final, gated = rs.roles(FULL)
    assert (first.key, final.key, gated) == ("first", "call", {"call", "escalate"})
    only = [Step("todo", 2, customer=False), Step("mail", 5), Step("escalate", 20, customer=False)]
    first, final, gated = rs.roles(only)
    assert (first.key, final, gated) == ("mail", None, {"escalate"})  # one reminder: it is no final notice
    internal = [Step("todo", 10, customer=False), Step("later", 30, customer=False)]
    assert rs.roles(internal) == (None, None, set())  # nothing to wait for


def test_backlog_first_step_then_one_by_one_with_the_interval():
    # found 120 days late, never reminded: first reminder, then each step min_days apart
    fired = walk(FULL, 120, 160, backlog=rs.BACKLOG_FIRST, min_days=5)
    assert fired == {"first": 120, "second": 125, "call": 130, "escalate": 135}


def test_backlog_step_due_still_starts_with_a_reminder():
    fired = walk(FULL, 120, 160, backlog=rs.BACKLOG_DUE, min_days=5)
    # the latest reminder due first (never the call or the escalation), then the step due
    assert fired == {"second": 120, "escalate": 125}
    assert [s.key for s in rs.skipped(FULL, [], FULL[2])] == ["first"]
    assert [s.key for s in rs.skipped(FULL, ["second"], FULL[4])] == ["call"]


@pytest.mark.parametrize("backlog", [rs.BACKLOG_FIRST, rs.BACKLOG_DUE])
def test_no_escalation_before_a_reminder_reached_the_customer(backlog):
    # the first reminder is recorded but did not reach the customer (waiting for confirmation, cancelled)
    rules = {"backlog": backlog, "min_days": 5, "last_date": days(10)}
    steps = [Step("mail", 7), Step("escalate", 20, customer=False)]
    assert rs.due_step(steps, ["mail"], DUE, days(40), **rules) is None
    assert rs.due_step(steps, ["mail"], DUE, days(40), reminded=days(10), **rules).key == "escalate"
    # an internal step before the first reminder is no escalation
    steps = [Step("check", 2, customer=False), Step("mail", 7), Step("escalate", 20, customer=False)]
    assert rs.due_step(steps, [], DUE, days(3), backlog=backlog).key == "check"


def test_one_step_a_day_even_without_interval():
    # found late, never reminded: a second run the same day does not move on to the next step
    assert rs.due_step(FULL, ["first"], DUE, days(120), last_date=days(120), reminded=days(120)) is None
    assert rs.due_step(FULL, ["first"], DUE, days(121), last_date=days(120), reminded=days(120)).key == "second"
    assert rs.next_step(FULL, ["first"], DUE, days(120), last_date=days(120), reminded=days(120)) == (
        FULL[2], days(121))


def test_interval_between_steps_of_an_invoice():
    steps = [Step("todo", 10, customer=False), Step("escalate", 12, customer=False)]
    assert rs.due_step(steps, ["todo"], DUE, days(12), min_days=5, last_date=days(10)) is None
    assert rs.due_step(steps, ["todo"], DUE, days(15), min_days=5, last_date=days(10)).key == "escalate"


def test_below_minimum_amount_the_step_does_not_apply():
    # 40 due: the second reminder (50 at least) does not apply, the first still does
    assert rs.due_step(STEPS, [], DUE, days(20), amount=40.0).key == "first"
    assert rs.due_step(STEPS, ["first"], DUE, days(20), amount=40.0, reminded=days(5)) is None
    assert rs.due_step(STEPS, ["first"], DUE, days(30), amount=40.0, reminded=days(5)).key == "final"


def test_next_step():
    assert rs.next_step(STEPS, [], DUE, days(-10)) == (STEPS[0], days(-3))
    assert rs.next_step(STEPS, ["first"], DUE, days(6), reminded=days(5)) == (STEPS[2], days(15))
    assert rs.next_step(STEPS, ["final"], DUE, days(40)) == (None, None)
    # due in the past: today, never a date gone by
    assert rs.next_step(STEPS, [], DUE, days(45)) == (STEPS[1], days(45))
    # the courtesy notice passed unsent: the first reminder is next
    assert rs.next_step(STEPS, [], DUE, days(0)) == (STEPS[1], days(5))


def test_next_step_follows_the_run():
    # working days: due now on a Saturday is the Monday after
    saturday = date(2026, 4, 11)
    assert rs.next_step(STEPS, [], DUE, saturday, working_days=True) == (STEPS[1], date(2026, 4, 13))
    # the customer was contacted 2 days ago: the end of the interval
    assert rs.next_step(STEPS, [], DUE, days(40), min_days=5, last_contact=days(38)) == (STEPS[1], days(43))
    # the invoice's last step 1 day ago
    assert rs.next_step(FULL, ["first"], DUE, days(40), min_days=5, last_date=days(39),
                        reminded=days(39)) == (FULL[2], days(44))
    # backlog at the step due: the latest reminder due, then the escalation (the call is passed)
    assert rs.next_step(FULL, [], DUE, days(120), backlog=rs.BACKLOG_DUE) == (FULL[2], days(120))
    assert rs.next_step(FULL, ["second"], DUE, days(121), backlog=rs.BACKLOG_DUE, min_days=5,
                        last_date=days(120), reminded=days(120)) == (FULL[4], days(125))
    # waiting for a reminder that did not reach the customer: nothing planned
    assert rs.next_step(FULL, ["first"], DUE, days(40), reminded=None, last_date=days(8)) == (FULL[2], days(40))
    assert rs.next_step(FULL, ["first", "second"], DUE, days(70)) == (None, None)


@pytest.mark.parametrize("backlog", [rs.BACKLOG_FIRST, rs.BACKLOG_DUE])
def test_next_step_is_what_the_walk_does(backlog):
    """next_step predicts, on any day, the step and day the day-by-day run performs next."""
    for start in (-10, 0, 6, 33, 120):
        done, last, reminded = [], None, None
        predicted = None
        for n in range(start, start + 130):
            today = days(n)
            if predicted is None:
                predicted = rs.next_step(FULL, done, DUE, today, backlog=backlog, min_days=5, last_date=last,
                                         reminded=reminded)
            step = rs.due_step(FULL, done, DUE, today, backlog=backlog, min_days=5, last_date=last,
                               reminded=reminded)
            if step:
                assert predicted == (step, today), (start, n)
                predicted = None
                done.append(step.key)
                last = today
                if step.customer and step.offset >= 0:
                    reminded = today
        assert predicted == (None, None)


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
    messages = rs.plan(items, STEPS, DUE, backlog=rs.BACKLOG_DUE)
    assert len(messages) == 2
    lead, members = messages[0]
    assert lead == (1, STEPS[2])
    assert members == [(1, STEPS[2]), (2, STEPS[1])]
    assert messages[1] == ((4, STEPS[1]), [(4, STEPS[1])])


def test_plan_per_invoice():
    items = [Item(1, "acme", days(-20), 100.0), Item(2, "acme", days(-6), 100.0)]
    messages = rs.plan(items, STEPS, DUE, per_customer=False, backlog=rs.BACKLOG_DUE)
    assert [lead for lead, _ in messages] == [(1, STEPS[2]), (2, STEPS[1])]
    assert all(len(members) == 1 for _, members in messages)


def test_plan_minimum_amount_and_interval():
    items = [Item(1, "acme", days(-20), 40.0), Item(2, "bolt", days(-6), 10.0)]
    messages = rs.plan(items, STEPS, DUE, backlog=rs.BACKLOG_DUE)
    # acme's 40 is below the second step's 50: acme gets the first reminder
    assert [lead for lead, _ in messages] == [(1, STEPS[1]), (2, STEPS[1])]
    items = [Item(1, "acme", days(-20), 40.0, ("first",), days(-15), days(-15)), items[1]]
    messages = rs.plan(items, STEPS, DUE, backlog=rs.BACKLOG_DUE)
    assert [lead for lead, _ in messages] == [(2, STEPS[1])]
    messages = rs.plan(items, STEPS, DUE, min_days=7, last_contact={"bolt": days(-3)})
    assert messages == []
    messages = rs.plan(items, STEPS, DUE, min_days=3, last_contact={"bolt": days(-3)})
    assert [lead for lead, _ in messages] == [(2, STEPS[1])]


def test_plan_respects_done_steps():
    items = [Item(1, "acme", days(-6), 100.0, ("first",))]
    assert rs.plan(items, STEPS, DUE) == []
    items = [Item(1, "acme", days(-16), 100.0, ("first",))]
    assert rs.plan(items, STEPS, DUE)[0][0] == (1, STEPS[2])


def test_plan_backlog_first_step():
    items = [Item(1, "acme", days(-120), 100.0), Item(2, "bolt", days(-8), 100.0)]
    messages = rs.plan(items, FULL, DUE)
    assert [lead for lead, _ in messages] == [(1, FULL[1]), (2, FULL[1])]


def test_plan_never_hides_a_reminder_in_an_internal_message():
    # acme: one invoice at its escalation, another at its first reminder: two messages, the reminder
    # is a message to the customer of its own
    items = [Item(1, "acme", days(-100), 100.0, ("first", "second", "call"), days(-20), days(-20)),
             Item(2, "acme", days(-8), 100.0)]
    messages = rs.plan(items, FULL, DUE, min_days=5)
    assert messages == [((2, FULL[1]), [(2, FULL[1])]), ((1, FULL[4]), [(1, FULL[4])])]

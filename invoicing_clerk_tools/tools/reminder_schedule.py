"""The arithmetic of payment reminder schedules, apart from the ORM.

Dates are ``datetime.date``; steps are ``Step`` tuples. Nothing here reads
the database: the models gather values in batch, call these functions and
write the results in batch.
"""

from collections import namedtuple
from datetime import date, timedelta

# key: any hashable identifying the step (the record id); offset: days from
# the due date (negative: before it); min_amount: the least residual amount
# an invoice must have for the step to apply.
Step = namedtuple("Step", "key offset min_amount", defaults=(0.0,))

# An invoice as the planner sees it.
Item = namedtuple("Item", "key customer due amount done", defaults=((),))

SATURDAY = 5

# Payment states of an invoice that is still to be paid.
OPEN_PAYMENT_STATES = ("not_paid", "partial")


def is_working_day(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < SATURDAY


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the following Monday."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """Move ``days`` working days from ``start`` (backwards when negative).

    A start on a weekend first moves to the next working day, so 0 working days
    after a Saturday due date is the Monday after it.
    """
    day = next_working_day(start)
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def step_date(due: date, offset: int, working_days: bool = False) -> date:
    """The day a step at ``offset`` days from ``due`` falls on."""
    if working_days:
        return add_working_days(due, offset)
    return due + timedelta(days=offset)


def days_between(earlier: date, later: date, working_days: bool = False) -> int:
    """Days from ``earlier`` to ``later`` (working days only when asked); negative when reversed."""
    if not working_days:
        return (later - earlier).days
    if later < earlier:
        return -days_between(later, earlier, True)
    count = 0
    day = earlier
    while day < later:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def sorted_steps(steps):
    """Steps by offset; refuses two steps at the same offset."""
    ordered = sorted(steps, key=lambda s: s.offset)
    offsets = [s.offset for s in ordered]
    if len(set(offsets)) != len(offsets):
        raise ValueError("two steps at the same offset")
    return ordered


def due_step(steps, done, due: date, today: date, working_days: bool = False):
    """The step to perform today for an invoice due on ``due``, or None.

    ``done`` holds the keys of the steps already recorded for the invoice.
    Steps after the last one done whose day has come are candidates; the
    latest of them applies (an invoice found 40 days late gets the 40-day
    step, not the courtesy notice). A step before the due date (negative
    offset) is only sent while the invoice is not yet due.
    """
    ordered = sorted_steps(steps)
    done = set(done)
    last_done = max((s.offset for s in ordered if s.key in done), default=None)
    if working_days and not is_working_day(today):
        return None
    chosen = None
    for step in ordered:
        if last_done is not None and step.offset <= last_done:
            continue
        if step.key in done:
            continue
        if step_date(due, step.offset, working_days) > today:
            break
        if step.offset < 0 and today >= due:
            continue
        chosen = step
    return chosen


def next_step(steps, done, due: date, working_days: bool = False):
    """The next step still to come after those done, with its date: ``(step, date)`` or ``(None, None)``."""
    ordered = sorted_steps(steps)
    last_done = max((s.offset for s in ordered if s.key in set(done)), default=None)
    for step in ordered:
        if last_done is None or step.offset > last_done:
            return step, step_date(due, step.offset, working_days)
    return None, None


def interval_allows(last_contact: date | None, today: date, min_days: int, working_days: bool = False) -> bool:
    """Whether a customer last contacted on ``last_contact`` may be contacted ``today``."""
    if not last_contact or min_days <= 0:
        return True
    return days_between(last_contact, today, working_days) >= min_days


def plan(items, steps, today: date, *, per_customer=True, min_days=0, last_contact=None, working_days=False):
    """The messages to send today for the invoices of one schedule.

    ``items`` are ``Item`` tuples; ``last_contact`` maps a customer to the date
    it was last contacted. Returns a list of ``(lead, [(item_key, step), ...])``
    where ``lead`` is the ``(item_key, step)`` at the highest step of the
    message (the one whose action and wording the message takes). Invoices
    below their step's minimum amount wait; customers contacted within
    ``min_days`` wait entirely.
    """
    last_contact = last_contact or {}
    ordered = sorted_steps(steps)
    rank = {s.key: index for index, s in enumerate(ordered)}
    by_customer = {}
    for item in items:
        if not interval_allows(last_contact.get(item.customer), today, min_days, working_days):
            continue
        step = due_step(ordered, item.done, item.due, today, working_days)
        if step is None or item.amount < step.min_amount:
            continue
        by_customer.setdefault(item.customer, []).append((item, step))
    messages = []
    for customer in sorted(by_customer):
        entries = sorted(by_customer[customer], key=lambda e: (-rank[e[1].key], e[0].due, str(e[0].key)))
        if per_customer:
            lead_item, lead_step = entries[0]
            messages.append(((lead_item.key, lead_step), [(item.key, step) for item, step in entries]))
        else:
            messages.extend(((item.key, step), [(item.key, step)]) for item, step in entries)
    return messages

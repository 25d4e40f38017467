"""The arithmetic of payment reminder schedules, apart from the ORM.

Dates are ``datetime.date``; steps are ``Step`` tuples. Nothing here reads
the database: the models gather values in batch, call these functions and
write the results in batch.
"""

from collections import namedtuple
from datetime import date, timedelta

# key: any hashable identifying the step (the record id); offset: days from
# the due date (negative: before it); min_amount: the least residual amount
# an invoice must have for the step to apply; customer: the step speaks to the
# customer (mail, letter, call) rather than to the clerks (to-do, escalation).
Step = namedtuple("Step", "key offset min_amount customer", defaults=(0.0, True))

# An invoice as the planner sees it. done: keys of the steps recorded for it;
# last_date: the day its latest step was recorded; reminded: the day it last
# reached the customer with a reminder (a customer step on or after the due
# date, in the mail queue or sent), None when it never did.
Item = namedtuple("Item", "key customer due amount done last_date reminded", defaults=((), None, None))

# What happens to an invoice found late that was never reminded (the schedule's backlog option).
BACKLOG_FIRST = "first"  # the first reminder, then the next steps one by one
BACKLOG_DUE = "due"  # the latest step due (never an escalation or final notice before a reminder)

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


def roles(steps):
    """``(first reminder, final notice, gated keys)`` of a schedule's steps.

    The first reminder is the first customer step on or after the due date (a
    courtesy notice before it does not count). The final notice is the last
    customer step when the schedule has more than one reminder. Gated steps
    wait until the invoice reached the customer with a reminder: the final
    notice and every clerks' step (to-do, escalation) after the first reminder.
    """
    ordered = sorted_steps(steps)
    reminders = [s for s in ordered if s.customer and s.offset >= 0]
    first = reminders[0] if reminders else None
    final = reminders[-1] if len(reminders) > 1 else None
    gated = {
        s.key for s in ordered
        if first is not None and s.offset > first.offset and (not s.customer or s == final)
    }
    return first, final, gated


def due_step(steps, done, due: date, today: date, working_days: bool = False, *, amount=None,
             backlog=BACKLOG_FIRST, min_days=0, last_date=None, reminded=None):
    """The step to perform today for an invoice due on ``due``, or None.

    ``done`` holds the keys of the steps already recorded for the invoice; only
    steps after the last one done are candidates, and none on the day of the
    invoice's previous step (``last_date``) nor before ``min_days`` after it. A step before the due
    date (negative offset, a courtesy notice) is only sent while the invoice is
    not yet due; a step whose minimum amount the invoice (``amount``) does not
    reach does not apply to it. Among the candidates whose day has come:

    - ``BACKLOG_FIRST``: the first one, so an invoice found late gets every
      step in turn, one per ``min_days``;
    - ``BACKLOG_DUE``: the latest one (an invoice found 40 days late gets the
      40-day step; the steps it passes are listed by :func:`skipped`).

    Either way, a gated step (see :func:`roles`) waits until the invoice
    reached the customer with a reminder (``reminded``): before that, the
    latest reminder due is sent instead.
    """
    ordered = sorted_steps(steps)
    if working_days and not is_working_day(today):
        return None
    if last_date is not None and (last_date >= today or not interval_allows(last_date, today, min_days,
                                                                             working_days)):
        return None  # one step a day at most, and min_days between an invoice's steps
    done = set(done)
    last_done = max((s.offset for s in ordered if s.key in done), default=None)
    _first, _final, gated = roles(ordered)
    chosen = None
    for step in ordered:
        if (last_done is not None and step.offset <= last_done) or step.key in done:
            continue
        if step_date(due, step.offset, working_days) > today:
            break
        if step.offset < 0 and today >= due:
            continue
        if amount is not None and amount < step.min_amount:
            continue
        if step.key in gated and reminded is None:
            break
        chosen = step
        if backlog == BACKLOG_FIRST:
            break
    return chosen


def skipped(steps, done, chosen):
    """The customer steps on or after the due date that ``chosen`` passes over (not done, before it)."""
    done = set(done)
    ordered = sorted_steps(steps)
    last_done = max((s.offset for s in ordered if s.key in done), default=None)
    return [
        s for s in ordered
        if s.customer and s.offset >= 0 and s.offset < chosen.offset and s.key not in done
        and (last_done is None or s.offset > last_done)
    ]


def _after(day: date, days: int, working_days: bool) -> date:
    return add_working_days(day, days) if working_days else day + timedelta(days=days)


def next_step(steps, done, due: date, today: date, working_days: bool = False, *, amount=None,
              backlog=BACKLOG_FIRST, min_days=0, last_date=None, reminded=None, last_contact=None):
    """The step the run will perform next for the invoice and the day it will: ``(step, date)`` or ``(None, None)``.

    The same decision as :func:`due_step` (with the customer's ``last_contact``
    as :func:`plan` checks it), taken on each day it can change: today, the
    days of the steps to come and the ends of the intervals. Never before
    ``today``; a working day for working-day schedules. Assumes nothing else
    happens meanwhile (no payment, no pause, no other step for the customer).
    """
    ordered = sorted_steps(steps)
    candidates = {today}
    candidates.update(step_date(due, s.offset, working_days) for s in ordered if s.key not in set(done))
    for last in (last_date, last_contact):
        if last and min_days > 0:
            candidates.add(_after(last, min_days, working_days))
    if last_date:
        candidates.add(last_date + timedelta(days=1))
    for day in sorted(candidates):
        if day < today:
            continue
        if working_days:
            day = next_working_day(day)
        if not interval_allows(last_contact, day, min_days, working_days):
            continue
        step = due_step(ordered, done, due, day, working_days, amount=amount, backlog=backlog,
                        min_days=min_days, last_date=last_date, reminded=reminded)
        if step is not None:
            return step, day
    return None, None


def interval_allows(last_contact: date | None, today: date, min_days: int, working_days: bool = False) -> bool:
    """Whether a customer last contacted on ``last_contact`` may be contacted ``today``."""
    if not last_contact or min_days <= 0:
        return True
    return days_between(last_contact, today, working_days) >= min_days


def plan(items, steps, today: date, *, per_customer=True, min_days=0, last_contact=None, working_days=False,
         backlog=BACKLOG_FIRST):
    """The messages to send today for the invoices of one schedule.

    ``items`` are ``Item`` tuples; ``last_contact`` maps a customer to the date
    it was last contacted. Returns a list of ``(lead, [(item_key, step), ...])``
    where ``lead`` is the ``(item_key, step)`` at the highest step of the
    message (the one whose action and wording the message takes). Per
    customer, the customer steps make one message and the clerks' steps
    another, so that a reminder never travels inside an internal to-do or
    escalation. Customers contacted within ``min_days`` wait entirely.
    """
    last_contact = last_contact or {}
    ordered = sorted_steps(steps)
    rank = {s.key: index for index, s in enumerate(ordered)}
    by_message = {}
    for item in items:
        if not interval_allows(last_contact.get(item.customer), today, min_days, working_days):
            continue
        step = due_step(ordered, item.done, item.due, today, working_days, amount=item.amount, backlog=backlog,
                        min_days=min_days, last_date=item.last_date, reminded=item.reminded)
        if step is None:
            continue
        by_message.setdefault((item.customer, not step.customer), []).append((item, step))
    messages = []
    for key in sorted(by_message):
        entries = sorted(by_message[key], key=lambda e: (-rank[e[1].key], e[0].due, str(e[0].key)))
        if per_customer:
            lead_item, lead_step = entries[0]
            messages.append(((lead_item.key, lead_step), [(item.key, step) for item, step in entries]))
        else:
            messages.extend(((item.key, step), [(item.key, step)]) for item, step in entries)
    return messages

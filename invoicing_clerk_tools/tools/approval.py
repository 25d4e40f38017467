"""Approval arithmetic: which rule is active, what the document's state is, what follow-up is due.

Values in, values out; the models gather the facts in batch and call these.
"""

from datetime import date, datetime, timedelta

# Request states, in the order of their life.
WAITING, PENDING, APPROVED, REJECTED, VOIDED = "waiting", "pending", "approved", "rejected", "voided"
OPEN_REQUEST_STATES = (WAITING, PENDING)

NUDGE, ESCALATION = "nudge", "escalation"


# ------------------------------------------------------------------- rules
def active_sequence(levels):
    """The sequence of the rule(s) to ask now, from ``(sequence, state)`` pairs.

    Rules of the same sequence are asked together. ``None`` when nothing is to
    ask: every rule approved, or one rejected or voided.
    """
    states = [state for _sequence, state in levels]
    if not levels or any(state in (REJECTED, VOIDED) for state in states):
        return None
    open_sequences = [sequence for sequence, state in levels if state != APPROVED]
    return min(open_sequences) if open_sequences else None


def overall_state(states):
    """The approval state of a document from the states of its current requests (``False``: none)."""
    states = list(states)
    if not states:
        return False
    if REJECTED in states:
        return REJECTED
    if all(state == APPROVED for state in states):
        return APPROVED
    return PENDING


def distinct_approvals(principals):
    """How many distinct people approved, from the approver each approval counts for."""
    return len({principal for principal in principals if principal})


def approvers_short_of(needed, eligible_count):
    """How many approvals a rule can never get with ``eligible_count`` people able to give one."""
    return max(needed - eligible_count, 0)


# ---------------------------------------------------------------- substitutes
def substitution_active(date_from, date_to, today):
    """Whether a substitution from ``date_from`` to ``date_to`` (both included) holds on ``today``."""
    return bool(date_from) and date_from <= today and (not date_to or today <= date_to)


# --------------------------------------------------------- follow-up delays
def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(value)


def followup_due_on(activated_at, delay_days):
    """When a follow-up ``delay_days`` after a rule became active is due (``None``: never)."""
    if not activated_at or not delay_days or delay_days <= 0:
        return None
    return _as_datetime(activated_at) + timedelta(days=delay_days)


def due_followups(activated_at, now, nudge_days, escalation_days, done=()):
    """The follow-ups (``nudge``, ``escalation``) due at ``now`` that were not ``done`` yet."""
    due = []
    for kind, delay in ((NUDGE, nudge_days), (ESCALATION, escalation_days)):
        due_on = followup_due_on(activated_at, delay)
        if due_on is not None and kind not in done and _as_datetime(now) >= due_on:
            due.append(kind)
    return due


# ------------------------------------------------------------------ changes
def describe_changes(before, after, labels):
    """``[(label, old, new)]`` for each key whose value differs between two snapshots, in ``labels`` order."""
    changes = []
    for key, label in labels.items():
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append((label, old, new))
    return changes

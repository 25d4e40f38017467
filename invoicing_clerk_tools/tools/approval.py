"""Approval arithmetic: which rule matches a document, which level is active, what is due.

Values in, values out; the models gather the facts in batch and call these.
"""

from datetime import date, datetime, timedelta

DOCUMENT_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund")

# Request states, in the order of their life.
WAITING, PENDING, APPROVED, REJECTED, VOIDED = "waiting", "pending", "approved", "rejected", "voided"
OPEN_STATES = (WAITING, PENDING)

REMINDER, ESCALATION = "reminder", "escalation"


# ------------------------------------------------------------------ matching
def amount_in_range(amount, low=0.0, high=0.0):
    """Whether the absolute ``amount`` lies within ``[low, high]``; ``high`` empty or 0: no upper limit."""
    value = abs(amount or 0.0)
    if value < (low or 0.0):
        return False
    return not high or value <= high


def rule_matches(facts, criteria):
    """Whether a document described by ``facts`` meets the ``criteria`` of a rule.

    ``facts``: dict with ``move_type``, ``journal_id``, ``amount`` (company
    currency), ``partner_ids`` (the partner and its commercial entity) and
    ``tag_ids`` (their tags).
    ``criteria``: dict with ``move_types`` (set), ``journal_ids``, ``partner_ids``,
    ``tag_ids`` (sets, empty meaning "any"), ``amount_min`` and ``amount_max``.
    The extra domain of a rule is checked by the ORM, not here.
    """
    if facts["move_type"] not in criteria["move_types"]:
        return False
    if criteria["journal_ids"] and facts["journal_id"] not in criteria["journal_ids"]:
        return False
    if not amount_in_range(facts["amount"], criteria["amount_min"], criteria["amount_max"]):
        return False
    if criteria["partner_ids"] and not set(facts["partner_ids"]) & set(criteria["partner_ids"]):
        return False
    return not criteria["tag_ids"] or bool(set(facts["tag_ids"]) & set(criteria["tag_ids"]))


# ------------------------------------------------------------- configuration
def rule_config_errors(*, kind, user_count=0, group_set=False, group_member_count=0, field_set=False,
                       min_approvals=1, amount_min=0.0, amount_max=0.0, reminder_days=0, escalation_days=0,
                       escalation_target=False, document_types=1):
    """Codes of what is wrong with a rule's configuration (empty: nothing).

    ``kind`` is how approvers are given: ``users``, ``group`` or ``field``.
    """
    errors = []
    if not document_types:
        errors.append("no_document_type")
    if (kind == "users" and not user_count) or (kind == "group" and not group_set) or (
            kind == "field" and not field_set) or kind not in ("users", "group", "field"):
        errors.append("no_approver")
    if (amount_min or 0.0) < 0 or (amount_max or 0.0) < 0:
        errors.append("negative_amount")
    elif amount_max and (amount_min or 0.0) > amount_max:
        errors.append("min_above_max")
    if (min_approvals or 0) < 1:
        errors.append("min_approvals_low")
    elif "no_approver" not in errors:
        capacity = {"users": user_count, "group": group_member_count, "field": 1}[kind]
        if min_approvals > capacity:
            errors.append("min_approvals_high")
    if (reminder_days or 0) < 0 or (escalation_days or 0) < 0:
        errors.append("negative_delay")
    elif escalation_days and not escalation_target:
        errors.append("no_escalation_target")
    return errors


# ------------------------------------------------------------------- levels
def active_sequence(levels):
    """The sequence of the level(s) to ask now, from ``(sequence, state)`` pairs.

    Levels of the same sequence are asked together. ``None`` when nothing is to
    ask: every level approved, or one rejected or voided.
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
    """How many approvals a level can never get with ``eligible_count`` people able to give one."""
    return max(needed - eligible_count, 0)


# ---------------------------------------------------------------- substitutes
def substitution_active(date_from, date_to, today):
    """Whether a substitution from ``date_from`` to ``date_to`` (both included) holds on ``today``."""
    return bool(date_from) and date_from <= today and (not date_to or today <= date_to)


def periods_overlap(from_a, to_a, from_b, to_b):
    """Whether two date ranges (ends included, an empty end meaning open) share a day."""
    return (not to_b or from_a <= to_b) and (not to_a or from_b <= to_a)


# --------------------------------------------------------- follow-up delays
def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(value)


def followup_due_on(activated_at, delay_days):
    """When a follow-up ``delay_days`` after a level became active is due (``None``: never)."""
    if not activated_at or not delay_days or delay_days <= 0:
        return None
    return _as_datetime(activated_at) + timedelta(days=delay_days)


def due_followups(activated_at, now, reminder_days, escalation_days, done=()):
    """The follow-ups (``reminder``, ``escalation``) due at ``now`` that were not ``done`` yet."""
    due = []
    for kind, delay in ((REMINDER, reminder_days), (ESCALATION, escalation_days)):
        due_on = followup_due_on(activated_at, delay)
        if due_on is not None and kind not in done and _as_datetime(now) >= due_on:
            due.append(kind)
    return due


def earliest_activation_to_check(now, delays):
    """The latest activation time that can have any follow-up due at ``now`` (``None``: no delay set)."""
    positive = [delay for delay in delays if delay and delay > 0]
    if not positive:
        return None
    return _as_datetime(now) - timedelta(days=min(positive))


# ------------------------------------------------------------------ changes
def describe_changes(before, after, labels):
    """``[(label, old, new)]`` for each key whose value differs between two snapshots, in ``labels`` order."""
    changes = []
    for key, label in labels.items():
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append((label, old, new))
    return changes

"""The plain approval arithmetic (invoicing_clerk_tools/tools/approval.py), without Odoo."""

from datetime import date, datetime

import pytest
from conftest import load_plain_module

approval = load_plain_module("approval")


@pytest.mark.parametrize(("levels", "expected"), [
    ([], None),
    ([(10, "waiting"), (20, "waiting")], 10),
    ([(10, "approved"), (20, "pending")], 20),
    ([(10, "pending"), (10, "approved"), (20, "waiting")], 10),
    ([(10, "approved"), (20, "approved")], None),
    ([(10, "rejected"), (20, "waiting")], None),
    ([(10, "approved"), (20, "voided")], None),
    ([(30, "waiting"), (10, "approved"), (20, "waiting")], 20),
])
def test_active_sequence(levels, expected):
    assert approval.active_sequence(levels) == expected


@pytest.mark.parametrize(("states", "expected"), [
    ([], False),
    (["approved"], "approved"),
    (["approved", "pending"], "pending"),
    (["approved", "waiting"], "pending"),
    (["approved", "rejected", "voided"], "rejected"),
])
def test_overall_state(states, expected):
    assert approval.overall_state(states) == expected


def test_distinct_approvals_and_capacity():
    assert approval.distinct_approvals([1, 1, 2, None, False]) == 2
    assert approval.approvers_short_of(2, 1) == 1
    assert approval.approvers_short_of(1, 3) == 0


def test_substitution_periods():
    assert approval.substitution_active(date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 1))
    assert approval.substitution_active(date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 5))
    assert not approval.substitution_active(date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 6))
    assert not approval.substitution_active(date(2026, 3, 1), date(2026, 3, 5), date(2026, 2, 28))
    assert approval.substitution_active(date(2026, 3, 1), None, date(2027, 1, 1))
    assert not approval.substitution_active(None, None, date(2027, 1, 1))


def test_followups_due():
    sent = datetime(2026, 3, 2, 9, 0)
    assert approval.followup_due_on(sent, 0) is None
    assert approval.followup_due_on(None, 3) is None
    assert approval.followup_due_on(sent, 2) == datetime(2026, 3, 4, 9, 0)
    assert approval.followup_due_on(date(2026, 3, 2), 1) == datetime(2026, 3, 3)
    assert approval.due_followups(sent, datetime(2026, 3, 4, 8, 59), 2, 5) == []
    assert approval.due_followups(sent, datetime(2026, 3, 4, 9, 0), 2, 5) == ["nudge"]
    assert approval.due_followups(sent, datetime(2026, 3, 7, 9, 0), 2, 5) == ["nudge", "escalation"]
    assert approval.due_followups(sent, datetime(2026, 3, 7, 9, 0), 2, 5, done={"nudge"}) == ["escalation"]
    assert approval.due_followups(sent, datetime(2026, 3, 7, 9, 0), 2, 5, done={"nudge", "escalation"}) == []
    assert approval.due_followups(sent, datetime(2027, 1, 1), 0, 0) == []
    assert approval.due_followups(sent, date(2026, 3, 8), 0, 5) == ["escalation"]
    with pytest.raises(TypeError):
        approval.followup_due_on("2026-03-02", 1)


def test_describe_changes():
    labels = {"partner": "Partner", "total": "Total", "line_1": "Invoice line"}
    before = {"partner": "Acme", "total": "100.00", "line_1": "A: 1 x 100"}
    after = {"partner": "Acme", "total": "200.00", "line_1": "A: 2 x 100"}
    assert approval.describe_changes(before, after, labels) == [
        ("Total", "100.00", "200.00"), ("Invoice line", "A: 1 x 100", "A: 2 x 100")]
    assert approval.describe_changes(before, before, labels) == []
    assert approval.describe_changes({"line_1": "A"}, {}, labels) == [("Invoice line", "A", None)]

"""The plain approval arithmetic (invoicing_clerk_tools/tools/approval.py), without Odoo."""

from datetime import date, datetime

import pytest
from conftest import load_plain_module

approval = load_plain_module("approval")


@pytest.mark.parametrize(("amount", "low", "high", "expected"), [
    (0.0, 0.0, 0.0, True),
    (999.99, 1000.0, 0.0, False),
    (1000.0, 1000.0, 0.0, True),
    (10**9, 1000.0, 0.0, True),
    (5000.0, 1000.0, 5000.0, True),
    (5000.01, 1000.0, 5000.0, False),
    (-1500.0, 1000.0, 2000.0, True),  # refunds and bills carry negative signed totals
    (None, 0.0, 0.0, True),
    (None, 1.0, 0.0, False),
])
def test_amount_in_range(amount, low, high, expected):
    assert approval.amount_in_range(amount, low, high) is expected


BASE_FACTS = {"move_type": "in_invoice", "journal_id": 7, "amount": 1200.0, "partner_ids": [3, 4], "tag_ids": [9]}
BASE_CRITERIA = {"move_types": {"in_invoice"}, "journal_ids": set(), "partner_ids": set(), "tag_ids": set(),
                 "amount_min": 1000.0, "amount_max": 0.0}


@pytest.mark.parametrize(("criteria", "expected"), [
    ({}, True),
    ({"move_types": {"out_invoice"}}, False),
    ({"move_types": set(approval.DOCUMENT_TYPES)}, True),
    ({"journal_ids": {7}}, True),
    ({"journal_ids": {8}}, False),
    ({"amount_min": 1500.0}, False),
    ({"amount_max": 1100.0}, False),
    ({"partner_ids": {4}}, True),
    ({"partner_ids": {5}}, False),
    ({"tag_ids": {9, 10}}, True),
    ({"tag_ids": {10}}, False),
])
def test_rule_matches(criteria, expected):
    assert approval.rule_matches(BASE_FACTS, {**BASE_CRITERIA, **criteria}) is expected


def errors(**kw):
    return approval.rule_config_errors(**{"kind": "users", "user_count": 1, **kw})


def test_rule_config_errors():
    assert errors() == []
    assert errors(user_count=0) == ["no_approver"]
    assert errors(kind="group") == ["no_approver"]
    assert errors(kind="group", group_set=True, group_member_count=3, min_approvals=3) == []
    assert errors(kind="group", group_set=True, group_member_count=2, min_approvals=3) == ["min_approvals_high"]
    assert errors(kind="field") == ["no_approver"]
    assert errors(kind="field", field_set=True) == []
    assert errors(kind="field", field_set=True, min_approvals=2) == ["min_approvals_high"]
    assert errors(kind="nonsense") == ["no_approver"]
    assert errors(min_approvals=2) == ["min_approvals_high"]
    assert errors(min_approvals=0) == ["min_approvals_low"]
    assert errors(amount_min=-1.0) == ["negative_amount"]
    assert errors(amount_max=-1.0) == ["negative_amount"]
    assert errors(amount_min=10.0, amount_max=5.0) == ["min_above_max"]
    assert errors(amount_min=10.0, amount_max=0.0) == []
    assert errors(amount_min=10.0, amount_max=10.0) == []
    assert errors(reminder_days=-1) == ["negative_delay"]
    assert errors(escalation_days=3) == ["no_escalation_target"]
    assert errors(escalation_days=3, escalation_target=True) == []
    assert errors(document_types=0) == ["no_document_type"]
    assert errors(user_count=0, amount_min=5.0, amount_max=1.0, document_types=0) == [
        "no_document_type", "no_approver", "min_above_max"]


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
    assert approval.periods_overlap(date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 5), date(2026, 3, 9))
    assert not approval.periods_overlap(date(2026, 3, 1), date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 9))
    assert approval.periods_overlap(date(2026, 3, 1), None, date(2030, 1, 1), None)


def test_followups_due():
    sent = datetime(2026, 3, 2, 9, 0)
    assert approval.followup_due_on(sent, 0) is None
    assert approval.followup_due_on(None, 3) is None
    assert approval.followup_due_on(sent, 2) == datetime(2026, 3, 4, 9, 0)
    assert approval.followup_due_on(date(2026, 3, 2), 1) == datetime(2026, 3, 3)
    assert approval.due_followups(sent, datetime(2026, 3, 4, 8, 59), 2, 5) == []
    assert approval.due_followups(sent, datetime(2026, 3, 4, 9, 0), 2, 5) == ["reminder"]
    assert approval.due_followups(sent, datetime(2026, 3, 7, 9, 0), 2, 5) == ["reminder", "escalation"]
    assert approval.due_followups(sent, datetime(2026, 3, 7, 9, 0), 2, 5, done={"reminder"}) == ["escalation"]
    assert approval.due_followups(sent, datetime(2026, 3, 7, 9, 0), 2, 5, done={"reminder", "escalation"}) == []
    assert approval.due_followups(sent, datetime(2027, 1, 1), 0, 0) == []
    assert approval.due_followups(sent, date(2026, 3, 8), 0, 5) == ["escalation"]
    assert approval.earliest_activation_to_check(datetime(2026, 3, 10), [0, 3, 5]) == datetime(2026, 3, 7)
    assert approval.earliest_activation_to_check(datetime(2026, 3, 10), [0, None]) is None
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

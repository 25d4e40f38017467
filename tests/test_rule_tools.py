"""Which rule applies to which invoice or bill (invoicing_clerk_tools/tools/rules.py), without Odoo."""

import pytest
from conftest import load_plain_module

rules = load_plain_module("rules")


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
    assert rules.amount_in_range(amount, low, high) is expected


FACTS = {"move_type": "in_invoice", "journal_id": 7, "amount": -1200.0, "partner_ids": [3, 4], "tag_ids": [9]}
CRITERIA = {"move_types": {"in_invoice"}, "journal_ids": set(), "partner_ids": set(), "tag_ids": set(),
            "amount_min": 1000.0, "amount_max": 0.0}


@pytest.mark.parametrize(("facts", "criteria", "expected"), [
    ({}, {}, True),
    ({}, {"move_types": {"out_invoice"}}, False),
    ({}, {"move_types": {"out_invoice", "out_refund", "in_invoice", "in_refund"}}, True),
    ({}, {"journal_ids": {7}}, True),
    ({}, {"journal_ids": {8}}, False),
    ({}, {"amount_min": 1200.0}, True),  # bills carry negative signed totals: compared in absolute value
    ({}, {"amount_min": 1200.01}, False),
    ({}, {"amount_max": 1100.0}, False),
    ({"amount": 0.0}, {"amount_min": 0.0}, True),
    ({}, {"partner_ids": {4}}, True),
    ({}, {"partner_ids": {5}}, False),
    ({}, {"tag_ids": {9, 10}}, True),
    ({}, {"tag_ids": {10}}, False),
    ({"tag_ids": []}, {"tag_ids": {9}}, False),
    ({}, {"partner_ids": frozenset({3}), "tag_ids": frozenset({9})}, True),  # the cached criteria are frozensets
])
def test_rule_matches(facts, criteria, expected):
    assert rules.rule_matches({**FACTS, **facts}, {**CRITERIA, **criteria}) is expected

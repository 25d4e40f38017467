"""Which rule applies to which invoice or bill: the criteria every rule on moves shares.

Values in, values out; ``clerk.move.rule.mixin`` gathers the facts in batch and calls these.
"""


def amount_in_range(amount, low=0.0, high=0.0):
    """Whether the absolute ``amount`` lies within ``[low, high]``; ``high`` empty or 0: no upper limit."""
    value = abs(amount or 0.0)
    if value < (low or 0.0):
        return False
    return not high or value <= high


def rule_matches(facts, criteria):
    """Whether a document described by ``facts`` meets the ``criteria`` of a rule.

    ``facts``: ``move_type``, ``journal_id``, ``amount`` (company currency, signed by direction),
    ``partner_ids`` (the partner and its commercial entity) and ``tag_ids`` (their tags).
    ``criteria``: ``move_types`` (set), ``journal_ids``, ``partner_ids``, ``tag_ids`` (sets, empty
    meaning "any"), ``amount_min`` and ``amount_max`` (0: no limit). A rule's extra conditions (a
    domain) are checked by the ORM, not here.
    """
    if facts["move_type"] not in criteria["move_types"]:
        return False
    if criteria["journal_ids"] and facts["journal_id"] not in criteria["journal_ids"]:
        return False
    if not amount_in_range(facts["amount"], criteria["amount_min"], criteria["amount_max"]):
        return False
    if criteria["partner_ids"] and not set(criteria["partner_ids"]).intersection(facts["partner_ids"]):
        return False
    return not criteria["tag_ids"] or bool(set(criteria["tag_ids"]).intersection(facts["tag_ids"]))

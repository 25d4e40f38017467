"""Age buckets of open items."""

from datetime import date

# (key, title, lowest days overdue, highest days overdue or None)
BUCKETS = (
    ("current", "Current", None, 0),
    ("1_30", "1-30", 1, 30),
    ("31_60", "31-60", 31, 60),
    ("61_90", "61-90", 61, 90),
    ("90_plus", "90+", 91, None),
)
BUCKET_KEYS = tuple(key for key, *_ in BUCKETS)


def days_overdue(due: date | None, as_of: date) -> int:
    """Days past the due date on ``as_of``; 0 or less when not yet due (no due date: not due)."""
    if not due:
        return 0
    return (as_of - due).days


def bucket_for(days: int) -> str:
    """The bucket key of an item ``days`` overdue."""
    for key, _title, low, high in BUCKETS:
        if (low is None or days >= low) and (high is None or days <= high):
            return key
    raise ValueError(days)  # unreachable: the buckets cover every integer

"""Plain rules of the customer portal: what a customer may submit, and how an open item reads."""

from datetime import timedelta

MAX_MESSAGE = 2000
MAX_FILES = 5
MAX_SUBMISSIONS_PER_INVOICE_HOUR = 3
MAX_SUBMISSIONS_PER_CUSTOMER_HOUR = 20

# error codes, worded by the controller
DATE_MISSING = "date_missing"
DATE_PAST = "date_past"
DATE_TOO_FAR = "date_too_far"
AMOUNT_INVALID = "amount_invalid"
AMOUNT_TOO_HIGH = "amount_too_high"


def promise_errors(promise_date, today, max_days, amount=None, open_amount=None):
    """The problems of a promise to pay (a list of codes, maybe empty).

    ``promise_date`` from today up to ``max_days`` ahead; ``amount`` (optional) above zero and not more than
    ``open_amount``.
    """
    errors = []
    if not promise_date:
        errors.append(DATE_MISSING)
    elif promise_date < today:
        errors.append(DATE_PAST)
    elif promise_date > today + timedelta(days=max_days):
        errors.append(DATE_TOO_FAR)
    if amount is not None:
        if amount <= 0:
            errors.append(AMOUNT_INVALID)
        elif open_amount is not None and amount > open_amount:
            errors.append(AMOUNT_TOO_HIGH)
    return errors


def parse_amount(text):
    """A positive amount typed by a customer (``1234.5`` or ``1234,50``), None when empty; ValueError when not a
    plain number (no thousands separators, no exponent)."""
    text = (text or "").strip()
    if not text:
        return None
    text = text.replace(",", ".")
    if text.count(".") > 1 or not text.replace(".", "", 1).isdigit():
        raise ValueError(text)
    return float(text)


def clean_message(text):
    """A customer's message as plain text: control characters dropped (newlines kept), trimmed, length-capped."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch.isprintable())
    text = text.replace("\r", "").strip()
    return text[:MAX_MESSAGE]


def days_overdue(due_date, today):
    """Whole days past ``due_date`` (0 when not due yet or no due date)."""
    if not due_date or due_date >= today:
        return 0
    return (today - due_date).days


def item_status(disputed, promise_date, today):
    """How an open item reads on the customer's statement: ``disputed``, ``promised`` (promise not passed) or
    ``open``."""
    if disputed:
        return "disputed"
    if promise_date and promise_date >= today:
        return "promised"
    return "open"

"""The items of a customer's billing details, in the order they are listed to the clerk.

The rule itself (``res.partner._clerk_billing_rule``) is one domain per item, so that the same statement
serves the customer form (in memory) and the searches and work queues (in SQL).
"""

ADDRESS = "address"
EMAIL = "email"
VAT = "vat"
PAYMENT_TERMS = "payment_terms"
ITEMS = (ADDRESS, EMAIL, VAT, PAYMENT_TERMS)

# The parts of an invoicing address, in the order they are named.
STREET = "street"
CITY = "city"
COUNTRY = "country"
ADDRESS_PARTS = (STREET, CITY, COUNTRY)


def missing_address_parts(addresses):
    """The parts still missing from the most complete of ``addresses`` (each a set of the parts it has: the
    customer's own address first, then its invoice addresses; the first wins a tie), in ``ADDRESS_PARTS``
    order: what the clerk has to fill in, e.g. ``["country"]`` rather than the whole address."""
    best = max(addresses, key=lambda parts: len(set(parts) & set(ADDRESS_PARTS)), default=set())
    return [part for part in ADDRESS_PARTS if part not in best]

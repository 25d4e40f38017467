"""The items of a customer's billing details, in the order they are listed to the clerk.

The rule itself (``res.partner._clerk_billing_rule``) is one domain per item, so that the same statement
serves the customer form (in memory) and the searches and work queues (in SQL).
"""

ADDRESS = "address"
EMAIL = "email"
VAT = "vat"
PAYMENT_TERMS = "payment_terms"
ITEMS = (ADDRESS, EMAIL, VAT, PAYMENT_TERMS)

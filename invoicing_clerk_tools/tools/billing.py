"""Are a customer's billing details complete? The rule, without the ORM.

A customer's billing details are complete when:

1. **address**: the customer, or one of its invoice addresses, has a street, a
   city and a country;
2. **channel**: invoices go by e-mail (the default) and the customer or one of
   its invoice addresses has an e-mail address; or invoices are sent by hand
   (printed and posted), and the address of rule 1 suffices;
3. **VAT**: where the company's country requires it, i.e. the company is in the
   European Union and the customer is a company in the European Union, the
   customer has a VAT number;
4. **payment terms**: the customer has payment terms for the company.
"""

ADDRESS = "address"
EMAIL = "email"
VAT = "vat"
PAYMENT_TERMS = "payment_terms"
ITEMS = (ADDRESS, EMAIL, VAT, PAYMENT_TERMS)


def vat_required(company_in_eu: bool, customer_is_company: bool, customer_in_eu: bool) -> bool:
    return company_in_eu and customer_is_company and customer_in_eu


def missing(addresses, sends_by_email, needs_vat, has_vat, has_payment_terms):
    """The items missing, in the order of :data:`ITEMS`.

    ``addresses``: (street, city, country, email) of the customer and of each of
    its invoice addresses; ``sends_by_email``: invoices go by e-mail.
    """
    addresses = list(addresses)
    result = []
    if not any(street and city and country for street, city, country, _email in addresses):
        result.append(ADDRESS)
    if sends_by_email and not any(email for *_address, email in addresses):
        result.append(EMAIL)
    if needs_vat and not has_vat:
        result.append(VAT)
    if not has_payment_terms:
        result.append(PAYMENT_TERMS)
    return result

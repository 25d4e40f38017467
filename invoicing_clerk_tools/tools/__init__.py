"""Plain functions of the addon: no ORM, values in and values out.

Nothing here imports Odoo, so ``tests/`` can test these modules without it.
"""

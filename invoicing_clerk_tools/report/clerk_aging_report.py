from odoo import api, models
from odoo.tools import SQL, LazyTranslate

from ..tools import aging, xlsx

_lt = LazyTranslate(__name__)

AGING_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 20),
    xlsx.Column(_lt("Customer"), "text", 30),
    xlsx.Column(_lt("Number"), "text", 18),
    xlsx.Column(_lt("Type"), "text", 12),
    xlsx.Column(_lt("Invoice Date"), "date", 12),
    xlsx.Column(_lt("Due Date"), "date", 12),
    xlsx.Column(_lt("Days Overdue"), "int", 9),
    xlsx.Column(_lt("Currency"), "text", 8),
    xlsx.Column(_lt("Due (Invoice Currency)"), "money", 16),
    xlsx.Column(_lt("Due (Company Currency)"), "money", 16),
    *(xlsx.Column(_lt("Current") if key == "current" else title, "money", 14)
      for key, title, _low, _high in aging.BUCKETS),
)


class ClerkAgingReport(models.AbstractModel):
    _name = "clerk.aging.report"
    _description = "Aged Open Customer Invoices"

    _chunk_size = 5000
    # Columns read straight from the query the ORM builds (with the user's record rules):
    # the export streams raw values instead of filling the record cache with 20,000 invoices.
    _columns = ("id", "name", "partner_id", "company_id", "move_type", "invoice_date", "invoice_date_due",
                "currency_id", "amount_residual", "amount_residual_signed")

    @api.model
    def _open_invoice_domain(self):
        return [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "in", self.env.companies.ids),
        ]

    @api.model
    def _rows(self, as_of):
        """Yield one row per open invoice, a chunk of rows per query.

        The query comes from ``_search`` as the current user, so access rights
        and record rules decide what is exported; names of partners, companies
        and currencies are read once per chunk through the ORM.
        """
        Move = self.env["account.move"]
        domain = self._open_invoice_domain()
        types = dict(Move._fields["move_type"]._description_selection(self.env))
        bucket_count = len(aging.BUCKET_KEYS)
        bucket_index = {key: index for index, key in enumerate(aging.BUCKET_KEYS)}
        names = {"res.partner": {}, "res.company": {}, "res.currency": {}}
        last_id = 0
        while True:
            query = Move._search([*domain, ("id", ">", last_id)], order="id", limit=self._chunk_size)
            chunk = self.env.execute_query(query.select(*(SQL.identifier(Move._table, c) for c in self._columns)))
            if not chunk:
                return
            self._fetch_names(names, chunk)
            partners, companies, currencies = names["res.partner"], names["res.company"], names["res.currency"]
            for (_id, number, partner_id, company_id, move_type, invoice_date, due, currency_id, residual,
                 residual_signed) in chunk:
                days = aging.days_overdue(due, as_of)
                buckets = [None] * bucket_count
                buckets[bucket_index[aging.bucket_for(days)]] = residual_signed
                yield (
                    companies.get(company_id), partners.get(partner_id), number, types[move_type], invoice_date,
                    due, max(days, 0), currencies.get(currency_id),
                    -residual if move_type == "out_refund" else residual, residual_signed, *buckets,
                )
            last_id = chunk[-1][0]

    def _fetch_names(self, names, chunk):
        for model, column in (("res.partner", 2), ("res.company", 3), ("res.currency", 7)):
            known = names[model]
            missing = {row[column] for row in chunk if row[column] and row[column] not in known}
            if missing:
                records = self.env[model].browse(missing)
                known.update(zip(records.ids, records.mapped("display_name"), strict=True))
                records.invalidate_recordset()

    @api.model
    def export_xlsx(self, target, as_of):
        """Write the aging workbook to ``target`` (a path or a binary file); returns the row count."""
        self.env["account.move"].check_access("read")
        title = self.env._("Aged open customer invoices as of %s", as_of.isoformat())
        counts = xlsx.export(target, [(self.env._("Aging"), AGING_COLUMNS, self._rows(as_of), title)],
                              translate=self.env._)
        return sum(counts.values())

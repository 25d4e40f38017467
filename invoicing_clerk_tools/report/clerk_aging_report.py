from odoo import api, models

from ..tools import aging, xlsx

AGING_COLUMNS = (
    xlsx.Column("Company", "text", 20),
    xlsx.Column("Customer", "text", 30),
    xlsx.Column("Number", "text", 18),
    xlsx.Column("Type", "text", 12),
    xlsx.Column("Invoice Date", "date", 12),
    xlsx.Column("Due Date", "date", 12),
    xlsx.Column("Days Overdue", "int", 9),
    xlsx.Column("Currency", "text", 8),
    xlsx.Column("Due (Invoice Currency)", "money", 16),
    xlsx.Column("Due (Company Currency)", "money", 16),
    *(xlsx.Column(title, "money", 14) for _key, title, _low, _high in aging.BUCKETS),
)


class ClerkAgingReport(models.AbstractModel):
    _name = "clerk.aging.report"
    _description = "Aged Open Customer Invoices"

    _chunk_size = 5000
    _fields_read = ("name", "partner_id", "company_id", "move_type", "invoice_date", "invoice_date_due",
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
        """Yield one row per open invoice, reading them in chunks so the cache stays small.

        Reads go through the ORM as the current user: access rights and record
        rules decide what is exported.
        """
        Move = self.env["account.move"]
        domain = self._open_invoice_domain()
        types = dict(Move._fields["move_type"]._description_selection(self.env))
        bucket_index = {key: index for index, key in enumerate(aging.BUCKET_KEYS)}
        last_id = 0
        while True:
            moves = Move.search_fetch([*domain, ("id", ">", last_id)], self._fields_read, order="id",
                                      limit=self._chunk_size)
            if not moves:
                return
            moves.partner_id.fetch(["display_name"])
            for move in moves:
                sign = -1 if move.move_type == "out_refund" else 1
                days = aging.days_overdue(move.invoice_date_due, as_of)
                buckets = [None] * len(aging.BUCKET_KEYS)
                buckets[bucket_index[aging.bucket_for(days)]] = move.amount_residual_signed
                yield (
                    move.company_id.name, move.partner_id.display_name, move.name, types[move.move_type],
                    move.invoice_date, move.invoice_date_due, max(days, 0), move.currency_id.name,
                    sign * move.amount_residual, move.amount_residual_signed, *buckets,
                )
            last_id = moves[-1].id
            self.env.invalidate_all()

    @api.model
    def export_xlsx(self, target, as_of):
        """Write the aging workbook to ``target`` (a path or a binary file); returns the row count."""
        self.env["account.move"].check_access("read")
        title = self.env._("Aged open customer invoices as of %s", as_of.isoformat())
        counts = xlsx.export(target, [(self.env._("Aging"), AGING_COLUMNS, self._rows(as_of), title)])
        return sum(counts.values())

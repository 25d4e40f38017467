from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools import xlsx

_lt = LazyTranslate(__name__)

DISCREPANCY_COLUMNS = (
    xlsx.Column(_lt("Company"), "text", 18),
    xlsx.Column(_lt("Vendor / Partner"), "text", 28),
    xlsx.Column(_lt("Document"), "text", 20),
    xlsx.Column(_lt("Vendor Reference"), "text", 16),
    xlsx.Column(_lt("Date"), "date", 12),
    xlsx.Column(_lt("Purchase Order"), "text", 14),
    xlsx.Column(_lt("Finding"), "text", 16),
    xlsx.Column(_lt("About"), "text", 34),
    xlsx.Column(_lt("Expected"), "number", 12),
    xlsx.Column(_lt("Billed"), "number", 12),
    xlsx.Column(_lt("Difference"), "number", 12),
    xlsx.Column(_lt("Expected (Text)"), "text", 18),
    xlsx.Column(_lt("Billed (Text)"), "text", 18),
    xlsx.Column(_lt("Impact (Company Currency)"), "money", 14),
    xlsx.Column(_lt("Within Tolerance"), "bool", 9),
    xlsx.Column(_lt("State"), "text", 14),
    xlsx.Column(_lt("Accepted By"), "text", 18),
    xlsx.Column(_lt("Accepted On"), "datetime", 17),
    xlsx.Column(_lt("Why Accepted"), "text", 30),
    xlsx.Column(_lt("Resolution"), "text", 22),
    xlsx.Column(_lt("Reason Code"), "text", 14),
    xlsx.Column(_lt("Resolving Document"), "text", 20),
    xlsx.Column(_lt("Resolved By"), "text", 18),
    xlsx.Column(_lt("Resolved On"), "datetime", 17),
)


class ClerkDiscrepancyReport(models.AbstractModel):
    _name = "clerk.discrepancy.report"
    _description = "Discrepancy Report Export"

    _chunk_size = 2000
    _fields_read = ("company_id", "partner_id", "move_id", "move_date", "purchase_order_id", "kind", "description",
                    "expected", "actual", "difference", "expected_text", "actual_text", "impact",
                    "within_tolerance", "state", "accepted_by_id", "accepted_date", "accept_reason", "resolution",
                    "reason_code", "resolution_move_id", "resolved_by_id", "resolved_date")

    @api.model
    def _domain(self, date_from, date_to, partner_ids, moves=None):
        domain = [("company_id", "in", self.env.companies.ids)]
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        if date_from:
            domain.append(("move_date", ">=", date_from))
        if date_to:
            domain.append(("move_date", "<=", date_to))
        if partner_ids:
            domain.append(("partner_id", "in", list(partner_ids)))
        return domain

    @api.model
    def _rows(self, date_from=None, date_to=None, partner_ids=None, moves=None):
        """One row per finding, per vendor then date, read as the current user a chunk at a time."""
        Discrepancy = self.env["clerk.discrepancy"]
        selections = {name: dict(Discrepancy._fields[name]._description_selection(self.env))
                      for name in ("kind", "state", "resolution", "reason_code")}
        domain = self._domain(date_from, date_to, partner_ids, moves)
        offset = 0
        while True:
            records = Discrepancy.search_fetch(domain, list(self._fields_read), order="partner_id, move_date, id",
                                               offset=offset, limit=self._chunk_size)
            if not records:
                return
            records.move_id.fetch(["name", "ref"])
            for record in records:
                yield (record.company_id.name, record.partner_id.display_name or None, record.move_id.name,
                       record.move_id.ref or None, record.move_date or None,
                       record.purchase_order_id.name or None, selections["kind"][record.kind],
                       record.description or None, record.expected, record.actual, record.difference,
                       record.expected_text or None, record.actual_text or None, record.impact,
                       record.within_tolerance, selections["state"][record.state],
                       record.accepted_by_id.name or None, record.accepted_date or None,
                       record.accept_reason or None, selections["resolution"].get(record.resolution),
                       selections["reason_code"].get(record.reason_code),
                       record.resolution_move_id.name or None, record.resolved_by_id.name or None,
                       record.resolved_date or None)
            offset += len(records)
            self.env.invalidate_all()

    @api.model
    def export_xlsx(self, target, date_from=None, date_to=None, partner_ids=None):
        """Write every finding of the period (and vendors) to ``target``; returns rows per sheet."""
        self.env["clerk.discrepancy"].check_access("read")
        _ = self.env._
        period = _("from %(start)s to %(end)s", start=fields.Date.to_string(date_from) or _("the start"),
                   end=fields.Date.to_string(date_to) or _("today"))
        return xlsx.export(target, [(_("Discrepancies"), DISCREPANCY_COLUMNS,
                                     self._rows(date_from, date_to, partner_ids),
                                     _("Bill discrepancies per vendor %s", period))],
                           translate=_)

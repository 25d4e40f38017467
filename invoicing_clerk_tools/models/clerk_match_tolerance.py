from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import matching

MODE_SELECTION = [
    (matching.BOTH, "Exceeded When Beyond Both"),
    (matching.EITHER, "Exceeded When Beyond Either"),
]


class ClerkMatchTolerance(models.Model):
    """How far a vendor bill may differ from its purchase order before it is an exception.

    One record without vendor and category is the company default; records for
    a vendor, a product category or both override it (the most specific wins:
    vendor and category, vendor, category, company default). Without any record
    nothing is tolerated, lines without purchase order are allowed and the match
    basis follows each product's bill control policy.
    """

    _name = "clerk.match.tolerance"
    _inherit = ["mail.thread"]
    _description = "Bill Matching Tolerance"
    _order = "company_id, partner_id, product_category_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 tracking=True)
    partner_id = fields.Many2one("res.partner", string="Vendor", check_company=True, index="btree_not_null",
                                 tracking=True,
                                 help="Only bills of this vendor; empty: every vendor.")
    product_category_id = fields.Many2one("product.category", string="Product Category", tracking=True,
                                          help="Only bill lines of products of this category (not its "
                                               "subcategories); empty: every product.")
    currency_id = fields.Many2one("res.currency", string="Currency", default=lambda self: self.env.company.currency_id,
                                  tracking=True,
                                  help="Currency of the amounts below; they are converted at the bill date.")

    price_pct = fields.Float(string="Price Tolerance (%)", digits=(16, 4), tracking=True,
                             help="How far the unit price billed may be above the purchase price, in percent.")
    price_amount = fields.Monetary(string="Price Tolerance (Amount per Line)", tracking=True,
                                   help="How much more a bill line may cost because of its unit price.")
    price_mode = fields.Selection(MODE_SELECTION, string="Price Tolerance Is", default=matching.BOTH, required=True,
                                  tracking=True,
                                  help="Beyond both: a price difference is an exception only when it is beyond the "
                                       "percentage and the amount. Beyond either: as soon as it is beyond one.")
    qty_pct = fields.Float(string="Quantity Tolerance (%)", digits=(16, 4), tracking=True,
                           help="How much more may be billed than received (or ordered), in percent.")
    qty_amount = fields.Monetary(string="Quantity Tolerance (Amount per Line)", tracking=True,
                                 help="Value of the quantity billed in excess that is tolerated per line.")
    qty_mode = fields.Selection(MODE_SELECTION, string="Quantity Tolerance Is", default=matching.BOTH, required=True,
                                tracking=True)
    discount_points = fields.Float(string="Discount Tolerance (Points)", digits=(16, 2), tracking=True,
                                   help="How many percentage points the discount billed may be below the purchase "
                                        "discount.")
    total_pct = fields.Float(string="Bill Total Tolerance (%)", digits=(16, 4), tracking=True,
                             help="How far the bill total (its lines with a purchase order) may be above what their "
                                  "purchase lines allow, in percent.")
    total_amount = fields.Monetary(string="Bill Total Tolerance (Amount)", tracking=True)
    total_mode = fields.Selection(MODE_SELECTION, string="Bill Total Tolerance Is", default=matching.BOTH,
                                  required=True, tracking=True)
    allow_without_po = fields.Boolean(
        string="Lines Without Purchase Order Allowed", default=True, tracking=True,
        help="Off: every bill line of this vendor must come from a purchase order line; a line without one is an "
             "exception.")
    match_basis = fields.Selection([
        (matching.BASIS_POLICY, "Product's Bill Control Policy"),
        (matching.BASIS_RECEIVED, "Received Quantities (3-Way)"),
        (matching.BASIS_ORDERED, "Ordered Quantities (2-Way)"),
    ], string="Match Quantities Against", default=matching.BASIS_POLICY, required=True, tracking=True,
        help="Received quantities (3-way match) or ordered quantities (2-way); by default each product's "
             "bill control policy decides (on received quantities / on ordered quantities).")
    duplicate_days = fields.Integer(
        string="Duplicate Window (Days)", default=3, tracking=True,
        help="A bill of the same vendor with the same amount dated at most this many days apart is a possible "
             "duplicate (the same vendor reference always is).")

    @api.depends("company_id", "partner_id", "product_category_id")
    def _compute_name(self):
        for tolerance in self:
            parts = [tolerance.partner_id.display_name, tolerance.product_category_id.display_name]
            scope = " / ".join(part for part in parts if part) or self.env._("Company default")
            tolerance.name = f"{tolerance.company_id.name}: {scope}" if tolerance.company_id else scope

    @api.constrains("price_pct", "price_amount", "price_mode", "qty_pct", "qty_amount", "qty_mode",
                    "discount_points", "total_pct", "total_amount", "total_mode", "duplicate_days", "currency_id")
    def _check_values(self):
        _ = self.env._
        messages = {
            "negative": _("Tolerances and the duplicate window cannot be negative: use 0 for none."),
            "over_100": _("Percentages (price, quantity, bill total) and the discount tolerance in points cannot "
                          "be above 100."),
            "amount_without_currency": _("An amount tolerance needs a currency: fill in Currency, or set the "
                                         "amounts to 0."),
            "mode": _("Choose whether a tolerance is exceeded when beyond both limits or beyond either."),
        }
        for tolerance in self:
            errors = matching.tolerance_errors({
                "price_pct": tolerance.price_pct, "qty_pct": tolerance.qty_pct, "total_pct": tolerance.total_pct,
                "price_amount": tolerance.price_amount, "qty_amount": tolerance.qty_amount,
                "total_amount": tolerance.total_amount, "discount_points": tolerance.discount_points,
                "duplicate_days": tolerance.duplicate_days, "currency": bool(tolerance.currency_id),
                "modes": (tolerance.price_mode, tolerance.qty_mode, tolerance.total_mode),
            })
            if errors:
                raise ValidationError(_("Matching tolerance %(name)s: %(problems)s", name=tolerance.name,
                                        problems=" ".join(messages[code] for code in errors)))

    @api.constrains("company_id", "partner_id", "product_category_id", "active")
    def _check_unique_scope(self):
        for tolerance in self.filtered("active"):
            twins = self.search_count([
                ("id", "!=", tolerance.id), ("company_id", "=", tolerance.company_id.id),
                ("partner_id", "=", tolerance.partner_id.id), ("product_category_id", "=",
                                                               tolerance.product_category_id.id),
            ], limit=1)
            if twins:
                raise ValidationError(self.env._(
                    "There is already a matching tolerance for %s: edit it instead of adding another one.",
                    tolerance.name))

    # ------------------------------------------------------------------ for the check
    @api.model_create_multi
    def create(self, vals_list):
        """The first tolerance of a company whose bill check only reports switches its exceptions to block posting:
        configuring tolerances says how far bills may differ, so beyond them is an exception (issue 10). A manager
        may switch back to report only in the settings; later tolerances leave the setting alone."""
        companies = self.env["res.company"].browse(
            {vals.get("company_id") or self.env.company.id for vals in vals_list}).sudo()
        reporting = companies.filtered(lambda c: c.clerk_match_policy == "report")
        if reporting:
            configured = self.sudo().with_context(active_test=False).search_fetch(
                [("company_id", "in", reporting.ids)], ["company_id"]).company_id
            reporting -= configured
        tolerances = super().create(vals_list)
        if reporting:
            reporting.write({"clerk_match_policy": "block"})
        return tolerances

    @api.model
    def _tolerance_sets(self, companies):
        """``{company_id: [(tolerance_id, partner_id, category_id)]}`` and the values of each tolerance, one query."""
        records = self.sudo().search_fetch([("company_id", "in", companies.ids)], [
            "company_id", "partner_id", "product_category_id", "currency_id", "price_pct", "price_amount",
            "price_mode", "qty_pct", "qty_amount", "qty_mode", "discount_points", "total_pct", "total_amount",
            "total_mode", "allow_without_po", "match_basis", "duplicate_days"])
        candidates = {company.id: [] for company in companies}
        values = {}
        for record in records:
            candidates[record.company_id.id].append(
                (record.id, record.partner_id.id or None, record.product_category_id.id or None))
            values[record.id] = record._match_values()
        return candidates, values

    def _match_values(self):
        self.ensure_one()
        return {
            "currency_id": self.currency_id.id,
            "price": matching.Tolerance(self.price_pct, self.price_amount, self.price_mode),
            "qty": matching.Tolerance(self.qty_pct, self.qty_amount, self.qty_mode),
            "total": matching.Tolerance(self.total_pct, self.total_amount, self.total_mode),
            "discount_points": self.discount_points,
            "allow_without_po": self.allow_without_po,
            "match_basis": self.match_basis,
            "duplicate_days": self.duplicate_days,
        }

    @api.model
    def _default_match_values(self):
        """Without any tolerance: nothing tolerated, lines without purchase order allowed, the product's policy."""
        return {
            "currency_id": False,
            "price": matching.Tolerance(0.0, 0.0, matching.BOTH),
            "qty": matching.Tolerance(0.0, 0.0, matching.BOTH),
            "total": matching.Tolerance(0.0, 0.0, matching.BOTH),
            "discount_points": 0.0,
            "allow_without_po": True,
            "match_basis": matching.BASIS_POLICY,
            "duplicate_days": 3,
        }

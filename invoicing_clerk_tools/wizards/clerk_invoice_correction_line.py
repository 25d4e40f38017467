from odoo import api, fields, models


class ClerkInvoiceCorrectionLine(models.TransientModel):
    _name = "clerk.invoice.correction.line"
    _description = "Invoice Correction Line"

    wizard_id = fields.Many2one("clerk.invoice.correction.wizard", required=True, ondelete="cascade")
    move_line_id = fields.Many2one("account.move.line", string="Invoice Line", required=True, readonly=True)
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    product_id = fields.Many2one(related="move_line_id.product_id")
    name = fields.Char(related="move_line_id.name")
    quantity = fields.Float(string="Invoiced Quantity", readonly=True, digits="Product Unit")
    price_unit = fields.Float(string="Invoiced Price", readonly=True, digits="Product Price")
    discount = fields.Float(string="Invoiced Discount (%)", readonly=True, digits="Discount")
    new_quantity = fields.Float(string="Correct Quantity", digits="Product Unit")
    new_price_unit = fields.Float(string="Correct Price", digits="Product Price")
    new_discount = fields.Float(string="Correct Discount (%)", digits="Discount")
    difference = fields.Monetary(compute="_compute_difference", currency_field="currency_id",
                                 help="Correct minus invoiced, untaxed: positive is owed by the customer (debit "
                                      "note), negative is owed to the customer (credit note).")

    @api.depends("quantity", "price_unit", "discount", "new_quantity", "new_price_unit", "new_discount")
    def _compute_difference(self):
        for line in self:
            invoiced = line.quantity * line.price_unit * (1 - line.discount / 100.0)
            correct = line.new_quantity * line.new_price_unit * (1 - line.new_discount / 100.0)
            line.difference = (line.currency_id or line.env.company.currency_id).round(correct - invoiced)

    def _note_line_values(self, name):
        """One line of the credit or debit note for the difference of this invoice line."""
        self.ensure_one()
        line = self.move_line_id
        values = {"product_id": line.product_id.id, "name": name, "account_id": line.account_id.id,
                  "tax_ids": [fields.Command.set(line.tax_ids.ids)], "product_uom_id": line.product_uom_id.id}
        same_price = (self.new_price_unit == self.price_unit and self.new_discount == self.discount)
        if same_price:
            values.update(quantity=abs(self.new_quantity - self.quantity), price_unit=self.price_unit,
                          discount=self.discount)
        else:
            values.update(quantity=1.0, price_unit=abs(self.difference), discount=0.0)
        return values

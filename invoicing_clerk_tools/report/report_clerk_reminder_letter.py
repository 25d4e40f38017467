from collections import defaultdict

from odoo import api, fields, models

from ..tools import aging


class ReportClerkReminderLetter(models.AbstractModel):
    """The printable payment reminder letter: one letter per reminder message, in the company's layout.

    Everything the letter shows is gathered here from (customer, step, company, invoices); only
    :meth:`_letters` knows which records the report is printed for.
    """

    _name = "report.invoicing_clerk_tools.report_clerk_reminder_letter"
    _description = "Payment Reminder Letter (PDF)"

    @api.model
    def _letters(self, records):
        """[(addressee, step, company, invoices)] for the reminder messages ``records``, one per letter."""
        leads = records.filtered("is_lead")
        return [(lead.recipient_id or lead.partner_id, lead.step_id, lead.company_id, lead.message_move_ids)
                for lead in leads]

    @api.model
    def _get_report_values(self, docids, data=None):
        records = self.env["ir.actions.report"]._get_report(
            "invoicing_clerk_tools.report_clerk_reminder_letter").model
        records = self.env[records].browse(docids)
        records.check_access("read")
        today = fields.Date.context_today(self)
        Statement = self.env["clerk.statement.report"]
        letters = []
        for addressee, step, company, invoices in self._letters(records.sudo()):
            invoices = invoices.sorted(lambda move: (move.invoice_date_due or move.date, move.id))
            customer = addressee.commercial_partner_id
            totals = defaultdict(float)
            for invoice in invoices:
                totals[invoice.currency_id] += invoice.amount_residual
            if len(invoices) == 1:
                reference = invoices.payment_reference or invoices.name
            else:
                reference = Statement._payment_reference(customer)
            letters.append({
                "addressee": addressee,
                "customer": customer,
                "lang": addressee.lang or customer.lang or self.env.lang,
                "step": step,
                "company": company,
                "date": today,
                "lines": [(invoice, aging.days_overdue(invoice.invoice_date_due, today)) for invoice in invoices],
                "totals": list(totals.items()),
                "payment_reference": reference,
                "banks": {currency: Statement._bank_account(company, currency.name) for currency in totals},
            })
        return {
            "doc_ids": records.ids,
            "doc_model": records._name,
            "docs": records,
            "letters": letters,
        }

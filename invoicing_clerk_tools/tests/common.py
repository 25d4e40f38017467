"""Fixtures shared by the addon's tests: a company with its chart of accounts and the clerk's team."""

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class ClerkCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.company_data["company"]
        cls.clerk = cls._create_clerk_user("clerk_ada", "Ada Clerk", "group_clerk")
        cls.clerk_2 = cls._create_clerk_user("clerk_ben", "Ben Clerk", "group_clerk")
        cls.approver = cls._create_clerk_user("approver_cleo", "Cleo Approver", "group_approver")
        cls.approver_2 = cls._create_clerk_user("approver_dan", "Dan Approver", "group_approver")
        cls.manager = cls._create_clerk_user("manager_eve", "Eve Manager", "group_manager")
        cls.outsider = cls.env["res.users"].create({
            "name": "Olga Outsider", "login": "outsider_olga", "password": "outsider_olga",
            "email": "outsider_olga@example.com",
            "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
            "group_ids": [Command.set([cls.env.ref("base.group_user").id])],
        })

    @classmethod
    def _create_clerk_user(cls, login, name, group, companies=None):
        companies = companies or cls.company
        return cls.env["res.users"].create({
            "name": name,
            "login": login,
            "password": login,
            "email": f"{login}@example.com",
            "company_id": companies[0].id,
            "company_ids": [Command.set(companies.ids)],
            "group_ids": [Command.set([cls.env.ref(f"invoicing_clerk_tools.{group}").id])],
        })

    @classmethod
    def make_invoice(cls, move_type="out_invoice", partner=None, amount=100.0, invoice_date=None, due_date=None,
                     post=False, company=None, user=None, quantity=1.0, **values):
        """A draft (or posted) invoice or bill of one line, created as ``user`` when given."""
        env = cls.env(user=user) if user else cls.env
        company = company or cls.company
        invoice_date = invoice_date or fields.Date.today()
        move = env["account.move"].with_company(company).create({
            "move_type": move_type,
            "partner_id": (partner or cls.partner_a).id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date,
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({
                "name": "Consulting",
                "quantity": quantity,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
            **values,
        })
        if due_date:
            move.invoice_date_due = due_date
        if post:
            move.action_post()
        return move

import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFrench(TransactionCase):
    """The addon ships French: a user working in French sees its views, messages and XLSX exports in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["invoicing_clerk_tools"], ["fr_FR"], overwrite=True)
        cls.manager = cls.env["res.users"].create({
            "name": "Manon Gestionnaire",
            "login": "manon_fr",
            "email": "manon_fr@example.com",
            "lang": "fr_FR",
            "group_ids": [Command.set([cls.env.ref("invoicing_clerk_tools.group_manager").id,
                                       cls.env.ref("account.group_account_invoice").id])],
        })
        cls.fr_env = cls.env(user=cls.manager, context={"lang": "fr_FR"})

    def test_view_label(self):
        Rule = self.fr_env["clerk.approval.rule"]
        self.assertEqual(Rule.fields_get(["min_approvals"])["min_approvals"]["string"], "Approbations requises")
        arch = Rule.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("par ex. Factures fournisseurs de plus de 5 000", arch)

    def test_error_message(self):
        with self.assertRaisesRegex(ValidationError, "Le nombre d'approbations requises doit être au moins de 1"):
            self.fr_env["clerk.approval.rule"].create({
                "name": "Factures fournisseurs",
                "apply_in_invoice": True,
                "approver_kind": "users",
                "approver_user_ids": [Command.set(self.manager.ids)],
                "min_approvals": 0,
            })
        # the same rule in English, for a user working in English
        with self.assertRaisesRegex(ValidationError, "Approvals Needed must be at least 1"):
            self.env(context={"lang": "en_US"})["clerk.approval.rule"].create({
                "name": "Vendor bills", "apply_in_invoice": True, "approver_kind": "users",
                "approver_user_ids": [Command.set(self.manager.ids)], "min_approvals": 0,
            })

    def test_xlsx_headers(self):
        buffer = io.BytesIO()
        self.fr_env["clerk.aging.report"].export_xlsx(buffer, date(2026, 6, 30))
        rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active.iter_rows(
            values_only=True))
        self.assertEqual(rows[0][0], "Factures clients ouvertes par ancienneté au 2026-06-30")
        header = rows[2]
        self.assertEqual(header[:3], ("Société", "Client", "Numéro"))
        self.assertIn("Jours de retard", header)
        self.assertIn("Non échu", header)
        # English stays English for an English user: the translation follows the reader, not the last export
        buffer = io.BytesIO()
        self.env(context={"lang": "en_US"})["clerk.aging.report"].export_xlsx(buffer, date(2026, 6, 30))
        header = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active.iter_rows(
            values_only=True))[2]
        self.assertIn("Days Overdue", header)
        self.assertIn("Current", header)

    def test_xlsx_yes_no(self):
        from ..tools import xlsx  # noqa: PLC0415

        buffer = io.BytesIO()
        xlsx.export(buffer, [("S", [xlsx.Column(xlsx.YES, "bool")], iter([(True,), (False,)]))],
                    translate=self.fr_env._)
        rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active.iter_rows(
            values_only=True))
        self.assertEqual(rows, [("oui",), ("oui",), ("non",)])

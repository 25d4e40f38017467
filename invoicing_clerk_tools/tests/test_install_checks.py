import ast
from pathlib import Path

from odoo.tests import TransactionCase

ADDON_DIR = Path(__file__).resolve().parent.parent


class TestInstallChecks(TransactionCase):
    def test_manifest_files_exist(self):
        manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())
        listed = manifest["data"] + manifest.get("demo", [])
        self.assertTrue(listed)
        missing = [path for path in listed if not (ADDON_DIR / path).is_file()]
        self.assertEqual(missing, [], "files listed in __manifest__.py but missing")
        self.assertTrue((ADDON_DIR / "static/description/icon.png").is_file())
        self.assertRegex(manifest["version"], r"^19\.0\.\d+\.\d+\.\d+$")

    def test_every_model_has_access_rights(self):
        module_models = self.env["ir.model.data"].search([
            ("module", "=", "invoicing_clerk_tools"), ("model", "=", "ir.model"),
        ])
        models = self.env["ir.model"].browse(module_models.mapped("res_id"))
        self.assertTrue(models)
        for model in models:
            if self.env[model.model]._abstract or self.env[model.model]._original_module != "invoicing_clerk_tools":
                continue  # abstract, or a model of another module the addon only extends (e.g. ir.attachment)
            self.assertTrue(model.access_ids, f"{model.model} has no access rights")
            if "company_id" in self.env[model.model]._fields and not self.env[model.model]._transient:
                self.assertTrue(model.rule_ids, f"{model.model} is company-bound but has no record rule")

    def test_groups_hierarchy(self):
        clerk = self.env.ref("invoicing_clerk_tools.group_clerk")
        approver = self.env.ref("invoicing_clerk_tools.group_approver")
        manager = self.env.ref("invoicing_clerk_tools.group_manager")
        self.assertIn(self.env.ref("account.group_account_invoice"), clerk.all_implied_ids)
        self.assertIn(clerk, approver.all_implied_ids)
        self.assertIn(approver, manager.all_implied_ids)
        self.assertIn(self.env.ref("account.group_account_user"), manager.all_implied_ids)

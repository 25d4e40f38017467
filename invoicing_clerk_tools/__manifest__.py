{
    "name": "Invoicing Clerk Tools",
    "version": "19.0.1.2.0",
    "category": "Accounting/Accounting",
    "summary": "An invoicing clerk's daily work in Odoo Accounting: approvals before posting, "
    "bill checks, follow-ups, supporting documents and clerk work queues",
    "description": """
Invoicing Clerk Tools
=====================
Brings an invoicing clerk's day into Odoo Accounting:

* one "Ready to post?" gate on invoices and bills that every feature feeds and that holds for every way of posting;
* an emergency override for a named group, recorded with its reason;
* a clerk workspace (mine or my team, overdue by bucket), clerk teams, assignment and workloads;
* payment reminder schedules that run daily, never twice, pause for disputes and promises to pay, and stop when paid;
* vendor bills checked against purchase orders and receipts with tolerances, discrepancies resolved by notes;
* supporting documents: categories, requirement rules, upload checks, retention and versions, audit packs;
* monthly statements of account (PDF with the company's header, XLSX), sent by a cron that never sends a period twice;
* a completeness check of customers' billing details that warns or blocks sending;
* XLSX exports through one shared helper, starting with the aged open customer invoices.
""",
    "author": "Invoicing Clerk Tools contributors",
    "website": "https://github.com/invoicing-clerk-tools/invoicing_clerk_tools",
    "license": "LGPL-3",
    "depends": ["account", "purchase", "mail", "account_debit_note", "portal"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/clerk_security.xml",
        "security/clerk_approval_security.xml",
        "security/clerk_document_security.xml",
        "security/clerk_matching_security.xml",
        "security/clerk_workspace_security.xml",
        "security/ir.model.access.csv",
        "security/clerk_reminder_security.xml",
        "security/clerk_statement_security.xml",
        "security/clerk_portal_security.xml",
        "views/clerk_queue_list_views.xml",
        "data/clerk_queue_data.xml",
        "data/clerk_approval_cron.xml",
        "data/clerk_reminder_data.xml",
        "data/clerk_document_category_data.xml",
        "data/clerk_document_data.xml",
        "data/clerk_document_mail_template.xml",
        "data/clerk_matching_data.xml",
        "data/clerk_statement_data.xml",
        "data/clerk_portal_data.xml",
        "views/clerk_queue_views.xml",
        "views/clerk_post_override_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/clerk_approval_rule_views.xml",
        "views/clerk_approval_request_views.xml",
        "views/clerk_approval_substitute_views.xml",
        "views/account_move_approval_views.xml",
        "views/clerk_document_category_views.xml",
        "views/clerk_document_rule_views.xml",
        "views/account_move_documents_views.xml",
        "views/clerk_audit_pack_views.xml",
        "views/clerk_match_tolerance_views.xml",
        "views/clerk_discrepancy_views.xml",
        "wizards/clerk_aging_export_views.xml",
        "wizards/clerk_post_override_wizard_views.xml",
        "wizards/clerk_approval_decision_wizard_views.xml",
        "wizards/clerk_approval_export_views.xml",
        "views/clerk_reminder_schedule_views.xml",
        "views/clerk_reminder_communication_views.xml",
        "views/account_move_reminder_views.xml",
        "report/clerk_reminder_letter.xml",
        "wizards/clerk_reminder_confirm_wizard_views.xml",
        "wizards/clerk_reminder_run_wizard_views.xml",
        "wizards/clerk_document_wizard_views.xml",
        "wizards/clerk_discrepancy_wizard_views.xml",
        "views/account_move_matching_views.xml",
        "views/clerk_statement_log_views.xml",
        "views/clerk_team_views.xml",
        "views/clerk_billing_views.xml",
        "wizards/clerk_reassign_wizard_views.xml",
        "report/clerk_statement_report.xml",
        "wizards/clerk_statement_wizard_views.xml",
        "views/clerk_menus.xml",
        "views/clerk_reminder_menus.xml",
        "views/clerk_statement_menus.xml",
        "views/clerk_portal_views.xml",
        "views/clerk_portal_templates.xml",
    ],
    "demo": [
        "demo/clerk_demo.xml",
        "demo/clerk_reminder_demo.xml",
        "demo/clerk_portal_demo.xml",
        "demo/clerk_workspace_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "invoicing_clerk_tools/static/src/ready_panel/*",
            "invoicing_clerk_tools/static/src/views/*",
        ],
        "web.assets_tests": [
            "invoicing_clerk_tools/static/src/js/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}

"""19.0.1.1.0: one name per concept (fields renamed, data kept).

- the customer's responsible clerk: ``res.partner.clerk_reminder_user_id`` -> ``clerk_user_id`` (the name it
  already had on invoices and bills);
- approvals are "followed up" by nudges and escalations, "reminder" is for dunning only:
  ``reminder_days`` -> ``nudge_days`` on approval rules and requests, follow-up kind ``reminder`` -> ``nudge``;
- the dunning flag ``res.partner.clerk_followup_flag`` -> ``clerk_reminder_attention``;
- an approval decision's ``level`` -> ``rule_name`` (related, nothing stored);
- view ids follow one pattern, ``<model>_view_<type>_clerk[_<feature>]``.

The addon's views keep their records and are updated in place; their stored archs get the new names first,
so that while the views are reloaded one by one, none still names a field, button or page that is gone.
"""

from odoo.tools import sql

RENAMED_FIELDS = [
    ("res.partner", "clerk_reminder_user_id", "clerk_user_id"),
    ("res.partner", "clerk_followup_flag", "clerk_reminder_attention"),
    ("clerk.approval.rule", "reminder_days", "nudge_days"),
    ("clerk.approval.request", "reminder_days", "nudge_days"),
]
# in the stored archs of the addon's views, longest first
RENAMED_IN_VIEWS = [
    ("action_clerk_followup_done", "action_clerk_reminder_attention_done"),
    ("clerk_followup_flag", "clerk_reminder_attention"),
    ("clerk_reminder_user_id", "clerk_user_id"),
    ("'clerk_followup'", "'clerk_reminders'"),
    ('\\"clerk_followup\\"', '\\"clerk_reminders\\"'),
    ("reminder_days", "nudge_days"),
    ('name=\\"level\\"', 'name=\\"rule_name\\"'),  # decisions' rule (a related field)
]
RENAMED_VIEWS = {
    "view_account_invoice_filter_clerk_approval": "account_move_view_search_clerk_approval",
    "view_account_move_filter_clerk_matching": "account_move_view_search_clerk_matching",
    "view_in_invoice_bill_tree_clerk_matching": "account_move_view_list_clerk_matching",
    "view_invoice_tree_clerk_approval": "account_move_view_list_clerk_approval",
    "view_move_form_clerk": "account_move_view_form_clerk",
    "view_move_form_clerk_approval": "account_move_view_form_clerk_approval",
    "view_move_form_clerk_documents": "account_move_view_form_clerk_documents",
    "view_move_form_clerk_matching": "account_move_view_form_clerk_matching",
    "view_move_form_clerk_reminders": "account_move_view_form_clerk_reminders",
    "view_partner_form_clerk_reminders": "res_partner_view_form_clerk_reminders",
}


def migrate(cr, version):
    for old, new in RENAMED_VIEWS.items():
        cr.execute("UPDATE ir_model_data SET name = %s WHERE module = 'invoicing_clerk_tools' AND name = %s",
                   (new, old))
    for model, old, new in RENAMED_FIELDS:
        table = model.replace(".", "_")
        if sql.column_exists(cr, table, old) and not sql.column_exists(cr, table, new):
            sql.rename_column(cr, table, old, new)
        cr.execute("UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", (new, model, old))
        cr.execute(
            "UPDATE ir_model_data SET name = %s WHERE module = 'invoicing_clerk_tools' AND model = 'ir.model.fields' "
            "AND name = %s",
            (f"field_{table}__{new}", f"field_{table}__{old}"),
        )
    view_ids = "SELECT res_id FROM ir_model_data WHERE module = 'invoicing_clerk_tools' AND model = 'ir.ui.view'"
    for old, new in RENAMED_IN_VIEWS:
        cr.execute(f"UPDATE ir_ui_view SET arch_db = replace(arch_db::text, %s, %s)::jsonb WHERE id IN ({view_ids})",
                   (old, new))
    # work queues are kept as managers edited them (noupdate): their field paths follow the renames
    for old, new in (("clerk_reminder_user_id", "clerk_user_id"), ("clerk_followup_flag", "clerk_reminder_attention")):
        cr.execute("UPDATE clerk_queue SET domain = replace(domain, %s, %s), user_field = replace(user_field, %s, %s)",
                   (old, new, old, new))
    if sql.table_exists(cr, "clerk_approval_followup"):
        cr.execute("UPDATE clerk_approval_followup SET kind = 'nudge' WHERE kind = 'reminder'")

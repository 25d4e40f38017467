"""19.0.1.2.0, before the module loads: statements of account send through the shared communication mixin.

- ``clerk.statement.log.last_attempt`` (date and time) -> ``last_attempt_date`` (date, as for reminders: a failed
  message is retried once a day);
- its failure reason ``mail`` ("Mail server error") -> the shared ``smtp`` (same meaning and label);
- the confirmation wizards left open are emptied (transient; they name old logs);
- the addon's views of invoices and customers that list the old reminder logs are emptied here and written
  again from the module: while views are reloaded one by one, none may name the fields that are gone.

The reminder logs themselves are split into lines and communications after the module loaded (post-migrate).
"""

from odoo.tools import sql

EMPTIED_VIEWS = ("account_move_view_form_clerk_reminders", "res_partner_view_form_clerk_reminders")


def migrate(cr, version):
    if sql.column_exists(cr, "clerk_statement_log", "last_attempt") and not sql.column_exists(
            cr, "clerk_statement_log", "last_attempt_date"):
        sql.rename_column(cr, "clerk_statement_log", "last_attempt", "last_attempt_date")
        cr.execute("ALTER TABLE clerk_statement_log ALTER COLUMN last_attempt_date TYPE date "
                   "USING last_attempt_date::date")
        cr.execute("UPDATE ir_model_fields SET name = 'last_attempt_date', ttype = 'date' "
                   "WHERE model = 'clerk.statement.log' AND name = 'last_attempt'")
        cr.execute("UPDATE ir_model_data SET name = 'field_clerk_statement_log__last_attempt_date' "
                   "WHERE module = 'invoicing_clerk_tools' AND model = 'ir.model.fields' "
                   "AND name = 'field_clerk_statement_log__last_attempt'")
    if sql.table_exists(cr, "clerk_statement_log"):
        cr.execute("UPDATE clerk_statement_log SET failure_reason = 'smtp' WHERE failure_reason = 'mail'")
    if sql.table_exists(cr, "clerk_reminder_confirm_wizard"):
        cr.execute("DELETE FROM clerk_reminder_confirm_wizard")  # open reviews name old logs; they are transient
    cr.execute("""
        UPDATE ir_ui_view SET arch_db = jsonb_build_object('en_US', '<data/>')
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'invoicing_clerk_tools' AND model = 'ir.ui.view' AND name IN %s)
    """, [EMPTIED_VIEWS])

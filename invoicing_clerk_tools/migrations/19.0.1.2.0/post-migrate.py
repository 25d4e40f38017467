"""19.0.1.2.0: each reminder log row becomes a reminder line; each message becomes a communication.

Before, one ``clerk.reminder.log`` row was both the line (invoice x step) and, for the invoice carrying a
grouped message (``is_lead``), the message (recipient, mail, activity, state, attempts); the other invoices of
the message pointed to it (``lead_log_id``). Now:

- every message (a lead log, or a log standing alone) -> one ``clerk.reminder.communication`` with the
  message's state, mail, activity, wording, attempts and failure; its channel is the action it performed
  (a thank-you is a mail); an escalation is addressed to the internal user who got its activity (else the
  step's or schedule's escalation user), not to the customer;
- every log -> one ``clerk.reminder.line`` of that communication: invoice, step, amount due then and days
  overdue then (from the invoice's due date).

Mail templates of reminder logs (the addon's, kept as edited, and any a manager made) move to the
communications, which offer the same fields; the work queues of reminder logs, kept as edited, too.
The old table is dropped once copied: the upgrade removes its model but would keep the table, whose
foreign keys (invoices ``ondelete restrict``) would then refuse to delete an invoice ever reminded.
"""

from odoo.tools import sql


def migrate(cr, version):
    if not sql.table_exists(cr, "clerk_reminder_log"):
        return
    cr.execute("ALTER TABLE clerk_reminder_communication ADD COLUMN old_log_id integer")
    cr.execute("""
        INSERT INTO clerk_reminder_communication (
               old_log_id, kind, company_id, schedule_id, step_id, offset_days, channel, move_id, partner_id,
               recipient_id, date, contact, state, failure_reason, failure_detail, attempt_count,
               last_attempt_date, mail_id, activity_id, subject, body, pdf_note, is_final, user_id,
               create_uid, create_date, write_uid, write_date)
        SELECT log.id, log.kind, log.company_id, log.schedule_id, log.step_id, log.offset_days,
               CASE WHEN log.action = 'thanks' THEN 'email' ELSE log.action END,
               log.move_id, log.partner_id,
               CASE WHEN log.action = 'escalation' THEN NULL ELSE log.recipient_id END,
               log.date, COALESCE(log.contact, FALSE), log.state, log.failure_reason, log.failure_detail,
               COALESCE(log.attempt_count, 0), log.last_attempt_date, log.mail_id, log.activity_id, log.subject,
               log.body, log.pdf_note,
               EXISTS (SELECT 1 FROM clerk_reminder_log member
                        WHERE (member.id = log.id OR member.lead_log_id = log.id) AND member.is_final),
               log.user_id, log.create_uid, log.create_date, log.write_uid, log.write_date
          FROM clerk_reminder_log log
         WHERE log.is_lead OR log.lead_log_id IS NULL
         ORDER BY log.id
    """)
    cr.execute("""
        INSERT INTO clerk_reminder_line (
               communication_id, kind, company_id, schedule_id, step_id, offset_days, move_id, partner_id,
               amount_due, days_overdue, date, is_final, create_uid, create_date, write_uid, write_date)
        SELECT communication.id, log.kind, log.company_id, log.schedule_id, log.step_id, log.offset_days,
               log.move_id, log.partner_id, log.amount_due, COALESCE(log.date - move.invoice_date_due, 0),
               log.date, COALESCE(log.is_final, FALSE), log.create_uid, log.create_date, log.write_uid,
               log.write_date
          FROM clerk_reminder_log log
          JOIN clerk_reminder_communication communication
            ON communication.old_log_id = COALESCE(log.lead_log_id, log.id)
          JOIN account_move move ON move.id = log.move_id
         ORDER BY log.id
    """)
    cr.execute("""
        INSERT INTO clerk_reminder_communication_res_users_rel (clerk_reminder_communication_id, res_users_id)
        SELECT communication.id, COALESCE(activity.user_id, step.escalation_user_id, schedule.escalation_user_id)
          FROM clerk_reminder_communication communication
          LEFT JOIN mail_activity activity ON activity.id = communication.activity_id
          LEFT JOIN clerk_reminder_step step ON step.id = communication.step_id
          LEFT JOIN clerk_reminder_schedule schedule ON schedule.id = communication.schedule_id
         WHERE communication.old_log_id IS NOT NULL AND communication.channel = 'escalation'
           AND COALESCE(activity.user_id, step.escalation_user_id, schedule.escalation_user_id) IS NOT NULL
    """)
    cr.execute("ALTER TABLE clerk_reminder_communication DROP COLUMN old_log_id")

    cr.execute("SELECT id FROM ir_model WHERE model = 'clerk.reminder.communication'")
    [model_id] = cr.fetchone()
    cr.execute("UPDATE mail_template SET model_id = %s, model = 'clerk.reminder.communication' "
               "WHERE model = 'clerk.reminder.log'", [model_id])
    # work queues are kept as managers edited them (noupdate): they count communications now
    cr.execute("""
        UPDATE clerk_queue
           SET res_model = 'clerk.reminder.communication',
               domain = replace(replace(replace(domain, ', (''is_lead'', ''='', True)', ''),
                                        '(''is_lead'', ''='', True), ', ''), '''action''', '''channel''')
         WHERE res_model = 'clerk.reminder.log'
    """)
    cr.execute("DROP TABLE clerk_reminder_log CASCADE")  # with the foreign keys of the old wizard column

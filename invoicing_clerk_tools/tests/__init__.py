from . import (
    test_aging_export,
    test_install_checks,
    test_posting_gate,
    test_reminder_concurrency,
    test_reminder_mail,
    test_reminders,  # payment reminders
    test_ui,
    test_workspace,
)

from . import (
    test_aging_export,
    test_install_checks,
    test_posting_gate,
    test_reminders,  # payment reminders
    test_ui,
    test_workspace,
)

from . import (
    test_aging_export,
    test_approval_ui,
    test_approvals,
    test_install_checks,
    test_posting_gate,
    test_ui,
    test_workspace,
)

from . import test_aging_export, test_install_checks, test_posting_gate, test_ui, test_workspace

from . import test_aging_export
from . import test_approval_ui
from . import test_approvals
from . import test_install_checks
from . import test_matching
from . import test_posting_gate
from . import test_ui
from . import test_workspace

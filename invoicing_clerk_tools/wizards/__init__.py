from . import clerk_aging_export
from . import clerk_approval_decision_wizard
from . import clerk_approval_export
from . import clerk_post_override_wizard
from . import clerk_reassign_wizard
from . import clerk_reminder_confirm_wizard
from . import clerk_statement_wizard

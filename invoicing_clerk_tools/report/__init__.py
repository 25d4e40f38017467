from . import clerk_aging_report, clerk_approval_history_report

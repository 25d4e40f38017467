from . import clerk_xlsx_export
from . import clerk_aging_report
from . import clerk_approval_history_report
from . import clerk_audit_pack_report
from . import clerk_discrepancy_report
from . import clerk_reminder_report
from . import report_clerk_statement
from . import report_clerk_statement_partner

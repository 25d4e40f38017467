from . import clerk_aging_report

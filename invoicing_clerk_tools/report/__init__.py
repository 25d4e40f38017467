from . import (
    clerk_aging_report,
    clerk_reminder_report,  # payment reminders
)

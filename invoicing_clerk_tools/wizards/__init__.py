from . import (
    clerk_aging_export,
    clerk_post_override_wizard,
    clerk_reminder_confirm_wizard,  # payment reminders
)

from . import clerk_aging_export, clerk_post_override_wizard

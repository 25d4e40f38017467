from . import clerk_aging_export
from . import clerk_post_override_wizard

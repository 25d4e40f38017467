from . import clerk_aging_export
from . import clerk_approval_decision_wizard
from . import clerk_approval_export
from . import clerk_audit_pack_wizard
from . import clerk_document_request_wizard
from . import clerk_document_upload_wizard
from . import clerk_post_override_wizard
from . import clerk_reminder_confirm_wizard

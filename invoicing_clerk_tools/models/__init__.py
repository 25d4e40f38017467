from . import account_move
from . import clerk_post_override
from . import clerk_queue
from . import res_company
from . import res_config_settings

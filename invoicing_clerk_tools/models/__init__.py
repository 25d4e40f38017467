from . import account_move, clerk_post_override, clerk_queue, res_company, res_config_settings

from odoo import api, models


class ClerkCachedConfigMixin(models.AbstractModel):
    """Configuration that cached indexes are built from (rules, document categories): any change clears them."""

    _name = "clerk.cached.config.mixin"
    _description = "Invoicing Clerk Configuration Read Through a Cache"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

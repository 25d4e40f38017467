from odoo import api, models


class ClerkXlsxExport(models.AbstractModel):
    """What the addon's XLSX exports share on the ORM side; the sheet layout lives in ``tools/xlsx.py``."""

    _name = "clerk.xlsx.export"
    _description = "Invoicing Clerk XLSX Export"

    _chunk_size = 2000

    @api.model
    def _chunks(self, model, domain, field_names):
        """Records of ``domain`` read as the current user (rights and rules apply), chunk by chunk,
        the cache emptied between chunks so memory does not grow with the export."""
        Model = self.env[model]
        last_id = 0
        while True:
            records = Model.search_fetch([*domain, ("id", ">", last_id)], field_names, order="id",
                                         limit=self._chunk_size)
            if not records:
                return
            yield records
            last_id = records[-1].id
            self.env.invalidate_all()

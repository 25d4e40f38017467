"""19.0.1.2.0: the work queues kept as managers edited them (``noupdate``) get the workspace's new fields.

The workspace groups its cards by section, opens a list made for each queue and knows what comes back to
the user (``mine_domain``). Queues loaded by an earlier version keep their edits, so only the fields they do
not have yet are filled, with the values of the addon's own data files.
"""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.modules.module import get_manifest
from odoo.tools.misc import file_open

MODULE = "invoicing_clerk_tools"
NEW_FIELDS = ("section", "list_view_id", "search_view_id", "mine_domain")


def shipped_queues(env):
    """{queue xmlid: {field: value}} of the new fields, read from the data files of the manifest."""
    manifest = get_manifest(MODULE)
    shipped = {}
    for path in manifest.get("data", []):
        if not path.endswith(".xml"):
            continue
        with file_open(f"{MODULE}/{path}", "rb") as handle:
            tree = etree.parse(handle)
        for record in tree.iterfind(".//record[@model='clerk.queue']"):
            values = {}
            for field in record.iterfind("field"):
                name = field.get("name")
                if name not in NEW_FIELDS:
                    continue
                ref = field.get("ref")
                values[name] = env.ref(ref if "." in ref else f"{MODULE}.{ref}").id if ref else field.text
            shipped[f"{MODULE}.{record.get('id')}"] = values
    return shipped


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    for xmlid, values in shipped_queues(env).items():
        queue = env.ref(xmlid, raise_if_not_found=False)
        if not queue:
            continue  # deleted by a manager: stays deleted
        missing = {name: value for name, value in values.items()
                   if not queue[name] or (name == "section" and queue.section == "documents")}
        if missing:
            queue.write(missing)

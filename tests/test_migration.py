"""19.0.1.0.0 -> 19.0.1.1.0: a database made with the previous version keeps its data through the renames.

The previous version is taken from git (the last commit at 19.0.1.0.0), installed on a scratch database,
given data under the old names with ``odoo shell``, then upgraded with this checkout's code.
"""

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_upgrade import shell

sys.path.insert(0, str(ROOT / "dev"))
import clerkdev  # noqa: E402

pytestmark = pytest.mark.needs_odoo

PREVIOUS = "89a4f70"  # the last commit of 19.0.1.0.0

OLD_DATA = """
admin = env.ref("base.user_admin")
env["res.partner"].create({"name": "Migrated Customer", "clerk_reminder_user_id": admin.id,
                           "clerk_followup_flag": True})
env["clerk.approval.rule"].create({"name": "Migrated rule", "apply_in_invoice": True, "reminder_days": 3,
                                   "approver_user_ids": [(6, 0, admin.ids)]})
queue = env.ref("invoicing_clerk_tools.queue_customers_follow_up")
queue.name = "Customers to call"  # edited by a manager: kept on upgrade, its field paths renamed
env.cr.commit()
"""

NEW_DATA = """
import json
partner = env["res.partner"].search([("name", "=", "Migrated Customer")])
rule = env["clerk.approval.rule"].search([("name", "=", "Migrated rule")])
queue = env.ref("invoicing_clerk_tools.queue_customers_follow_up")
module = env["ir.module.module"].search([("name", "=", "invoicing_clerk_tools")])
print("STATE " + json.dumps({
    "clerk": partner.clerk_user_id.login, "attention": partner.clerk_reminder_attention,
    "nudge_days": rule.nudge_days, "version": module.latest_version,
    "queue": [queue.name, queue.domain, queue.user_field],
    "queue_finds": partner in env["res.partner"].search(queue._get_domain()),
}))
"""


def previous_addon(target):
    """The addon as it was at ``PREVIOUS``, unpacked under ``target``; skips when git history is missing."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS, clerkdev.ADDON],
                             capture_output=True, check=False)
    if archive.returncode:
        pytest.skip(f"git history with {PREVIOUS} is not available: {archive.stderr.decode()[:200]}")
    tar_path = Path(target) / "previous.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(target, filter="data")
    return Path(target)


def test_previous_version_upgrades_with_its_data():
    with tempfile.TemporaryDirectory() as old_tree, clerkdev.scratch_database("clerk_migrate", install=False) as ctx:
        previous_addon(old_tree)
        old_config = clerkdev.write_config(ctx["workdir"] / "old.conf", ctx["pg"], ctx["db"], ctx["workdir"] / "data",
                                           extra={"addons_path": old_tree})
        clerkdev.install_db(old_config, ctx["db"])
        shell({**ctx, "config": old_config}, OLD_DATA)

        clerkdev.odoo(ctx["config"], "-d", ctx["db"], "-u", clerkdev.ADDON, "--stop-after-init", "--log-level=warn")

        lines = [line for line in shell(ctx, NEW_DATA).splitlines() if line.startswith("STATE ")]
        state = json.loads(lines[-1][len("STATE "):])
        assert state["version"] == "19.0.1.1.0"
        assert state["clerk"] == "admin", "the responsible clerk was lost in the rename"
        assert state["attention"] is True
        assert state["nudge_days"] == 3
        assert state["queue"][0] == "Customers to call", "the manager's edit of the queue was reverted"
        assert "clerk_reminder_attention" in state["queue"][1] and state["queue"][2] == "clerk_user_id"
        assert state["queue_finds"], "the migrated queue does not find the customer any more"

"""An upgrade keeps what Clerk Managers configured: a real ``-u invoicing_clerk_tools`` on a scratch database.

A ``TransactionCase`` cannot upgrade a module in-process, so this test makes its own database
(``clerkdev.scratch_database``), edits configuration records with ``odoo shell``, runs Odoo's
command line with ``-u invoicing_clerk_tools --stop-after-init`` and reads the records again.
"""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "dev"))
import clerkdev  # noqa: E402

pytestmark = pytest.mark.needs_odoo

# What a Clerk Manager changes: a work queue (name, order, domain) and a cron (interval, active).
EDIT = """
queue = env.ref("invoicing_clerk_tools.queue_to_approve")
queue.write({"name": "Mine to approve", "sequence": 99,
             "domain": "[('clerk_approval_can_decide', '=', True), ('amount_total_signed', '>', 1000)]"})
cron = env.ref("invoicing_clerk_tools.ir_cron_clerk_approval_followups")
cron.write({"interval_number": 4, "interval_type": "hours", "active": False})
# Records that follow the code (menus) are restored by the upgrade: proves it reloaded the data.
env.ref("invoicing_clerk_tools.menu_clerk_workspace").name = "Renamed by hand"
env.cr.commit()
"""

READ = """
import json
queue = env.ref("invoicing_clerk_tools.queue_to_approve")
cron = env.ref("invoicing_clerk_tools.ir_cron_clerk_approval_followups").with_context(active_test=False)
menu = env.ref("invoicing_clerk_tools.menu_clerk_workspace")
print("STATE " + json.dumps({
    "queue": [queue.name, queue.sequence, queue.domain],
    "cron": [cron.interval_number, cron.interval_type, cron.active],
    "menu": menu.name,
}))
"""


def shell(ctx, script):
    """Run ``script`` in ``odoo shell`` on the scratch database; returns its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "odoo", "shell", "-c", ctx["config"], "-d", ctx["db"], "--log-level=warn",
         "--no-http"],
        input=script, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def state(ctx):
    lines = [line for line in shell(ctx, READ).splitlines() if line.startswith("STATE ")]
    assert lines, "the shell script printed nothing"
    return json.loads(lines[-1][len("STATE "):])


def test_upgrade_keeps_edited_queue_and_cron():
    with clerkdev.scratch_database("clerk_upgrade") as ctx:
        shell(ctx, EDIT)
        edited = state(ctx)
        assert edited["queue"][0] == "Mine to approve" and edited["cron"] == [4, "hours", False]
        assert edited["menu"] == "Renamed by hand"

        clerkdev.odoo(ctx["config"], "-d", ctx["db"], "-u", clerkdev.ADDON, "--stop-after-init", "--log-level=warn")

        after = state(ctx)
        assert after["queue"] == edited["queue"], "the upgrade reverted the edited work queue"
        assert after["cron"] == edited["cron"], "the upgrade reverted the edited cron"
        assert after["menu"] == "Workspace", "the upgrade did not reload the addon's data"

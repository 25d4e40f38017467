"""Databases made with earlier versions keep their data through the upgrade to this checkout.

An earlier version is taken from git, installed on a scratch database, given data with ``odoo shell``, then
upgraded with this checkout's code:

- 19.0.1.0.0 -> now: the renames of 19.0.1.1.0;
- 19.0.1.1.0 -> now: reminder logs split into lines and communications, statements on the shared
  communication machinery (19.0.1.2.0).
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
PREVIOUS_1_1 = "5c90e3e"  # a commit of 19.0.1.1.0, before reminder logs were split
CURRENT_VERSION = "19.0.1.2.0"

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


def previous_addon(target, commit=PREVIOUS):
    """The addon as it was at ``commit``, unpacked under ``target``; skips when git history is missing."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, clerkdev.ADDON],
                             capture_output=True, check=False)
    if archive.returncode:
        pytest.skip(f"git history with {commit} is not available: {archive.stderr.decode()[:200]}")
    tar_path = Path(target) / "previous.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(target, filter="data")
    return Path(target)


def printed(output, tag):
    lines = [line for line in output.splitlines() if line.startswith(tag + " ")]
    assert lines, f"the shell script printed no {tag}"
    return json.loads(lines[-1][len(tag) + 1:])


def upgrade_from(commit, ctx, old_tree, old_script):
    """Install the addon as at ``commit``, run ``old_script`` on it, upgrade to this checkout; the script's output."""
    previous_addon(old_tree, commit)
    old_config = clerkdev.write_config(ctx["workdir"] / "old.conf", ctx["pg"], ctx["db"], ctx["workdir"] / "data",
                                       extra={"addons_path": old_tree})
    clerkdev.install_db(old_config, ctx["db"])
    output = shell({**ctx, "config": old_config}, old_script)
    clerkdev.odoo(ctx["config"], "-d", ctx["db"], "-u", clerkdev.ADDON, "--stop-after-init", "--log-level=warn")
    return output


def test_previous_version_upgrades_with_its_data():
    with tempfile.TemporaryDirectory() as old_tree, clerkdev.scratch_database("clerk_migrate", install=False) as ctx:
        upgrade_from(PREVIOUS, ctx, old_tree, OLD_DATA)
        state = printed(shell(ctx, NEW_DATA), "STATE")
        assert state["version"] == CURRENT_VERSION
        assert state["clerk"] == "admin", "the responsible clerk was lost in the rename"
        assert state["attention"] is True
        assert state["nudge_days"] == 3
        assert state["queue"][0] == "Customers to call", "the manager's edit of the queue was reverted"
        assert "clerk_reminder_attention" in state["queue"][1] and state["queue"][2] == "clerk_user_id"
        assert state["queue_finds"], "the migrated queue does not find the customer any more"


REMINDERS_1_1 = """
import json
from datetime import date, timedelta
from odoo import Command
TODAY = date(2026, 3, 10)
company = env.ref("base.main_company")
admin = env.ref("base.user_admin")
template = env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
schedule = env["clerk.reminder.schedule"].create({
    "name": "Migrated schedule", "company_id": company.id, "min_interval_days": 0,
    "step_ids": [
        Command.create({"name": "First", "offset_days": 5, "mail_template_id": template.id}),
        Command.create({"name": "Second", "offset_days": 15, "mail_template_id": template.id, "manual": True}),
        Command.create({"name": "Escalate", "offset_days": 45, "action": "escalation",
                        "escalation_user_id": admin.id}),
    ]})
company.clerk_reminder_schedule_id = schedule
moves = env["account.move"]
CUSTOMERS = [("Grouped Co", "grouped@example.com", (7, 8)), ("Escalated Co", "esc@example.com", (50,)),
             ("No Mail Co", False, (7,)), ("Confirm Co", "confirm@example.com", (20,)),
             ("Confirmed Co", "confirmed@example.com", (20,))]
for name, email, overdue_days in CUSTOMERS:
    partner = env["res.partner"].create({"name": name, "email": email, "is_company": True,
                                         "clerk_statement_send": True})
    for days in overdue_days:
        moves |= env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": TODAY - timedelta(days=days + 30),
            "invoice_date_due": TODAY - timedelta(days=days), "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "Work", "quantity": 1, "price_unit": 100.0 * days,
                                                 "tax_ids": [Command.clear()]})]})
moves.action_post()
env["clerk.reminder.schedule"]._run(today=TODAY, companies=company)
Log = env["clerk.reminder.log"]
Log.search([("partner_id.name", "=", "Confirmed Co")])._confirm()
env["clerk.statement.log"]._run(today=date(2026, 4, 5), companies=company)
env.cr.commit()
logs = Log.search([])
print("OLD " + json.dumps({
    "logs": len(logs), "leads": len(logs.filtered("is_lead")),
    "kinds": sorted({(log.partner_id.name, log.action, log.state, log.is_lead) for log in logs}),
    "statements": sorted((s.partner_id.name, s.state, s.failure_reason or "")
                         for s in env["clerk.statement.log"].search([])),
}))
"""

REMINDERS_NOW = """
import json
from datetime import date
Communication = env["clerk.reminder.communication"]
def one(name):
    c = Communication.search([("partner_id.name", "=", name)])
    return {"count": len(c), "channel": c[:1].channel, "state": c[:1].state, "lines": len(c.line_ids),
            "recipient": c[:1].recipient_id.name or False, "reached": c[:1].recipient_name or False,
            "users": c.escalation_user_ids.mapped("login"), "failure": c[:1].failure_reason or False,
            "attempts": c[:1].attempt_count, "confirmed_by": c[:1].user_id.login or False,
            "days_overdue": sorted(c.line_ids.mapped("days_overdue")), "mail": bool(c[:1].mail_id)}
company = env.ref("base.main_company")
confirm_queue = env.ref("invoicing_clerk_tools.queue_reminders_to_confirm")
failed_queue = env.ref("invoicing_clerk_tools.queue_reminders_failed")
template = env.ref("invoicing_clerk_tools.mail_template_clerk_reminder")
statements = env["clerk.statement.log"].search([])
rerun = env["clerk.reminder.schedule"]._run(today=date(2026, 3, 10), companies=company)
print("NOW " + json.dumps({
    "version": env["ir.module.module"].search([("name", "=", "invoicing_clerk_tools")]).latest_version,
    "lines": env["clerk.reminder.line"].search_count([]), "communications": Communication.search_count([]),
    "customers": {name: one(name) for name in ("Grouped Co", "Escalated Co", "No Mail Co", "Confirm Co",
                                               "Confirmed Co")},
    "template": template.model,
    "queues": [confirm_queue.res_model, confirm_queue.record_count, failed_queue.record_count],
    "workspace": {queue.name: [queue.section, bool(queue.list_view_id)] for queue in (
        env.ref("invoicing_clerk_tools.queue_to_approve"), env.ref("invoicing_clerk_tools.queue_disputes"))},
    "statements": sorted((s.partner_id.name, s.state, s.failure_reason or "") for s in statements),
    "statement_attempts": sorted(bool(s.last_attempt_date) for s in statements if s.state != "skipped"),
    "old_table": bool(env.cr.execute("SELECT to_regclass('clerk_reminder_log')") or env.cr.fetchone()[0]),
    "rerun_created": rerun["created"],
}))
"""


def test_reminder_logs_become_lines_and_communications():
    with tempfile.TemporaryDirectory() as old_tree, clerkdev.scratch_database("clerk_migrate12", install=False) as ctx:
        old = printed(upgrade_from(PREVIOUS_1_1, ctx, old_tree, REMINDERS_1_1), "OLD")
        now = printed(shell(ctx, REMINDERS_NOW), "NOW")
        assert now["version"] == CURRENT_VERSION
        assert old["logs"] == 6 and old["leads"] == 5, old
        assert (now["lines"], now["communications"]) == (old["logs"], old["leads"]), "a log was lost or doubled"
        customers = now["customers"]
        grouped = customers["Grouped Co"]
        assert (grouped["count"], grouped["channel"], grouped["lines"], grouped["recipient"]) == (
            1, "email", 2, "Grouped Co"), grouped
        assert grouped["days_overdue"] == [7, 8] and grouped["mail"] and grouped["state"] == "queued"
        escalated = customers["Escalated Co"]
        assert (escalated["channel"], escalated["recipient"], escalated["users"]) == ("escalation", False, ["admin"])
        assert escalated["reached"] and "Escalated Co" not in escalated["reached"], escalated
        no_mail = customers["No Mail Co"]
        assert (no_mail["state"], no_mail["failure"], no_mail["attempts"]) == ("failed", "no_email", 1), no_mail
        assert customers["Confirm Co"]["state"] == "to_confirm"
        confirmed = customers["Confirmed Co"]
        assert confirmed["state"] == "queued" and confirmed["confirmed_by"] and confirmed["mail"], confirmed
        assert now["template"] == "clerk.reminder.communication"
        assert now["queues"] == ["clerk.reminder.communication", 1, 1], now["queues"]
        # the queues kept as edited get the workspace's sections and lists
        assert sorted(now["workspace"].values()) == [["approvals", True], ["collections", True]], now["workspace"]
        # the statements keep their state; the old "mail" failure is the shared "smtp" (same meaning)
        assert now["statements"] == sorted([name, state, "smtp" if reason == "mail" else reason]
                                           for name, state, reason in old["statements"]), (old, now)
        assert len(now["statements"]) >= 2 and ["No Mail Co", "failed", "no_email"] in now["statements"]
        assert all(now["statement_attempts"]), "the last attempt of a statement was lost"
        assert now["old_table"] is False
        assert now["rerun_created"] == 0, "a step migrated from the old logs was performed again"

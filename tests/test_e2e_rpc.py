"""End to end: a real Odoo server with the addon and its demo data, used over its external API."""

import base64
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import xmlrpc.client
from http.cookiejar import CookieJar

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "dev"))
import clerkdev  # noqa: E402

pytestmark = pytest.mark.needs_odoo


@pytest.fixture(scope="module")
def server():
    """A demo database with the addon, served on a free loopback port; all dropped afterwards."""
    with clerkdev.scratch_database("clerk_e2e", demo=True) as ctx:
        port = clerkdev.free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "odoo", "server", "-c", ctx["config"], "-d", ctx["db"],
             "--http-interface=127.0.0.1", f"--http-port={port}", "--log-level=warn"],
            stdout=subprocess.DEVNULL, stderr=(ctx["workdir"] / "server.log").open("w"),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{url}/web/health", timeout=5)
                    break
                except OSError:
                    if time.time() > deadline or process.poll() is not None:
                        log = (ctx["workdir"] / "server.log").read_text()[-3000:]
                        raise RuntimeError(f"Odoo did not start:\n{log}") from None
                    time.sleep(1)
            yield {"url": url, "db": ctx["db"]}
        finally:
            process.terminate()
            process.wait(timeout=60)


def rpc(server, login):
    common = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common")
    uid = common.authenticate(server["db"], login, login, {})
    assert uid, f"demo user {login} cannot log in"
    models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(server["db"], uid, login, model, method, list(args), kwargs)

    return call


def test_demo_data_and_workspace_over_xmlrpc(server):
    call = rpc(server, "clerk")
    queues = call("clerk.queue", "search_read", [], fields=["name", "record_count"])
    by_name = {queue["name"]: queue["record_count"] for queue in queues}
    assert by_name["Overdue Customer Invoices"] >= 4  # demo invoices 20, 45, 75 and 120 days overdue
    bills = call("account.move", "search_read", [("move_type", "=", "in_invoice"), ("ref", "in", ["NP-INV-2201",
                 "IT-INV-0912"])], fields=["ref", "state", "invoice_line_ids"])
    assert {bill["ref"] for bill in bills} == {"NP-INV-2201", "IT-INV-0912"}


def test_demo_every_card_has_work(server):
    """The demo database fills the workspace: every card the demo clerk sees counts something in at least one
    scope (Mine, My Team, All), and the demo approver has something to approve."""
    counts = {}
    for login in ("clerk", "approver"):
        call = rpc(server, login)
        for scope in ("mine", "team", "all"):
            for queue in call("clerk.queue", "search_read", [], fields=["name", "record_count"],
                              context={"clerk_scope": scope}):
                counts.setdefault(login, {}).setdefault(queue["name"], []).append(queue["record_count"])
    assert len(counts["clerk"]) >= 18, sorted(counts["clerk"])
    assert "To Approve" not in counts["clerk"]  # an approver's card
    empty = sorted(name for name, figures in counts["clerk"].items() if not any(figures))
    assert not empty, f"cards without work on the demo database: {empty}"
    assert counts["clerk"]["Approval Rejected"][0] >= 1  # in Mine: the clerk sent it
    assert counts["approver"]["To Approve"][0] >= 1
    assert rpc(server, "clerk")("clerk.queue", "action_open_workspace")["context"] == {"clerk_scope": "mine"}


def test_clerk_cannot_configure_over_xmlrpc(server):
    call = rpc(server, "clerk")
    with pytest.raises(xmlrpc.client.Fault, match="not allowed"):
        call("clerk.queue", "create", {"name": "Sneaky", "domain": "[]"})
    manager = rpc(server, "manager")
    created = manager("clerk.queue", "create", {"name": "Mine", "domain": "[('state', '=', 'draft')]"})
    assert created


def test_aging_download_over_http(server):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = {"jsonrpc": "2.0", "params": {"db": server["db"], "login": "clerk", "password": "clerk"}}
    request = urllib.request.Request(f"{server['url']}/web/session/authenticate", json.dumps(payload).encode(),
                                     {"Content-Type": "application/json"})
    assert "error" not in json.load(opener.open(request))
    response = opener.open(f"{server['url']}/invoicing_clerk_tools/aging.xlsx")
    assert response.status == 200
    assert "spreadsheetml" in response.headers["Content-Type"]
    assert response.read(2) == b"PK"


# ---------------------------------------------------------------------------------------------------------------
# The posting gate holds for every write (issue 10): bypasses tried over XML-RPC as an Invoicing Clerk and as a
# Billing Approver. What they rely on is configured here over RPC (the demo's defaults may change).

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
TRIERS = ["clerk", "approver"]


def configure_gate(server):
    """As the Clerk Manager: an approval rule on the invoices of one customer (approved by the manager), a
    document category that a warning-only rule asks of one vendor's bills; as admin: a second company."""
    admin, manager = rpc(server, "admin"), rpc(server, "manager")
    uid = {login: admin("res.users", "search", [("login", "=", login)])[0]
           for login in ("clerk", "approver", "manager")}
    customer = manager("res.partner", "create", {"name": "E2E Gate Customer", "email": "gate@example.com"})
    other_customer = manager("res.partner", "create", {"name": "E2E Gate Other Customer"})
    vendor = manager("res.partner", "create", {"name": "E2E Gate Vendor"})
    rule = manager("clerk.approval.rule", "create", {
        "name": "E2E gate: invoices of one customer", "apply_out_invoice": True, "approver_kind": "users",
        "approver_user_ids": [(6, 0, [uid["manager"]])], "partner_ids": [(6, 0, [customer])]})
    category = manager("clerk.document.category", "create", {"name": "E2E vendor original"})
    manager("clerk.document.rule", "create", {
        "name": "E2E gate: vendor original", "apply_in_invoice": True, "mode": "warn",
        "category_ids": [(6, 0, [category])], "partner_ids": [(6, 0, [vendor])]})
    company = admin("res.users", "read", [uid["manager"]], ["company_id"])[0]["company_id"][0]
    currency = admin("res.company", "read", [company], ["currency_id"])[0]["currency_id"][0]
    other_currency = admin("res.currency", "search", [("id", "!=", currency)], limit=1,
                           context={"active_test": False})[0]
    other_company = admin("res.company", "create", {"name": f"E2E Gate Elsewhere {uuid.uuid4().hex[:6]}"})
    return {"uid": uid, "customer": customer, "other_customer": other_customer, "vendor": vendor, "rule": rule,
            "category": category, "other_currency": other_currency, "other_company": other_company}


@pytest.fixture(scope="module")
def gate(server):
    return configure_gate(server)


def refused(call, match, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault, match=match):
        call(*args, **kwargs)


def move_facts(call, move):
    return call("account.move", "read", [move], ["state", "name", "posted_before", "move_type", "partner_id",
                                                 "currency_id", "company_id", "clerk_approval_state"])[0]


@pytest.mark.parametrize("login", TRIERS)
def test_gate_holds_for_every_write_over_xmlrpc(server, gate, login):
    call = rpc(server, login)
    move = call("account.move", "create", {
        "move_type": "out_invoice", "partner_id": gate["customer"], "ref": f"E2E gate {login}",
        # below the demo's own rule (customer invoices from 2,000): only the test's rule applies
        "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 1500.0})]})

    def bypasses():
        refused(call, "cannot be posted by writing its status", "account.move", "write", [move], {"state": "posted"})
        refused(call, "cannot be written", "account.move", "write", [move], {"clerk_approval_state": "approved"})
        refused(call, "cannot become a journal entry", "account.move", "write", [move], {"move_type": "entry"})
        refused(call, "cannot be written", "account.move", "write", [move], {"clerk_ready_to_post": True})

    bypasses()
    facts = move_facts(call, move)
    assert (facts["state"], facts["posted_before"], facts["move_type"], facts["clerk_approval_state"]) == (
        "draft", False, "out_invoice", False)
    assert facts["name"] in (False, "/")
    call("account.move", "action_post", [move])  # sends it for approval instead of posting it
    assert move_facts(call, move)["clerk_approval_state"] == "pending"
    bypasses()
    refused(call, r"E2E Gate Customer.*Waiting for approval", "account.move", "action_post", [move])
    refused(call, "cannot approve or reject", "account.move", "clerk_approve", [move])
    facts = move_facts(call, move)
    assert (facts["state"], facts["move_type"], facts["clerk_approval_state"]) == ("draft", "out_invoice", "pending")

    # The right way: the rule's approver approves, the gate lets it through; what it is stays fixed once posted.
    rpc(server, "manager")("account.move", "clerk_approve", [move])
    call("account.move", "action_post", [move])
    posted = move_facts(call, move)
    assert posted["state"] == "posted" and posted["name"] not in (False, "/")
    for name, value in {"move_type": "out_refund", "partner_id": gate["other_customer"],
                        "currency_id": gate["other_currency"], "company_id": gate["other_company"]}.items():
        refused(call, f"of {re.escape(posted['name'])}.* cannot be changed: it was posted", "account.move", "write",
                [move], {name: value}, context={"skip_readonly_check": True})
    refused(call, "cannot be written", "account.move", "write", [move], {"clerk_approval_state": False})
    assert move_facts(call, move) == posted


@pytest.mark.parametrize("login", TRIERS)
def test_entry_detour_does_not_post_an_unapproved_invoice(server, gate, login):
    """Issue 10: invoice to entry, post, back to invoice."""
    call = rpc(server, login)
    held = call("account.move", "create", {
        "move_type": "out_invoice", "partner_id": gate["customer"], "ref": f"E2E detour {login}",
        "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 5000.0})]})
    refused(call, "cannot become a journal entry", "account.move", "write", [held], {"move_type": "entry"})
    # Nothing holds this one: it may become an entry, but once posted it stays an entry.
    free = call("account.move", "create", {
        "move_type": "out_invoice", "partner_id": gate["other_customer"], "ref": f"E2E detour free {login}",
        "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 10.0})]})
    call("account.move", "write", [free], {"move_type": "entry"})
    call("account.move", "action_post", [free])
    refused(call, "Type of .* cannot be changed", "account.move", "write", [free], {"move_type": "out_invoice"})
    assert [move_facts(call, m)[key] for m in (held, free) for key in ("state", "move_type")] == [
        "draft", "out_invoice", "posted", "entry"]


@pytest.mark.parametrize("login", TRIERS)
def test_retained_document_cannot_be_moved_or_hidden_over_xmlrpc(server, gate, login):
    clerk, call, manager = rpc(server, "clerk"), rpc(server, login), rpc(server, "manager")
    bill = clerk("account.move", "create", {
        "move_type": "in_invoice", "partner_id": gate["vendor"], "ref": f"E2E-DOC-{login}",
        "invoice_date": time.strftime("%Y-%m-%d"),
        "invoice_line_ids": [(0, 0, {"name": "Paper", "quantity": 1, "price_unit": 50.0})]})
    document = clerk("ir.attachment", "create", {
        "name": "original.pdf", "datas": base64.b64encode(PDF).decode(), "res_model": "account.move",
        "res_id": bill, "clerk_category_id": gate["category"]})
    clerk("account.move", "action_post", [bill])
    number = move_facts(clerk, bill)["name"]
    fields_ = ["res_model", "res_id", "res_field", "company_id", "clerk_category_id", "checksum", "clerk_retained"]
    before = manager("ir.attachment", "read", [document], fields_)[0]
    assert before["clerk_retained"], "a document a document rule asks for is kept once its bill is posted"
    other = clerk("account.move", "create", {"move_type": "in_invoice", "partner_id": gate["vendor"]})
    for values in ({"res_field": "invoice_pdf_report_file"}, {"res_id": other},
                   {"res_model": "res.partner", "res_id": gate["vendor"]}, {"company_id": gate["other_company"]},
                   {"clerk_category_id": False}, {"datas": base64.b64encode(b"%PDF-1.4 other").decode()}):
        refused(call, f"original.pdf belongs to {re.escape(number)}.* is kept for audit", "ir.attachment", "write",
                [document], values)
    refused(call, "kept for audit", "ir.attachment", "unlink", [document])
    assert manager("ir.attachment", "read", [document], fields_)[0] == before
    documents = manager("account.move", "read", [bill], ["clerk_document_ids"])[0]["clerk_document_ids"]
    assert document in documents


def test_two_approvers_at_once_over_xmlrpc(server, gate):
    """Issue 10: two approvers of a rule needing both, approving at the same moment: the rule ends approved."""
    manager = rpc(server, "manager")
    customer = manager("res.partner", "create", {"name": "E2E Race Customer"})
    manager("clerk.approval.rule", "create", {
        "name": "E2E race: both approve", "apply_out_invoice": True, "approver_kind": "users", "min_approvals": 2,
        "approver_user_ids": [(6, 0, [gate["uid"]["approver"], gate["uid"]["manager"]])],
        "partner_ids": [(6, 0, [customer])]})
    clerk = rpc(server, "clerk")
    for attempt in range(3):
        move = clerk("account.move", "create", {
            "move_type": "out_invoice", "partner_id": customer, "ref": f"E2E race {attempt}",
            "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 100.0})]})
        clerk("account.move", "action_clerk_send_for_approval", [move])
        barrier, errors = threading.Barrier(2), []

        def approve(login, move=move, barrier=barrier, errors=errors):
            call = rpc(server, login)
            barrier.wait(timeout=30)
            try:
                call("account.move", "clerk_approve", [move])
            except xmlrpc.client.Fault as fault:
                errors.append(fault.faultString[-300:])

        threads = [threading.Thread(target=approve, args=(login,)) for login in ("approver", "manager")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        facts = move_facts(clerk, move)
        assert facts["clerk_approval_state"] == "approved", f"attempt {attempt}: {facts}"
        decisions = manager("clerk.approval.decision", "search_count", [("move_id", "=", move)])
        assert decisions == 2
        clerk("account.move", "action_post", [move])
        assert move_facts(clerk, move)["state"] == "posted"

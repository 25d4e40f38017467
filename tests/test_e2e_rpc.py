"""End to end: a real Odoo server with the addon and its demo data, used over its external API."""

import json
import subprocess
import sys
import time
import urllib.request
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

"""Screenshots of a running Odoo as a given user, for looking at what you build.

    .clerk/venv/bin/python dev/shot.py http://127.0.0.1:8069 clerk clerk /odoo/action-... out.png [more paths/outs]

Logs in through ``/web/session/authenticate`` (database from ``CLERK_DB``, default
``clerk_demo``), hands the session cookie to a headless Chromium (1440x900) and saves
one PNG per ``path out.png`` pair once the page has drawn (``SHOT_WAIT`` more seconds, default 1.5).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import b64decode
from http.cookiejar import CookieJar

import websocket

sys.path.insert(0, os.path.dirname(__file__))
from clerkdev import free_port  # noqa: E402

# The page has drawn something: a web client action, a portal/website page or a report, and no spinner.
READY = """document.readyState === 'complete' && !document.querySelector('.o_loading_indicator, .o_blockUI')
 && !!document.querySelector('.o_action_manager > *, #wrapwrap, .o_report_layout_standard, .page, body > pre')"""


def session_id(base, login, password, db):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = json.dumps({"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}})
    request = urllib.request.Request(f"{base}/web/session/authenticate", payload.encode(),
                                     {"Content-Type": "application/json"})
    answer = json.loads(opener.open(request).read())
    if answer.get("error"):
        raise SystemExit(f"login failed: {answer['error']['data']['message']}")
    return next(c.value for c in jar if c.name == "session_id")


def main(argv):
    base, login, password, *pairs = argv
    if not pairs or len(pairs) % 2:
        raise SystemExit(__doc__)
    sid = session_id(base.rstrip("/"), login, password, os.environ.get("CLERK_DB", "clerk_demo"))
    port = free_port()
    profile = tempfile.mkdtemp(prefix="shot-")
    browser = subprocess.Popen(
        [shutil.which("chromium") or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
         f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
         f"--user-data-dir={profile}", "--window-size=1440,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                tabs = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json").read())
                target = next(t for t in tabs if t.get("type") == "page")
                break
            except Exception:  # noqa: BLE001 - the browser is still starting
                time.sleep(0.1)
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10**6))

        def call(method, **params):
            ident = next(counter)
            ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == ident:
                    return message.get("result", {})

        call("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        call("Network.enable")
        host = base.split("://", 1)[1].split("/", 1)[0].split(":")[0]
        call("Network.setCookie", name="session_id", value=sid, domain=host, path="/")
        for path, out in zip(pairs[::2], pairs[1::2], strict=True):
            call("Page.navigate", url=f"{base.rstrip('/')}{path}")
            deadline = time.time() + 90
            while time.time() < deadline:
                time.sleep(0.5)
                ready = call("Runtime.evaluate", expression=READY, returnByValue=True)
                if ready.get("result", {}).get("value"):
                    break
            time.sleep(float(os.environ.get("SHOT_WAIT", "1.5")))
            data = call("Page.captureScreenshot", format="png")["data"]
            with open(out, "wb") as handle:
                handle.write(b64decode(data))
            print(out)
        ws.close()
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Development tooling: PostgreSQL, Odoo databases, the run and test commands.

Used by ``./clerk`` and by the benchmarks under ``bench/``. It needs only the
standard library, so it works before Odoo or any test dependency is installed.
"""

import configparser
import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import clerkenv

ROOT = Path(__file__).resolve().parent.parent
ADDON = "invoicing_clerk_tools"
STATE_DIR = ROOT / ".clerk"  # git-ignored: throwaway cluster, run-time config, filestore
DB_ROLE = os.environ.get("CLERK_DB_USER", "clerk_odoo")


class PeakMemory:
    """Peak resident memory of this process while the block runs, over its size when it started.

    Sampled every 5 ms in a thread (tracemalloc would slow the measured code down several times).
    For the benchmarks; needs psutil (one of Odoo's requirements).
    """

    def __enter__(self):
        import psutil  # noqa: PLC0415 - only the benchmarks need it

        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)
        self.peak_over_start = self.peak - self.start


def log(msg):
    print(f"[clerk] {msg}", flush=True)


def odoo_importable():
    """Whether this interpreter (the venv's, once ``clerkenv.ensure`` ran) imports Odoo 19."""
    probe = subprocess.run(
        [sys.executable, "-c", "import odoo.release as r; print(r.version_info[0])"],
        capture_output=True, text=True, check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == "19"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reachable(host, port):
    if host.startswith("/"):
        return os.path.exists(os.path.join(host, f".s.PGSQL.{port}"))
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


def _psql(pg, sql, user, dbname="postgres", check=True):
    env = dict(os.environ, PGHOST=pg["host"], PGPORT=str(pg["port"]), PGUSER=user)
    if pg.get("password"):
        env["PGPASSWORD"] = pg["password"]
    return subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", dbname, "-c", sql],
        env=env, capture_output=True, text=True, check=check,
    )


def _pg_bindir():
    clerkenv.require_postgres_server()
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise SystemExit(
            "No PostgreSQL server is reachable and Debian's postgresql binaries are "
            "missing: install them (apt-get install postgresql) or set PGHOST/PGPORT."
        )
    return os.path.dirname(candidates[0])


class ThrowawayCluster:
    """A PostgreSQL cluster in a git-ignored folder, owned by an unprivileged user."""

    def __init__(self, path):
        self.path = Path(path)
        self.data = self.path / "data"
        self.port = None
        self.bindir = _pg_bindir()
        self.os_user = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.os_user = "postgres"

    def _run(self, args, **kw):
        if self.os_user:
            args = ["runuser", "-u", self.os_user, "--", *args]
        return subprocess.run(args, check=True, **kw)

    def start(self):
        self.path.mkdir(parents=True, exist_ok=True)
        if self.os_user:
            shutil.chown(self.path, self.os_user)
        if not (self.data / "PG_VERSION").exists():
            self._run([f"{self.bindir}/initdb", "-D", str(self.data), "-U", DB_ROLE,
                       "--auth=trust", "-E", "UTF8", "--locale=C"], stdout=subprocess.DEVNULL)
        self.port = free_port()
        self._run([f"{self.bindir}/pg_ctl", "-D", str(self.data), "-w", "-l", str(self.path / "server.log"),
                   "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.path} -c fsync=off",
                   "start"], stdout=subprocess.DEVNULL)
        log(f"started a throwaway PostgreSQL cluster in {self.path} on 127.0.0.1:{self.port}")
        return {"host": "127.0.0.1", "port": self.port, "user": DB_ROLE, "password": "", "own": True}

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run([f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"],
                      stdout=subprocess.DEVNULL)
        log("stopped the throwaway PostgreSQL cluster")


def _odoo_rc_settings():
    """Database settings of the Odoo config file named by ODOO_RC, if any (PG* variables win)."""
    path = os.environ.get("ODOO_RC")
    if not path or not os.path.isfile(path):
        return {}
    parser = configparser.ConfigParser()
    parser.read(path)
    options = parser["options"] if parser.has_section("options") else {}
    return {key: options[key] for key in ("db_host", "db_port", "db_user", "db_password")
            if options.get(key) not in (None, "", "False")}


@contextlib.contextmanager
def postgres(keep_cluster=False):
    """Yield connection settings of a reachable PostgreSQL with a role Odoo accepts.

    Uses PGHOST/PGPORT/PGUSER/PGPASSWORD when set, else the db_* options of the
    Odoo config file named by ODOO_RC, else 127.0.0.1:5432; when
    nothing answers, starts a throwaway cluster under ``.clerk/pg`` and stops it
    afterwards (and deletes it unless ``keep_cluster``).
    """
    settings = _odoo_rc_settings()
    host = os.environ.get("PGHOST") or settings.get("db_host") or "127.0.0.1"
    port = int(os.environ.get("PGPORT") or settings.get("db_port") or 5432)
    if settings.get("db_user") and not os.environ.get("PGUSER"):
        os.environ["PGUSER"] = settings["db_user"]
    if settings.get("db_password") and not os.environ.get("PGPASSWORD"):
        os.environ["PGPASSWORD"] = settings["db_password"]
    cluster = None
    if _reachable(host, port):
        user = os.environ.get("PGUSER") or DB_ROLE
        pg = {"host": host, "port": port, "user": user, "password": os.environ.get("PGPASSWORD", ""), "own": False}
        if user == "postgres":
            raise SystemExit("Odoo refuses the 'postgres' role: set PGUSER to another role or leave it unset.")
        if _psql(pg, "select 1", user, check=False).returncode != 0:
            # Create our own role with the server's superuser (trust auth on local servers).
            admin = os.environ.get("CLERK_PG_SUPERUSER", "postgres")
            _psql(pg, f'CREATE ROLE "{user}" LOGIN CREATEDB', admin)
            log(f"created the database role {user}")
    else:
        cluster = ThrowawayCluster(STATE_DIR / "pg")
        pg = cluster.start()
    # Odoo and libpq prefer PG* variables over the config file: point them at the chosen server.
    saved = {name: os.environ.get(name) for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")}
    os.environ.update(PGHOST=pg["host"], PGPORT=str(pg["port"]), PGUSER=pg["user"])
    if pg["password"]:
        os.environ["PGPASSWORD"] = pg["password"]
    try:
        yield pg
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if cluster:
            cluster.stop()
            if not keep_cluster:
                shutil.rmtree(cluster.path, ignore_errors=True)


def write_config(path, pg, db, data_dir, http_port=8069, extra=None):
    options = {
        "db_host": pg["host"],
        "db_port": pg["port"],
        "db_user": pg["user"],
        "db_name": db,
        "dbfilter": f"^{db}$",
        "addons_path": ROOT,
        "data_dir": data_dir,
        "http_interface": "127.0.0.1",
        "http_port": http_port,
        "gevent_port": 0,
        "list_db": False,
        "max_cron_threads": 0,
    }
    if pg["password"]:
        options["db_password"] = pg["password"]
    options.update(extra or {})
    Path(path).write_text("[options]\n" + "".join(f"{key} = {value}\n" for key, value in options.items()))
    return str(path)


def odoo(config, *args, check=True, **kw):
    """Run Odoo's command line with the machine's python3."""
    return subprocess.run([sys.executable, "-m", "odoo", "server", "-c", str(config), *args], check=check, **kw)


def install_db(config, db, demo=False, log_level="warn", modules=ADDON):
    log(f"creating database {db} and installing {modules} ({'with' if demo else 'without'} demo data)")
    args = ["-d", db, "-i", modules, "--stop-after-init", f"--log-level={log_level}"]
    if demo:
        args.append("--with-demo")
    odoo(config, *args)


def drop_db(pg, db):
    env = dict(os.environ, PGHOST=pg["host"], PGPORT=str(pg["port"]), PGUSER=pg["user"])
    if pg.get("password"):
        env["PGPASSWORD"] = pg["password"]
    subprocess.run(["dropdb", "--if-exists", "--force", db], env=env, check=False)


@contextlib.contextmanager
def scratch_database(prefix="clerk_test", demo=False, install=True):
    """A fresh database with the addon installed, dropped afterwards (also on errors)."""
    with postgres() as pg:
        workdir = Path(tempfile.mkdtemp(prefix=f"{prefix}_", dir=_state_dir()))
        db = f"{prefix}_{uuid.uuid4().hex[:8]}"
        config = write_config(workdir / "odoo.conf", pg, db, workdir / "data", http_port=free_port())
        try:
            if install:
                install_db(config, db, demo=demo)
            yield {"pg": pg, "db": db, "config": config, "workdir": workdir}
        finally:
            drop_db(pg, db)
            shutil.rmtree(workdir, ignore_errors=True)
            log(f"dropped database {db}")


def _state_dir():
    STATE_DIR.mkdir(exist_ok=True)
    return STATE_DIR


def _sigterm_as_interrupt():
    def handler(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


# ---------------------------------------------------------------- run command
def cmd_run(argv):
    _sigterm_as_interrupt()
    db = os.environ.get("CLERK_DB", "clerk_demo")
    port = int(os.environ.get("CLERK_HTTP_PORT", "8069"))
    interface = os.environ.get("CLERK_HTTP_INTERFACE", "127.0.0.1")
    if not odoo_importable():
        raise SystemExit("[clerk] Odoo 19 is not importable in .clerk/venv: remove .clerk/venv and run again.")
    with postgres(keep_cluster=True) as pg:
        state = _state_dir()
        config = write_config(state / "run.conf", pg, db, state / "data", http_port=port,
                              extra={"http_interface": interface, "max_cron_threads": 1})
        exists = subprocess.run(
            ["psql", "-X", "-t", "-A", "-d", "postgres", "-c", f"select 1 from pg_database where datname='{db}'"],
            env=dict(os.environ, PGHOST=pg["host"], PGPORT=str(pg["port"]), PGUSER=pg["user"]),
            capture_output=True, text=True, check=False,
        ).stdout.strip()
        if exists:
            log(f"database {db} exists: updating {ADDON}")
            odoo(config, "-d", db, "-u", ADDON, "--stop-after-init", "--log-level=warn")
        else:
            install_db(config, db, demo=True)
        print(f"""
Odoo 19 with {ADDON} is starting on http://{interface}:{port}/odoo (database {db})
Logins (login / password):
  admin   / admin     administrator, Clerk Manager
  clerk   / clerk     Invoicing Clerk
  approver/ approver  Billing Approver
  manager / manager   Clerk Manager
Stop with Ctrl-C.
""", flush=True)
        try:
            odoo(config, "-d", db, *argv, check=False)
        except KeyboardInterrupt:
            pass


# --------------------------------------------------------------- test command
# Odoo's own test classes where the addon touches their ground: they must pass with the addon
# installed and nothing configured.
ODOO_OWN_TESTS = (
    "/account:TestAccountMoveOutInvoiceOnchanges",
    "/account:TestAccountMoveInInvoiceOnchanges",
    "/account:TestAccountMoveOutRefundOnchanges",
    "/account:TestAccountMove",
    "/account:TestAccountPaymentRegister",
    "/account:TestAccountMoveSend",
    "/account:TestAccountInvoiceReport",
    "/account:TestAccountComposerPerformance",
    "/purchase:TestPurchaseToInvoice",
    "/purchase:TestInvoicePurchaseMatch",
    "/purchase:TestAccruedPurchaseOrders",
    "/account_debit_note",
    # where the addon also touches their ground: attachments (retention), portal attachments, reconciliation
    "/account:TestAccountMoveAttachment",
    "/account:TestPortalAttachment",
    "/account:TestAuditTrailAttachment",
    "/account:TestAccountMoveReconcile",
)
ODOO_OWN_MODULES = "account,purchase,account_debit_note"
_REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
_STATS = re.compile(r"odoo\.tests\.stats: (\w+): (\d+) tests ([\d.]+)s (\d+) queries")


def copy_db(pg, template, db):
    env = dict(os.environ, PGHOST=pg["host"], PGPORT=str(pg["port"]), PGUSER=pg["user"])
    subprocess.run(["createdb", "-T", template, db], env=env, check=True)


def run_odoo_tests(config, db, tags=ODOO_OWN_TESTS, log_path=None):
    """Run Odoo's own test classes on ``db``; return {tests, failed, seconds, queries, rc}.

    Odoo logs one "N failed, N error(s) of N tests" report and, per module, the time and SQL
    queries its tests took; failures are repeated on the console.
    """
    started = time.time()
    process = subprocess.Popen(
        # the config may name another database: the filter must let the HTTP tests reach this one
        [sys.executable, "-m", "odoo", "server", "-c", str(config), "-d", db, f"--db-filter=^{db}$",
         "--test-tags", ",".join(tags),
         "--stop-after-init", "--log-level=info", "--http-port", str(free_port())],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    result = {"tests": 0, "failed": 0, "queries": 0}
    log_file = open(log_path, "w") if log_path else contextlib.nullcontext()  # noqa: SIM115
    with log_file as handle:
        for line in process.stdout:
            if handle:
                handle.write(line)
            if " ERROR " in line or " CRITICAL " in line or line.startswith(("Traceback", "  File", "AssertionError")):
                sys.stdout.write(line)
            if match := _REPORT.search(line):
                failed, errors, tests = map(int, match.groups())
                result.update(tests=tests, failed=failed + errors)
            if match := _STATS.search(line):
                result["queries"] += int(match.group(4))
    result["rc"] = process.wait()
    result["seconds"] = time.time() - started
    if result["rc"] and not result["failed"]:
        result["failed"] = max(1, result["tests"])  # Odoo stopped before reporting: count the run as failed
    return result


def count_odoo_tests():
    """Tests that need Odoo: the addon's and those of tests/ marked ``needs_odoo``."""
    count = 0
    for path in (ROOT / ADDON / "tests").glob("test_*.py"):
        count += sum(1 for line in path.read_text().splitlines() if line.lstrip().startswith("def test_"))
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:odoo", "-p", "no:cacheprovider", "--collect-only", "-q",
         "-m", "needs_odoo", "tests"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    return count + sum(1 for line in collected.stdout.splitlines() if "::" in line)


def _plain_tests(pytest_base, argv):
    return subprocess.run([*pytest_base, "-p", "no:odoo", "-m", "not needs_odoo", "tests", *argv],
                          cwd=ROOT, check=False).returncode


def cmd_test(argv):
    _sigterm_as_interrupt()
    plain_only = "--no-odoo" in argv
    argv = [arg for arg in argv if arg != "--no-odoo"]
    log("ruff check")
    if subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], check=False).returncode:
        return 1
    pytest_base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    if plain_only:
        log(f"--no-odoo: only the tests that need no Odoo ({count_odoo_tests()} Odoo tests not run)")
        return _plain_tests(pytest_base, argv)
    if not odoo_importable():
        log("Odoo 19 is not importable in .clerk/venv: remove .clerk/venv and run ./clerk test again "
            "(or ./clerk test --no-odoo for the tests that need no Odoo).")
        return 1
    try:
        with scratch_database("clerk_test") as ctx:
            log(f"upgrading {ADDON} on {ctx['db']} (checks that -u runs cleanly)")
            odoo(ctx["config"], "-d", ctx["db"], "-u", ADDON, "--stop-after-init", "--log-level=warn")
            own_rc = 0
            if argv:
                log("a selection of tests was given: Odoo's own test classes are not run")
            else:
                own_db = f"{ctx['db']}_odoo"
                copy_db(ctx["pg"], ctx["db"], own_db)
                try:
                    log(f"Odoo's own test classes on {own_db} (the addon installed, nothing configured): "
                        + ", ".join(tag.lstrip("/") for tag in ODOO_OWN_TESTS))
                    own = run_odoo_tests(ctx["config"], own_db, log_path=ctx["workdir"] / "odoo-own-tests.log")
                finally:
                    drop_db(ctx["pg"], own_db)
                log(f"Odoo's own tests: {own['tests']} run, {own['failed']} failed or in error, "
                    f"{own['seconds']:.0f} s")
                own_rc = 1 if own["failed"] or own["rc"] or not own["tests"] else 0
            cmd = [*pytest_base, f"--odoo-config={ctx['config']}", f"--odoo-database={ctx['db']}",
                   "--odoo-http", "--odoo-log-level=warn", f"{ADDON}/tests", "tests", *argv]
            log(" ".join(cmd[1:]))
            rc = subprocess.run(cmd, cwd=ROOT, check=False).returncode
            if own_rc:
                log("Odoo's own test classes failed with the addon installed (see above)")
            return rc or own_rc
    except KeyboardInterrupt:
        log("interrupted: cleaned up")
        return 130


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("run", "test"):
        print("usage: ./clerk run [odoo options] | ./clerk test [--no-odoo] [pytest options]")
        return 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "run":
            cmd_run(rest)
            return 0
        return cmd_test(rest)
    except subprocess.CalledProcessError as error:
        # What the step printed is above; everything it created has been cleaned up by now.
        log(f"failed: {' '.join(map(str, error.cmd))} (exit {error.returncode})")
        return 1
    except KeyboardInterrupt:
        log("interrupted: cleaned up")
        return 130


if __name__ == "__main__":
    sys.exit(main())

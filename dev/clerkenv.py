"""The project's own environment under ``.clerk/``: a virtualenv, Odoo 19 and the system packages.

``./clerk`` and the benchmarks call :func:`ensure` first, with whatever ``python3`` started them.
It creates ``.clerk/venv`` (the starting interpreter is never installed into), brings Odoo 19.0
Community into ``.clerk/odoo19`` when that interpreter cannot import Odoo 19 itself, installs Odoo's
requirements and ``requirements-test.txt`` into the venv, checks the system packages, then runs the
command again with the venv's python. A stamp remembers what was installed: the next run only
compares it and starts at once. Standard library only: it runs before anything is installed.
"""

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".clerk"
VENV = STATE_DIR / "venv"
ODOO_DIR = STATE_DIR / "odoo19"
STAMP = VENV / "clerk-stamp.json"
TEST_REQUIREMENTS = ROOT / "requirements-test.txt"
OFFICIAL_SOURCE = "https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz"
READY_FLAG = "CLERK_ENV_READY"

# Debian packages: the command that shows each one is there.
SYSTEM_PACKAGES = {
    "postgresql-client": "psql",
    "chromium": "chromium",
    "wkhtmltopdf": "wkhtmltopdf",
}


class SetupError(SystemExit):
    """A set-up step failed: one line that says what to do."""

    def __init__(self, message):
        super().__init__(f"[clerk] {message}")


def log(msg):
    print(f"[clerk] {msg}", flush=True)


# ------------------------------------------------------------------ plain helpers (tested without Odoo)
_CLAUSE = re.compile(r"""^\s*(python_version|sys_platform)\s*(<=|>=|==|!=|<|>)\s*['"]([^'"]+)['"]\s*$""")


def _version(text):
    return tuple(int(part) for part in text.split("."))


def marker_holds(marker, python_version, platform="linux"):
    """Whether a requirement marker of Odoo's requirements.txt holds (clauses joined by ``and``)."""
    for clause in marker.split(" and "):
        match = _CLAUSE.match(clause)
        if not match:
            raise ValueError(f"unsupported requirement marker: {marker!r}")
        name, op, value = match.groups()
        left, right = (_version(python_version), _version(value)) if name == "python_version" else (platform, value)
        holds = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                 "==": left == right, "!=": left != right}[op]
        if not holds:
            return False
    return True


def odoo_requirements(text, python_version, have_pg_config=True, have_ldap_headers=False):
    """Odoo's requirements.txt adapted to this Python, as a list of pip requirement strings.

    Odoo pins for the Python versions of the distributions it supports; on 3.11 the pins it marks
    for 3.12 are taken (they install as wheels, the older ones would build from source).
    ``psycopg2`` becomes ``psycopg2-binary`` where ``pg_config`` is missing, ``python-ldap``
    (only for ``auth_ldap``) is left out where its headers are missing, and ``rl-renderPM`` (the
    barcode backend of reportlab 4) is taken wherever reportlab 4 is.
    """
    effective = python_version if _version(python_version) >= (3, 12) else "3.12"
    requirements = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, _, marker = line.partition(";")
        spec = spec.strip()
        name = re.split(r"[<>=!~ ]", spec, maxsplit=1)[0].lower()
        # reportlab 4 draws barcodes (QR codes in reports) through rl-renderPM; Odoo pins it for Windows
        # only, Debian's python3-reportlab having it built in. A venv has neither: take the Windows pin.
        platform = "win32" if name == "rl-renderpm" else "linux"
        if marker.strip() and not marker_holds(marker.strip(), effective, platform):
            continue
        if name == "python-ldap" and not have_ldap_headers:
            continue
        if name == "psycopg2" and not have_pg_config:
            spec = "psycopg2-binary" + spec[len(name):]
        requirements.append(spec)
    return requirements


def source_kind(source):
    """'git', 'url', 'dir' or 'tarball' for an ODOO_SOURCE value."""
    if source.endswith(".git") or source.startswith(("git@", "git+", "ssh://")):
        return "git"
    if source.startswith(("http://", "https://")):
        return "url"
    if os.path.isdir(source):
        return "dir"
    return "tarball"


def human_size(size):
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


# ------------------------------------------------------------------------------------ the set-up
def _in_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def _venv_python():
    return VENV / "bin" / "python"


def _imports_odoo19(python):
    probe = subprocess.run([str(python), "-c", "import odoo.release as r; print(r.version_info[0])"],
                           capture_output=True, text=True, check=False)
    return probe.returncode == 0 and probe.stdout.strip() == "19"


def _file_identity(path):
    stat = os.stat(path)
    return f"{os.path.abspath(path)}:{stat.st_size}:{int(stat.st_mtime)}"


# Bumped when odoo_requirements() changes its rules: a venv installed by the older rules is completed.
REQUIREMENT_RULES = 2


def _requirements_digest(tree):
    return f"{_digest(Path(tree) / 'requirements.txt')}-r{REQUIREMENT_RULES}"


def _digest(*paths):
    sha = hashlib.sha256()
    for path in paths:
        if path and Path(path).exists():
            sha.update(Path(path).read_bytes())
    return sha.hexdigest()[:16]


def _plan(with_odoo):
    """What the environment must hold: compared with the stamp to decide whether to install."""
    python = ".".join(map(str, sys.version_info[:2]))
    if not with_odoo:
        return {"python": python, "odoo": None, "tests": _digest(TEST_REQUIREMENTS)}
    if _imports_odoo19(sys.executable):
        # The user's own Odoo (source tree on the path, Debian package, pip install) wins.
        return {"python": python, "odoo": "system", "tests": _digest(TEST_REQUIREMENTS)}
    stamp = _read_stamp() or {}
    if not os.environ.get("ODOO_SOURCE") and stamp.get("odoo") not in (None, "system", "dir"):
        # Without ODOO_SOURCE, the Odoo already in .clerk/odoo19 serves, wherever it came from.
        return {"python": python, "odoo": stamp["odoo"], "source": stamp["source"], "tests": _digest(TEST_REQUIREMENTS)}
    source = os.environ.get("ODOO_SOURCE") or OFFICIAL_SOURCE
    kind = source_kind(source)
    if kind == "tarball" and not os.path.isfile(source):
        raise SetupError(f"ODOO_SOURCE={source} is neither a file, a directory nor a git or http(s) URL: fix it "
                         "or unset it to use Odoo's official 19.0 source release.")
    identity = _file_identity(source) if kind == "tarball" else os.path.abspath(source) if kind == "dir" else source
    return {"python": python, "odoo": kind, "source": identity, "tests": _digest(TEST_REQUIREMENTS)}


def _read_stamp():
    with contextlib.suppress(OSError, ValueError):
        return json.loads(STAMP.read_text())
    return None


def _run(args, what, **kw):
    result = subprocess.run([str(arg) for arg in args], check=False, **kw)
    if result.returncode:
        raise SetupError(f"{what} failed (exit {result.returncode}): see the output above, fix it and run again.")
    return result


def _pip(args, what):
    """pip in the venv, showing what it downloads (with sizes) and installs, not every line."""
    command = [str(_venv_python()), "-m", "pip", "--disable-pip-version-check", "install", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tail = []
    for line in process.stdout:
        tail = [*tail[-40:], line]
        stripped = line.strip()
        if stripped.startswith(("Downloading ", "Building wheel", "Successfully installed")):
            print(f"  {stripped}", flush=True)
    if process.wait():
        sys.stdout.write("".join(tail))
        raise SetupError(f"{what}: pip failed (exit {process.returncode}); the end of its output is above.")


def _download(url, target):
    log(f"downloading {url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done, step = 0, 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if done >= step:
                    log(f"  {human_size(done)}" + (f" of {human_size(total)}" if total else ""))
                    step = done + (25 << 20)
    except OSError as error:
        raise SetupError(f"cannot download Odoo 19 from {url} ({error}): set ODOO_SOURCE to an Odoo 19.0 "
                         "source tarball, source directory or git URL you can reach, and run again.") from None


def _extract(tarball):
    """Unpack an Odoo source tarball into .clerk/odoo19 (whatever its top folder is called)."""
    log(f"unpacking {tarball} ({human_size(os.path.getsize(tarball))}) into {ODOO_DIR}")
    with tempfile.TemporaryDirectory(dir=STATE_DIR, prefix="odoo-unpack-") as tmp:
        try:
            with tarfile.open(tarball) as archive:
                archive.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise SetupError(f"cannot unpack {tarball} ({error}): point ODOO_SOURCE at an Odoo 19.0 source "
                             "tarball.") from None
        roots = [path.parent.parent for path in Path(tmp).glob("*/odoo/release.py")]
        roots += [path.parent.parent for path in Path(tmp).glob("odoo/release.py")]
        if not roots:
            raise SetupError(f"{tarball} holds no odoo/release.py: point ODOO_SOURCE at an Odoo 19.0 source tarball.")
        shutil.rmtree(ODOO_DIR, ignore_errors=True)
        shutil.move(str(roots[0]), ODOO_DIR)


def _fetch_odoo(plan):
    """Odoo's source tree for the plan, in .clerk/odoo19 (or the user's directory, used in place)."""
    source = os.environ.get("ODOO_SOURCE") or OFFICIAL_SOURCE
    kind = plan["odoo"]
    if kind == "dir":
        tree = _odoo_tree(kind)
    elif kind == "git":
        log(f"cloning the 19.0 branch of {source} into {ODOO_DIR}")
        shutil.rmtree(ODOO_DIR, ignore_errors=True)
        _run(["git", "clone", "--depth", "1", "--branch", "19.0", source, ODOO_DIR], f"git clone {source}")
        tree = ODOO_DIR
    else:
        if kind == "url":
            tarball = STATE_DIR / "odoo-19.0-source.tar.gz"
            _download(source, tarball)
            _extract(tarball)
            tarball.unlink()
        else:
            _extract(source)
        tree = ODOO_DIR
    release = tree / "odoo" / "release.py"
    if not release.is_file() or not re.search(r"version_info\s*=\s*\(\s*19\s*,", release.read_text()):
        raise SetupError(f"{tree} is not an Odoo 19.0 source tree: point ODOO_SOURCE at Odoo 19.0.")
    return tree


def _site_packages():
    return Path(subprocess.run([str(_venv_python()), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())


def _create_venv(system_site_packages):
    log(f"creating the virtual environment {VENV}")
    shutil.rmtree(VENV, ignore_errors=True)
    args = [sys.executable, "-m", "venv", VENV]
    if system_site_packages:
        args.insert(3, "--system-site-packages")
    result = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, check=False)
    if result.returncode:
        _require_debian({"python3-venv": None}, why="to create the virtual environment")
        _run(args, "creating the virtual environment")


def _odoo_tree(kind):
    return Path(os.environ["ODOO_SOURCE"]).resolve() if kind == "dir" else ODOO_DIR


def _install(plan):
    STATE_DIR.mkdir(exist_ok=True)
    stamp = _read_stamp() or {}
    fresh = not _venv_python().exists() or stamp.get("python") != plan["python"] \
        or (stamp.get("odoo") == "system") != (plan["odoo"] == "system")
    if fresh:
        _create_venv(system_site_packages=plan["odoo"] == "system")
        stamp = {}
    if plan["odoo"] not in (None, "system"):
        refetch = stamp.get("source") != plan["source"] or stamp.get("odoo") != plan["odoo"]
        tree = _fetch_odoo(plan) if refetch else _odoo_tree(plan["odoo"])
        (_site_packages() / "clerk-odoo19.pth").write_text(f"{tree}\n")
        digest = _requirements_digest(tree)
        if refetch or digest != stamp.get("requirements"):
            requirements = odoo_requirements(
                (tree / "requirements.txt").read_text(), plan["python"],
                have_pg_config=bool(shutil.which("pg_config")),
                have_ldap_headers=Path("/usr/include/ldap.h").exists() and Path("/usr/include/sasl/sasl.h").exists(),
            )
            log(f"installing Odoo's {len(requirements)} Python requirements into {VENV}")
            with tempfile.NamedTemporaryFile("w", suffix=".txt", dir=STATE_DIR, delete=False) as handle:
                handle.write("\n".join(requirements) + "\n")
            try:
                _pip(["-r", handle.name], "Odoo's requirements")
            finally:
                os.unlink(handle.name)
        plan = {**plan, "requirements": digest}
    log(f"installing the test and benchmark dependencies ({TEST_REQUIREMENTS.name}) into {VENV}")
    _pip(["-r", TEST_REQUIREMENTS], "the test dependencies")
    if plan["odoo"] is not None and not _imports_odoo19(_venv_python()):
        raise SetupError("Odoo 19 is still not importable in .clerk/venv: remove .clerk/venv and run again.")
    STAMP.write_text(json.dumps(plan, indent=1))


def _odoo_requirements_changed(stamp):
    """A source directory (ODOO_SOURCE or .clerk/odoo19) whose requirements.txt changed since the install."""
    if stamp.get("odoo") in (None, "system"):
        return False
    if stamp["odoo"] == "dir" and not os.environ.get("ODOO_SOURCE"):
        return True
    return _requirements_digest(_odoo_tree(stamp["odoo"])) != stamp.get("requirements")


# ------------------------------------------------------------------------------- system packages
_apt_updated = False


def _require_debian(packages, why):
    """Install the missing Debian packages (name -> command) as root with apt-get, or say how."""
    global _apt_updated  # noqa: PLW0603 - one 'apt-get update' per run
    missing = [name for name, command in packages.items() if not command or not shutil.which(command)]
    if not missing:
        return
    command = f"apt-get install -y --no-install-recommends {' '.join(missing)}"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(f"missing {', '.join(missing)} {why}: install with `sudo {command}` (Debian/Ubuntu) "
                         "or your system's package manager, then run again.")
    log(f"installing {', '.join(missing)} {why} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        _run(["apt-get", "update", "-q"], "apt-get update", env=env, stdout=subprocess.DEVNULL)
        _apt_updated = True
    _run(command.split(), command, env=env)


def require_postgres_server():
    """Debian's PostgreSQL server binaries, for the throwaway cluster when no server answers."""
    import glob  # noqa: PLC0415

    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        _require_debian({"postgresql": None}, why="(no PostgreSQL server answers: a throwaway cluster needs it)")


def require_system(command):
    wanted = {"postgresql-client": SYSTEM_PACKAGES["postgresql-client"],
              "wkhtmltopdf": SYSTEM_PACKAGES["wkhtmltopdf"]}
    if command == "test":
        wanted["chromium"] = SYSTEM_PACKAGES["chromium"]
    _require_debian(wanted, why=f"(needed by ./clerk {command})")


# ---------------------------------------------------------------------------------- entry point
def ensure(command="run", with_odoo=True):
    """Make .clerk/venv ready, then continue in it: re-executes this script with the venv's python."""
    if os.environ.get(READY_FLAG) == str(VENV) and _in_venv():
        return
    if _in_venv():
        # Started with the venv's own python: trust its stamp unless something changed under it.
        stamp = _read_stamp()
        if stamp and (stamp.get("odoo") is not None or not with_odoo) and not _odoo_requirements_changed(stamp) \
                and stamp.get("tests") == _digest(TEST_REQUIREMENTS):
            os.environ[READY_FLAG] = str(VENV)
            return
        raise SetupError("the environment in .clerk/venv is not complete: run ./clerk with the system python3 "
                         "(not the venv's) to finish it.")
    if sys.version_info < (3, 10):  # noqa: UP036 - this runs with whatever python3 the user has
        raise SetupError(f"Python {sys.version.split()[0]} is too old for Odoo 19: run with Python 3.11 or 3.12.")
    stamp = _read_stamp()
    if with_odoo:
        require_system(command)
        plan = _plan(with_odoo=True)
        stale = stamp is None or any(stamp.get(key) != value for key, value in plan.items()) \
            or _odoo_requirements_changed(stamp)
    else:
        # The plain tests need only the test dependencies: any complete environment will do.
        plan = _plan(with_odoo=False)
        stale = stamp is None or stamp.get("python") != plan["python"] or stamp.get("tests") != plan["tests"]
        plan = {**(stamp or {}), **plan} if stamp else plan
    if stale:
        _install(plan)
    os.environ[READY_FLAG] = str(VENV)
    python = str(_venv_python())
    os.execv(python, [python, *sys.argv])

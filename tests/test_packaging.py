"""The wheel carries the whole addon into the odoo.addons namespace."""

import ast
import shutil
import subprocess
import sys
import zipfile

from conftest import ADDON_DIR, ROOT

PREFIX = "odoo/addons/invoicing_clerk_tools/"


def test_wheel_carries_the_addon(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copytree(ADDON_DIR, source / ADDON_DIR.name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                    str(source)], check=True)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())
    expected = {PREFIX + "__manifest__.py", PREFIX + "__init__.py", PREFIX + "static/description/icon.png"}
    expected |= {PREFIX + path for path in manifest["data"] + manifest["demo"]}
    sources = [path for path in ADDON_DIR.rglob("*.py") if "__pycache__" not in path.parts]
    expected |= {PREFIX + str(path.relative_to(ADDON_DIR)) for path in sources}
    assert expected - names == set()
    assert any(name.startswith(PREFIX + "security/") for name in names)
    assert any(name.startswith(PREFIX + "views/") for name in names)
    # A namespace: the wheel must not own odoo/ or odoo/addons/.
    assert "odoo/__init__.py" not in names and "odoo/addons/__init__.py" not in names
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist: xlsxwriter" in text
    assert f"Version: {manifest['version']}" in text

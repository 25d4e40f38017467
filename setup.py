"""Installs the addon into Odoo's ``odoo.addons`` namespace: ``pip install .``

Odoo then finds ``invoicing_clerk_tools`` without any change to ``addons_path``.
Odoo itself is not a dependency here: it is not on PyPI (see README.md).
"""

import ast
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
ADDON = "invoicing_clerk_tools"
MANIFEST = ast.literal_eval((HERE / ADDON / "__manifest__.py").read_text())


def addon_packages():
    """The addon and each of its Python subpackages, under odoo.addons."""
    packages = {f"odoo.addons.{ADDON}": ADDON}
    for init in sorted((HERE / ADDON).rglob("__init__.py")):
        relative = init.parent.relative_to(HERE)
        if relative.parts[0] == ADDON and len(relative.parts) > 1:
            packages["odoo.addons." + ".".join(relative.parts)] = str(relative)
    return packages


def data_files():
    """Every file of the addon that no package carries (manifest, XML, CSV, static assets, migration
    scripts), kept with the addon's package."""
    files = []
    for path in (HERE / ADDON).rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        # .py files outside the packages too: migration scripts live in plain folders
        if path.suffix != ".py" or path.name == "__manifest__.py" or not (path.parent / "__init__.py").exists():
            files.append(str(path.relative_to(HERE / ADDON)))
    return sorted(files)


PACKAGES = addon_packages()

setup(
    name="odoo-addon-invoicing_clerk_tools",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license=MANIFEST["license"],
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    python_requires=">=3.10",
    packages=list(PACKAGES),
    package_dir=PACKAGES,
    package_data={f"odoo.addons.{ADDON}": data_files()},
    include_package_data=False,
    install_requires=["xlsxwriter>=3.0"],
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 19.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "Programming Language :: Python :: 3",
    ],
    zip_safe=False,
)

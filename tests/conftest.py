"""Shared helpers of the tests outside the addon.

Tests here that need Odoo are marked ``needs_odoo`` and import it inside the
test, so that the rest runs (and the Odoo ones are counted) without Odoo.
"""

import importlib.util
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDON_DIR = ROOT / "invoicing_clerk_tools"


def load_plain_module(name):
    """Import ``invoicing_clerk_tools/tools/<name>.py`` without importing the addon (and Odoo)."""
    qualified = f"clerk_plain_tools.{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    if "clerk_plain_tools" not in sys.modules:
        # a bare package over tools/ (its __init__ is not run): ``from . import aging`` works without the addon
        package = types.ModuleType("clerk_plain_tools")
        package.__path__ = [str(ADDON_DIR / "tools")]
        sys.modules["clerk_plain_tools"] = package
    spec = importlib.util.spec_from_file_location(qualified, ADDON_DIR / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def plain():
    return load_plain_module

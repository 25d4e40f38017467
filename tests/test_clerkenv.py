"""The set-up of .clerk/: Odoo's requirements adapted to the Python that runs them, sources recognised."""

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "dev"))
import clerkenv  # noqa: E402

REQUIREMENTS = """\
# comment line
Babel==2.9.1 ; python_version < '3.11'  # old
Babel==2.10.3 ; python_version >= '3.11' and python_version < '3.13'
Babel==2.17.0 ; python_version >= '3.13'
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
gevent==22.10.2; sys_platform != 'win32' and python_version > '3.10' and python_version < '3.12'
gevent==24.2.1 ; sys_platform != 'win32' and python_version >= '3.12' and python_version < '3.13'
lxml-html-clean; python_version >= '3.12'
psycopg2==2.9.5 ; python_version == '3.11'
psycopg2==2.9.9 ; python_version >= '3.12' and python_version < '3.13'
pypiwin32 ; sys_platform == 'win32'
python-ldap==3.4.4 ; sys_platform != 'win32' and python_version >= '3.12'
pytz  # no pin
reportlab==3.6.12 ; python_version > '3.10' and python_version < '3.12'
reportlab==4.1.0 ; python_version >= '3.12'
rl-renderPM==4.0.3 ; sys_platform == 'win32' and python_version >= '3.12'  # in the deb package
"""


def test_on_311_the_pins_marked_for_312_are_taken():
    assert clerkenv.odoo_requirements(REQUIREMENTS, "3.11") == [
        "Babel==2.10.3", "cbor2==5.6.2", "gevent==24.2.1", "lxml-html-clean", "psycopg2==2.9.9", "pytz",
        "reportlab==4.1.0", "rl-renderPM==4.0.3",
    ]


def test_reportlab_4_comes_with_its_barcode_backend():
    # Odoo pins rl-renderPM for Windows only (Debian's reportlab has it built in); QR codes need it
    assert "rl-renderPM==4.0.3" in clerkenv.odoo_requirements(REQUIREMENTS, "3.12")


def test_on_312_and_313_the_markers_are_read_as_written():
    assert clerkenv.odoo_requirements(REQUIREMENTS, "3.12") == clerkenv.odoo_requirements(REQUIREMENTS, "3.11")
    on_313 = clerkenv.odoo_requirements(REQUIREMENTS, "3.13")
    assert "Babel==2.17.0" in on_313 and "gevent==24.2.1" not in on_313 and "psycopg2==2.9.9" not in on_313


def test_psycopg2_binary_without_pg_config_and_ldap_only_with_its_headers():
    without = clerkenv.odoo_requirements(REQUIREMENTS, "3.11", have_pg_config=False)
    assert "psycopg2-binary==2.9.9" in without and "psycopg2==2.9.9" not in without
    assert not any(req.startswith("python-ldap") for req in without)
    with_ldap = clerkenv.odoo_requirements(REQUIREMENTS, "3.11", have_ldap_headers=True)
    assert "python-ldap==3.4.4" in with_ldap


def test_the_real_odoo_requirements_parse_when_odoo_is_here():
    requirements = clerkenv.ODOO_DIR / "requirements.txt"
    if not requirements.exists():
        pytest.skip("no Odoo in .clerk/odoo19 yet")
    adapted = clerkenv.odoo_requirements(requirements.read_text(), "3.11")
    names = {req.split("=")[0].lower() for req in adapted}
    assert {"psycopg2", "lxml", "werkzeug", "babel"} <= names
    assert len(names) == len(adapted), "one pin per package"


def test_unknown_markers_are_refused_not_guessed():
    with pytest.raises(ValueError, match="unsupported requirement marker"):
        clerkenv.marker_holds("platform_machine == 'x86_64'", "3.11")


@pytest.mark.parametrize(("source", "kind"), [
    ("https://github.com/odoo/odoo.git", "git"),
    ("git@github.com:odoo/odoo.git", "git"),
    ("https://example.com/odoo_19.0.latest.tar.gz", "url"),
    (str(ROOT), "dir"),
    ("/nowhere/odoo.tar.xz", "tarball"),
])
def test_source_kinds(source, kind):
    assert clerkenv.source_kind(source) == kind


def test_sizes_read_as_people_read_them():
    assert clerkenv.human_size(512) == "512 B"
    assert clerkenv.human_size(81_521_548) == "77.7 MB"

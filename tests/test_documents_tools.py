"""The plain document logic (invoicing_clerk_tools/tools/documents.py), without Odoo."""

import hashlib
import io

import pytest
from conftest import load_plain_module

documents = load_plain_module("documents")


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    (None, []),
    ("application/pdf", ["application/pdf"]),
    ("Application/PDF, image/png\nimage/png;image/*", ["application/pdf", "image/png", "image/*"]),
    ("  text/csv  ,, ", ["text/csv"]),
])
def test_parse_mime_types(text, expected):
    assert documents.parse_mime_types(text) == expected


@pytest.mark.parametrize(("types", "unknown"), [
    (["application/pdf", "image/png", "image/jpeg", "text/plain"], []),
    (["image/*", "text/*"], []),
    (["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"], []),
    (["application/pfd"], ["application/pfd"]),
    (["pdf"], ["pdf"]),
    (["nonsense/*"], ["nonsense/*"]),
    (["image/png; charset=x"], ["image/png; charset=x"]),
    (["application/pdf", "foo/bar"], ["foo/bar"]),
])
def test_unknown_mime_types(types, unknown):
    assert documents.unknown_mime_types(types) == unknown


@pytest.mark.parametrize(("detected", "allowed", "ok"), [
    ("application/pdf", ["application/pdf"], True),
    ("image/png", ["application/pdf"], False),
    ("image/png", ["image/*"], True),
    ("IMAGE/PNG", ["image/png"], True),
    ("text/plain", [], True),
    ("", ["application/pdf"], False),
    (None, ["application/pdf"], False),
])
def test_mime_allowed(detected, allowed, ok):
    assert documents.mime_allowed(detected, allowed) is ok


@pytest.mark.parametrize(("size", "detected", "allowed", "max_bytes", "errors"), [
    (0, "application/x-empty", ["application/pdf"], 100, [documents.EMPTY]),
    (None, "", [], 0, [documents.EMPTY]),
    (10, "application/pdf", ["application/pdf"], 100, []),
    (100, "application/pdf", ["application/pdf"], 100, []),
    (101, "application/pdf", ["application/pdf"], 100, [documents.TOO_LARGE]),
    (101, "image/png", ["application/pdf"], 100, [documents.TOO_LARGE, documents.WRONG_TYPE]),
    (10**9, "image/png", [], 0, []),
    (5, "text/plain", ["application/pdf"], 0, [documents.WRONG_TYPE]),
])
def test_upload_errors(size, detected, allowed, max_bytes, errors):
    assert documents.upload_errors(size, detected, allowed, max_bytes) == errors


@pytest.mark.parametrize(("name", "expected"), [
    ("invoice.pdf", "invoice.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\Scan 1.pdf", "Scan 1.pdf"),
    ("a<b>c:d\"e|f?g*h.pdf", "a_b_c_d_e_f_g_h.pdf"),
    ("bell\x07\x00.pdf", "bell_.pdf"),
    ("   spaced    out   name .pdf ", "spaced out name .pdf"),
    ("...", "document"),
    ("", "document"),
    (None, "document"),
    (".hidden", "hidden"),
    ("Lieferschein Müller.pdf", "Lieferschein Müller.pdf"),
    ("発注書.pdf", "発注書.pdf"),
])
def test_sanitize_filename(name, expected):
    assert documents.sanitize_filename(name) == expected


def test_sanitize_filename_truncates_before_extension():
    name = documents.sanitize_filename("x" * 500 + ".pdf")
    assert len(name) == documents.MAX_NAME
    assert name.endswith(".pdf")
    assert len(documents.sanitize_filename("y" * 500)) == documents.MAX_NAME


def test_unique_name():
    taken = set()
    assert documents.unique_name("a.pdf", taken) == "a.pdf"
    assert documents.unique_name("A.PDF", taken) == "A (2).PDF"
    assert documents.unique_name("a.pdf", taken) == "a (3).pdf"
    assert documents.unique_name("readme", taken) == "readme"
    assert documents.unique_name("readme", taken) == "readme (2)"


@pytest.mark.parametrize(("modes", "expected"), [
    (["warn", "block"], "block"),
    (["warn", "approval"], "approval"),
    (["approval", "block", "warn"], "block"),
    (["warn"], "warn"),
    ([], None),
])
def test_strongest_mode(modes, expected):
    assert documents.strongest_mode(modes) == expected


@pytest.mark.parametrize(("required", "present", "expected"), [
    ([], [], (0, 0, 100.0)),
    ([1, 2], [], (0, 2, 0.0)),
    ([1, 2], [2], (1, 2, 50.0)),
    ([1, 2, 3], [1, 2, 3, 4], (3, 3, 100.0)),
    ([1, 2, 3], [1], (1, 3, 33.3)),
])
def test_completeness(required, present, expected):
    assert documents.completeness(required, present) == expected


def test_sha256_of_file_reads_in_chunks():
    data = b"abc" * 100_000
    assert documents.sha256_of_file(io.BytesIO(data), chunk=1000) == hashlib.sha256(data).hexdigest()
    assert documents.sha256_of_file(io.BytesIO(b"")) == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KB"), (1536, "1.5 KB"), (10 * 1024 * 1024, "10 MB"),
    (12 * 1024 + 300, "12 KB"), (9.96 * 1024, "10 KB"), (3 * 1024 ** 4, "3072 GB"),
])
def test_human_size(size, text):
    assert documents.human_size(size) == text


@pytest.mark.parametrize(("mimetype", "kind"), [
    ("application/pdf", documents.PDF), ("image/png", documents.IMAGE), ("IMAGE/JPEG; q=1", documents.IMAGE),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", documents.SPREADSHEET),
    ("text/csv", documents.SPREADSHEET), ("application/msword", documents.TEXT_DOCUMENT),
    ("text/plain", documents.PLAIN_TEXT), ("application/zip", documents.ARCHIVE), ("message/rfc822", documents.EMAIL),
    ("application/octet-stream", documents.OTHER), (False, documents.OTHER),
])
def test_file_kind(mimetype, kind):
    assert documents.file_kind(mimetype) == kind


def test_folder_name():
    assert documents.folder_name("Delivery Note / Proof") == "Delivery_Note_Proof"
    assert documents.folder_name("") == "other"

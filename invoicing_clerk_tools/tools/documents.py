"""Supporting documents without the ORM: MIME type lists, upload checks, file names, rule matching, completeness.

Every function here is plain Python (no Odoo import) so that it is tested on its own.
"""

import hashlib
import mimetypes
import re
import unicodedata

# Modes of a requirement rule.
BLOCK = "block"
APPROVAL = "approval"
WARN = "warn"
MODES = (BLOCK, APPROVAL, WARN)

# MIME types the content detection can report that the standard library does not list.
_EXTRA_MIME_TYPES = {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/zip",
    "application/xml",
    "application/octet-stream",
    "image/webp",
    "image/heic",
    "message/rfc822",
    "text/csv",
    "text/xml",
}
KNOWN_MIME_TYPES = frozenset(
    set(mimetypes.MimeTypes(filenames=()).types_map[1].values())  # the standard library's table only
    | set(mimetypes.MimeTypes(filenames=()).types_map[0].values())
    | _EXTRA_MIME_TYPES
)
_MIME_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/(\*|[a-z0-9][a-z0-9.+-]*)$")

# Upload problems, in the order they are reported.
EMPTY = "empty"
TOO_LARGE = "too_large"
WRONG_TYPE = "wrong_type"


def parse_mime_types(text):
    """The MIME types of a category's setting: separated by commas, spaces or lines, lower case, no duplicates."""
    seen = []
    for item in re.split(r"[\s,;]+", (text or "").strip().lower()):
        if item and item not in seen:
            seen.append(item)
    return seen


def unknown_mime_types(types, known=KNOWN_MIME_TYPES):
    """The entries of ``types`` that are not MIME types: malformed, or not a known type nor ``family/*``."""
    families = {known_type.split("/", 1)[0] for known_type in known}
    unknown = []
    for mime in types:
        if not _MIME_RE.match(mime):
            unknown.append(mime)
        elif mime.endswith("/*"):
            if mime[:-2] not in families:
                unknown.append(mime)
        elif mime not in known:
            unknown.append(mime)
    return unknown


def mime_allowed(detected, allowed):
    """Whether the ``detected`` MIME type is one of ``allowed`` (``image/*`` covers every image); empty: any."""
    if not allowed:
        return True
    detected = (detected or "").lower()
    family = detected.split("/", 1)[0] + "/*"
    return detected in allowed or family in allowed


def upload_errors(size, detected, allowed, max_bytes):
    """The problems of one file for a category: ``EMPTY``, ``TOO_LARGE``, ``WRONG_TYPE`` (a list, maybe empty).

    ``size`` in bytes; ``max_bytes`` 0 means no limit; ``allowed`` a list of MIME types (empty: any).
    An empty file has no type to check.
    """
    if not size:
        return [EMPTY]
    errors = []
    if max_bytes and size > max_bytes:
        errors.append(TOO_LARGE)
    if not mime_allowed(detected, allowed):
        errors.append(WRONG_TYPE)
    return errors


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")
MAX_NAME = 180


def sanitize_filename(name, default="document"):
    """A file name safe on every system and in a ZIP: no folders, control or reserved characters, no leading dots.

    Keeps letters of any script and the extension; truncates long names before the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" ._")
    if not name:
        return default
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME - len(ext) - 1].rstrip(" ._") + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


def unique_name(name, taken):
    """``name``, or ``stem (2).ext``... when ``taken`` (a set, updated) already has it (case-insensitive)."""
    candidate, number = name, 1
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}).{ext}" if ext else f"{stem} ({number})"
    taken.add(candidate.lower())
    return candidate


def folder_name(text, default="other"):
    """A folder name for a category inside the audit pack."""
    text = (text or "").replace("/", " ").replace("\\", " ")
    return sanitize_filename(text, default=default).replace(" ", "_")


def strongest_mode(modes):
    """Of several rules requiring the same category, the strictest mode wins: block > approval > warn."""
    modes = set(modes)
    for mode in MODES:
        if mode in modes:
            return mode
    return None


def completeness(required, present):
    """``(present_count, required_count, percent)`` for the required category ids and those present.

    Nothing required is complete (100).
    """
    required = set(required)
    if not required:
        return 0, 0, 100.0
    count = len(required & set(present))
    return count, len(required), round(100.0 * count / len(required), 1)


def sha256_of_file(fileobj, chunk=1 << 20):
    """SHA-256 (hex) of a binary file object, read in chunks."""
    digest = hashlib.sha256()
    for block in iter(lambda: fileobj.read(chunk), b""):
        digest.update(block)
    return digest.hexdigest()


def human_size(size):
    """A size as people read it: ``512 bytes``, ``1.5 KB``, ``12 KB`` (one decimal only under 10)."""
    size = float(size or 0)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            break
        size /= 1024
    if unit == "bytes":
        return f"{int(size)} bytes"
    return f"{size:.1f} {unit}" if round(size, 1) < 10 else f"{round(size)} {unit}"


# Kinds of file, as people name them (from the MIME type detected on upload).
PDF, IMAGE, SPREADSHEET, TEXT_DOCUMENT, PRESENTATION, PLAIN_TEXT, ARCHIVE, EMAIL, OTHER = (
    "pdf", "image", "spreadsheet", "document", "presentation", "text", "archive", "email", "other")
_KIND_OF_MIME = {
    "application/pdf": PDF,
    "application/vnd.ms-excel": SPREADSHEET,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": SPREADSHEET,
    "application/vnd.oasis.opendocument.spreadsheet": SPREADSHEET,
    "text/csv": SPREADSHEET,
    "application/msword": TEXT_DOCUMENT,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": TEXT_DOCUMENT,
    "application/vnd.oasis.opendocument.text": TEXT_DOCUMENT,
    "application/rtf": TEXT_DOCUMENT,
    "application/vnd.ms-powerpoint": PRESENTATION,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": PRESENTATION,
    "application/vnd.oasis.opendocument.presentation": PRESENTATION,
    "application/zip": ARCHIVE,
    "application/x-zip-compressed": ARCHIVE,
    "application/gzip": ARCHIVE,
    "application/x-7z-compressed": ARCHIVE,
    "application/x-rar-compressed": ARCHIVE,
    "message/rfc822": EMAIL,
    "application/vnd.ms-outlook": EMAIL,
}


def file_kind(mimetype):
    """The kind of a file (``PDF``, ``IMAGE``...) from its MIME type; ``OTHER`` when unknown."""
    mimetype = (mimetype or "").split(";")[0].strip().lower()
    if mimetype in _KIND_OF_MIME:
        return _KIND_OF_MIME[mimetype]
    if mimetype.startswith("image/"):
        return IMAGE
    if mimetype.startswith("text/"):
        return PLAIN_TEXT
    return OTHER

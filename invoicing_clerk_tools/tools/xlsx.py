"""The one XLSX writer of the addon, on xlsxwriter.

An export describes its columns and hands over its rows as an iterator; the
sheet is written in ``constant_memory`` mode, row by row, so memory does not
grow with the number of rows.

Header titles may be any object with a ``str()`` (the reports pass Odoo's lazy
translations) and ``translate`` turns them into text in the reader's language:
the reports pass ``env._``; by default titles are written in English.
"""

from collections import namedtuple
from datetime import date

import xlsxwriter

try:  # the helper stays importable (and tested) without Odoo
    from odoo.tools.translate import LazyTranslate
except ImportError:  # pragma: no cover - plain Python
    LazyTranslate = None

_lt = LazyTranslate("invoicing_clerk_tools") if LazyTranslate else (lambda source: source)

Column = namedtuple("Column", "title kind width", defaults=("text", 16))
# kind: text, int, number, money, percent, date, datetime, bool
# title: a string or a lazy translation (anything with a str())

YES = _lt("yes")
NO = _lt("no")


def untranslated(text):
    """The English text of a title: a lazy translation in en_US (no language lookup), else ``str()``."""
    if hasattr(text, "_translate"):
        return text._translate("en_US")
    return str(text)

_FORMATS = {
    "text": {},
    "int": {"num_format": "0"},
    "number": {"num_format": "#,##0.00"},
    "money": {"num_format": "#,##0.00;[Red]-#,##0.00"},
    "percent": {"num_format": "0.00%"},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    "bool": {"align": "center"},
}
HEADER_FORMAT = {"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1, "text_wrap": True,
                 "valign": "vcenter"}


def write_sheet(workbook, name, columns, rows, formats=None, title=None, translate=untranslated):
    """Write one sheet: an optional title line, a frozen header with autofilter, then ``rows``.

    ``rows`` yields sequences with one value per column; ``None`` leaves the cell
    empty. ``translate`` turns the header titles and the yes/no of boolean
    columns into text. Returns the number of rows written.
    """
    formats = formats or add_formats(workbook)
    sheet = workbook.add_worksheet(name[:31])
    header_row = 0
    if title:
        sheet.write(0, 0, title, formats["title"])
        header_row = 2
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(header_row, col, translate(column.title), formats["header"])
    sheet.freeze_panes(header_row + 1, 0)
    labels = (translate(NO), translate(YES))
    writers = [_cell_writer(sheet, column.kind, formats[column.kind], labels) for column in columns]
    row_index = header_row
    for row_index, values in enumerate(rows, start=header_row + 1):  # noqa: B007 - used after the loop
        for col, value in enumerate(values):
            if value is not None:
                writers[col](row_index, col, value)
    sheet.autofilter(header_row, 0, max(row_index, header_row), len(columns) - 1)
    return row_index - header_row


_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def _cell_writer(sheet, kind, cell_format, labels=("no", "yes")):
    """A function writing one value of a column of ``kind``: chosen once per column, not per cell."""
    if kind in ("int", "number", "money", "percent"):
        write_number = sheet.write_number
        return lambda row, col, value: write_number(row, col, value, cell_format)
    if kind == "date":
        write_number = sheet.write_number
        return lambda row, col, value: value and write_number(
            row, col, value.toordinal() - _EXCEL_EPOCH, cell_format)
    if kind == "datetime":
        write_datetime = sheet.write_datetime
        return lambda row, col, value: value and write_datetime(row, col, value, cell_format)
    if kind == "bool":
        write_string = sheet.write_string
        no, yes = labels
        return lambda row, col, value: write_string(row, col, yes if value else no, cell_format)
    write_string = sheet.write_string
    return lambda row, col, value: value is not False and write_string(row, col, str(value), cell_format)


def add_formats(workbook):
    formats = {kind: workbook.add_format(spec) for kind, spec in _FORMATS.items()}
    formats["header"] = workbook.add_format(HEADER_FORMAT)
    formats["title"] = workbook.add_format({"bold": True, "font_size": 14})
    return formats


def new_workbook(target):
    """A workbook writing to a path or binary file object, in constant memory."""
    return xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False,
                                        "default_date_format": "yyyy-mm-dd", "strings_to_formulas": False,
                                        "strings_to_urls": False})


def export(target, sheets, translate=untranslated):
    """Write a workbook of ``sheets``: an iterable of (name, columns, rows[, title]).

    ``translate`` (``env._`` in Odoo) gives the header titles and yes/no in the reader's language.

    Returns the number of data rows per sheet name.
    """
    workbook = new_workbook(target)
    formats = add_formats(workbook)
    counts = {}
    try:
        for sheet in sheets:
            name, columns, rows, *rest = sheet
            counts[name] = write_sheet(workbook, name, columns, rows, formats, title=rest[0] if rest else None,
                                         translate=translate)
    finally:
        workbook.close()
    return counts

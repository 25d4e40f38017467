"""The one XLSX writer of the addon, on xlsxwriter.

An export describes its columns and hands over its rows as an iterator; the
sheet is written in ``constant_memory`` mode, row by row, so memory does not
grow with the number of rows.
"""

from collections import namedtuple
from datetime import date, datetime

import xlsxwriter

Column = namedtuple("Column", "title kind width", defaults=("text", 16))
# kind: text, int, number, money, percent, date, datetime, bool

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


def write_sheet(workbook, name, columns, rows, formats=None, title=None):
    """Write one sheet: an optional title line, a frozen header with autofilter, then ``rows``.

    ``rows`` yields sequences with one value per column; ``None`` leaves the cell
    empty. Returns the number of rows written.
    """
    formats = formats or add_formats(workbook)
    sheet = workbook.add_worksheet(name[:31])
    header_row = 0
    if title:
        sheet.write(0, 0, title, formats["title"])
        header_row = 2
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write(header_row, col, column.title, formats["header"])
    sheet.freeze_panes(header_row + 1, 0)
    row_index = header_row
    cell_formats = [formats[column.kind] for column in columns]
    kinds = [column.kind for column in columns]
    for row_index, values in enumerate(rows, start=header_row + 1):  # noqa: B007
        for col, value in enumerate(values):
            if value is None or value is False and kinds[col] != "bool":
                continue
            kind = kinds[col]
            if kind in ("date", "datetime"):
                if isinstance(value, datetime) or isinstance(value, date):
                    sheet.write_datetime(row_index, col, value if isinstance(value, datetime)
                                         else datetime(value.year, value.month, value.day), cell_formats[col])
                continue
            if kind == "bool":
                sheet.write_string(row_index, col, "yes" if value else "no", cell_formats[col])
            elif kind in ("int", "number", "money", "percent"):
                sheet.write_number(row_index, col, value, cell_formats[col])
            else:
                sheet.write_string(row_index, col, str(value), cell_formats[col])
    sheet.autofilter(header_row, 0, max(row_index, header_row), len(columns) - 1)
    return row_index - header_row


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


def export(target, sheets):
    """Write a workbook of ``sheets``: an iterable of (name, columns, rows[, title]).

    Returns the number of data rows per sheet name.
    """
    workbook = new_workbook(target)
    formats = add_formats(workbook)
    counts = {}
    try:
        for sheet in sheets:
            name, columns, rows, *rest = sheet
            counts[name] = write_sheet(workbook, name, columns, rows, formats, title=rest[0] if rest else None)
    finally:
        workbook.close()
    return counts

"""The addon's plain functions, without Odoo."""

import io
from datetime import date, datetime

import openpyxl
import pytest


def test_buckets_cover_every_boundary(plain):
    aging = plain("aging")
    expected = {-400: "current", -1: "current", 0: "current", 1: "1_30", 30: "1_30", 31: "31_60", 60: "31_60",
                61: "61_90", 90: "61_90", 91: "90_plus", 5000: "90_plus"}
    for days, key in expected.items():
        assert aging.bucket_for(days) == key, days


def test_days_overdue(plain):
    aging = plain("aging")
    assert aging.days_overdue(date(2026, 1, 1), date(2026, 1, 31)) == 30
    assert aging.days_overdue(date(2026, 2, 1), date(2026, 1, 31)) == -1
    assert aging.days_overdue(None, date(2026, 1, 31)) == 0


def test_xlsx_export_layout(plain):
    xlsx = plain("xlsx")
    columns = [xlsx.Column("Name"), xlsx.Column("When", "date", 12), xlsx.Column("Amount", "money"),
               xlsx.Column("Paid", "bool"), xlsx.Column("Count", "int")]
    rows = iter([("A", date(2026, 1, 2), 10.5, True, 3), ("B", None, -2.0, False, None)])
    buffer = io.BytesIO()
    counts = xlsx.export(buffer, [("Sheet", columns, rows, "Title line")])
    assert counts == {"Sheet": 2}
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A1"].value == "Title line"
    assert [cell.value for cell in sheet[3]] == ["Name", "When", "Amount", "Paid", "Count"]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:E5"
    assert sheet["B4"].value == datetime(2026, 1, 2)
    assert sheet["B4"].number_format == "yyyy-mm-dd"
    assert sheet["C5"].value == -2.0
    assert sheet["D4"].value == "yes" and sheet["D5"].value == "no"
    assert sheet["B5"].value is None and sheet["E5"].value is None
    assert sheet.column_dimensions["B"].width == pytest.approx(12, abs=1)


def test_xlsx_export_streams_rows(plain):
    xlsx = plain("xlsx")
    produced = []

    def rows():
        for i in range(1000):
            produced.append(i)
            yield (f"row {i}", i)

    buffer = io.BytesIO()
    xlsx.export(buffer, [("Big", [xlsx.Column("Name"), xlsx.Column("N", "int")], rows())])
    assert len(produced) == 1000
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active
    assert sheet.max_row == 1001


def test_flags_are_raised_for_the_block_only(plain):
    import contextvars

    flags = plain("flags")
    flag = contextvars.ContextVar("test_flag", default=False)
    with flags.raised(flag):
        assert flag.get() is True
        with flags.raised(flag, "inner"):
            assert flag.get() == "inner"
        assert flag.get() is True
    assert flag.get() is False
    try:
        with flags.raised(flag):
            raise RuntimeError
    except RuntimeError:
        pass
    assert flag.get() is False


def test_missing_address_parts_names_what_the_nearest_address_lacks(plain):
    billing = plain("billing")
    street, city, country = billing.STREET, billing.CITY, billing.COUNTRY
    assert billing.missing_address_parts([{street, city}]) == [country]
    assert billing.missing_address_parts([set()]) == [street, city, country]
    assert billing.missing_address_parts([]) == [street, city, country]
    # the invoice address nearer to complete is the one to finish; a tie goes to the customer itself
    assert billing.missing_address_parts([{city}, {street, country}]) == [city]
    assert billing.missing_address_parts([{street}, {country}]) == [city, country]
    assert billing.missing_address_parts([{street, city, country}]) == []

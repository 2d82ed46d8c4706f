"""govmb.tables: bounded reading of CSV and XLSX; writing that no spreadsheet runs as a formula."""
import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from govmb import tables


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+86 791", "'+86 791"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("马丽", "马丽"), ("a=b", "a=b"), ("", ""), (-3, -3), (2.5, 2.5), (None, None),
])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value, expected):
    assert tables.neutralised(value) == expected


def test_csv_and_xlsx_are_written_safe():
    rows = [["=cmd|' /C calc'!A0", dt.date(2026, 10, 1), 3.5, None, "控制\x07字符"]]
    text = tables.csv_bytes(["名称", "日期", "学时", "空", "备注"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'=cmd|' /C calc'!A0", "2026-10-01", "3.5", "", "控制\x07字符"]
    sheet = load_workbook(io.BytesIO(tables.xlsx_bytes(["名称", "日期", "学时", "空", "备注"], rows, "=表"))).active
    cells = [c for c in next(sheet.iter_rows(min_row=2))]
    assert cells[0].value == "'=cmd|' /C calc'!A0" and cells[0].data_type == "s"
    assert cells[1].value == dt.datetime(2026, 10, 1) and cells[2].value == 3.5
    assert cells[4].value == "控制字符"  # XLSX cannot hold control characters


def test_records_keep_their_sheet_row_numbers_and_map_headers():
    data = "账号,日期,粉丝数,备注\n账号1,2026-10-01,5,x\n,,,\n账号2,2026-10-02,6,\n".encode()
    got = tables.read_records("a.csv", data, {"账号": "account", "日期": "day", "粉丝数": "followers"},
                              required=("day", ("account_id", "account")))
    assert got == [(2, {"account": "账号1", "day": "2026-10-01", "followers": "5", "备注": "x"}),
                   (4, {"account": "账号2", "day": "2026-10-02", "followers": "6", "备注": ""})]


def test_an_xlsx_is_read_only_as_wide_as_its_header():
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "粉丝数"])
    sheet.append([dt.datetime(2026, 10, 1), 5, "beyond the header"])
    sheet.cell(row=1000, column=200, value="far away")
    out = io.BytesIO()
    book.save(out)
    table = tables.read_table("a.xlsx", out.getvalue())
    assert table[1] == [dt.datetime(2026, 10, 1), 5] and all(len(row) == 2 for row in table)


@pytest.mark.parametrize("name,data,problem", [
    ("a.txt", b"x", "只接受"),
    ("a.csv", b"", "空的"),
    ("a.csv", b"\xff\xfe\xfa\xfb\x81\x20", "编码"),
    ("a.xlsx", b"PK\x03\x04 broken", "无法读取"),
    ("a.csv", "列\n" + "x\n" * 11, "至多导入 10 行"),
    ("a.csv", "列\n\x00\n", "NUL"),
])
def test_unreadable_files_are_refused_whole(name, data, problem):
    data = data.encode() if isinstance(data, str) else data
    with pytest.raises(tables.TableError, match=problem):
        tables.read_table(name, data, max_rows=10)


def test_too_big_a_file_is_refused_before_it_is_parsed():
    with pytest.raises(tables.TableError, match="过大"):
        tables.read_table("a.csv", b"x" * 11, max_bytes=10)


def test_a_missing_column_is_named():
    with pytest.raises(tables.TableError, match="粉丝数"):
        tables.read_records("a.csv", "日期\n2026-10-01\n".encode(), {"日期": "day", "粉丝数": "followers"},
                            required=("day", "followers"))

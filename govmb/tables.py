"""The tables people exchange with the platform: CSV (UTF-8, or GBK as Excel in China saves
it) and XLSX, read and written.

Reading is bounded: the file's size, what an XLSX (a zip) unpacks to (a few kilobytes of
zip can unpack to gigabytes), the number of rows, and an XLSX sheet only as wide as its
header (a file's declared dimensions can be enormous). A file that cannot be read is
refused whole with a `TableError`; judging each row is the caller's business.

Writing neutralises spreadsheet formula injection: a text cell that begins with = + - @
(or a tab or carriage return, which Excel skips before looking) gets a leading apostrophe,
so a spreadsheet shows it as text and never runs it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

from marshmallow import Schema, ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govmb.messages import said, translated

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # an XLSX's parts unzipped; 2 MB of real messages unpack to about 12
MAX_ROWS = 20_000
MAX_COLUMNS = 64
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BINARY = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters no text table holds (NUL: below)


class TableError(ValueError):
    """The file as a whole cannot be read: the import is refused and nothing changes."""


def read_table(filename: str, data: bytes, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> list[list]:
    """Every row of the file, the header first. CSV cells are strings; XLSX cells are what
    the sheet holds (numbers, datetimes, strings, None)."""
    if len(data) > max_bytes:
        raise TableError(said("文件过大：至多 {mb} MB", mb=max_bytes // (1024 * 1024)))
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _read_xlsx(data, max_rows)
    elif name.endswith(".csv"):
        table = _read_csv(data, max_rows)
    else:
        raise TableError("只接受 .csv 或 .xlsx 文件")
    if not table or not any(c not in (None, "") for c in table[0]):
        raise TableError("文件是空的，或缺少表头")
    if len(table) - 1 > max_rows:
        raise TableError(said("一次至多导入 {n} 行", n=max_rows))
    if any(isinstance(c, str) and "\x00" in c for row in table for c in row):
        raise TableError("文件中含有不允许的空字符（NUL）")
    return table


def _unpacked_size(data: bytes) -> int:
    """What the zip's parts declare they unpack to; zipfile never unpacks a part beyond it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise TableError(said("无法读取 XLSX 文件：{kind}", kind=type(exc).__name__)) from exc


def _read_xlsx(data: bytes, max_rows: int) -> list[list]:
    if _unpacked_size(data) > MAX_UNPACKED_BYTES:
        raise TableError(said("XLSX 文件解压后过大（至多 {mb} MB），请删去多余内容或改用 CSV",
                              mb=MAX_UNPACKED_BYTES // (1024 * 1024)))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            first = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
            width = max((i + 1 for i, v in enumerate(first) if v not in (None, "")), default=1)
            table = []
            for row in sheet.iter_rows(max_col=width, values_only=True):
                table.append(list(row))
                if len(table) > max_rows + 1:
                    break
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(said("无法读取 XLSX 文件：{kind}", kind=type(exc).__name__)) from exc
    return table


def _read_csv(data: bytes, max_rows: int) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("CSV 文件的编码无法识别（请用 UTF-8 或 GBK）")
    if BINARY.search(text):  # GB18030 decodes almost any bytes: a picture or a program renamed .csv
        raise TableError("文件不是文本表格（其中有控制字符），请上传 .csv 或 .xlsx 文件")
    table = []
    try:
        for row in csv.reader(io.StringIO(text)):
            table.append(row[:MAX_COLUMNS])
            if len(table) > max_rows + 1:
                break
    except csv.Error as exc:
        raise TableError(said("CSV 格式有误：{error}", error=exc)) from exc
    return table


def read_records(filename: str, data: bytes, headers: dict[str, str], required: Sequence[str | tuple[str, ...]] = (),
                 max_rows: int = MAX_ROWS) -> list[tuple[int, dict]]:
    """(row number, {field: cell}) for every row that is not empty; row 1 is the header.

    `headers` maps a column's title to a field ("粉丝数" → "followers"); a column titled with
    the field's own name is taken too. Each item of `required` is a field, or a tuple of
    fields of which one is enough; a file without it is refused."""
    return read_titled_records(filename, data, headers, required, max_rows)[1]


def loaded(records: Iterable[tuple[int, dict]], schema: Schema, errors: list[dict]):
    """(row number, loaded row) for each record `schema` loads; each one it refuses is added to
    `errors` as {"row": number, "errors": {field: message}} (the first message of each field)."""
    for number, raw in records:
        try:
            yield number, schema.load(raw)
        except ValidationError as exc:
            errors.append({"row": number, "errors": translated({k: v[0] for k, v in exc.messages.items()})})


def read_titled_records(filename: str, data: bytes, headers: dict[str, str],
                        required: Sequence[str | tuple[str, ...]] = (),
                        max_rows: int = MAX_ROWS) -> tuple[dict[str, str], list[tuple[int, dict]]]:
    """`read_records`, with each field's column title as this file heads it ({"platform_message_id":
    "消息ID"}), for a message that names the column the way the person sees it."""
    table = read_table(filename, data, max_rows)
    labels = [str(h or "").strip() for h in table[0]]
    header = [headers.get(label, label) for label in labels]
    titles = {}
    for title, field in headers.items():
        titles.setdefault(field, title)
    missing = ["或".join(titles.get(f, f) for f in ((need,) if isinstance(need, str) else need))
               for need in required if not set((need,) if isinstance(need, str) else need) & set(header)]
    if missing:
        raise TableError(said("缺少这些列：{columns}", columns='、'.join(missing)))
    records = [(number, {k: v for k, v in zip(header, row) if k})
               for number, row in enumerate(table[1:], start=2) if any(c not in (None, "") for c in row)]
    return {field: label for field, label in zip(header, labels) if field}, records


def neutralised(value):
    """A cell as it may go into a spreadsheet: text that a spreadsheet would run as a formula
    starts with an apostrophe; other values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV in UTF-8 with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralised(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralised(v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1") -> bytes:
    """An XLSX workbook of one sheet; text cells neutralised and stripped of the control
    characters XLSX cannot hold; dates kept as dates."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([xlsx_cell(h) for h in header])
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_cell(value):
    """A value as it may go into an XLSX cell: text neutralised and stripped of what XLSX cannot hold."""
    if isinstance(value, str):
        return neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value

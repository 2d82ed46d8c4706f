"""Importing a platform's export (CSV or XLSX) of comments, mentions, private messages and
forwards. A file that cannot be read is refused whole and changes nothing; in a readable
file, each bad row is reported by its row number and the good rows are imported; a platform
message already imported (or repeated in the file) is counted, never taken twice.

Excel keeps a number to 15 significant digits: a longer ID stored as a number has already
lost its last digits (zeros in their place, or rounded), and nothing can bring them back.
Such a cell is a bad row that says so and asks for the column as text; an integral number
that fits is read as the integer it is, without a trailing ".0"."""
from __future__ import annotations

import datetime as dt
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from govmb.domain import DomainError
from govmb.identity import Identity
from govmb.messages import said, translated
from govmb.tables import TableError, read_titled_records
from govmb.timefmt import BEIJING
from services.inquiry import handling
from services.inquiry.models import Account, Message, db
from services.inquiry.workdays import EARLIEST

HEADERS = {"平台消息ID": "platform_message_id", "消息ID": "platform_message_id", "类型": "kind", "网民": "citizen_handle",
           "网民昵称": "citizen_handle", "联系方式": "citizen_contact", "内容": "text", "时间": "received_at",
           "发布时间": "received_at"}
KINDS = {"评论": "comment", "提及": "mention", "@": "mention", "私信": "private", "转发": "forward"}
REQUIRED = ("platform_message_id", "kind", "citizen_handle", "text", "received_at")
TEXT_FIELDS = ("platform_message_id", "kind", "citizen_handle", "citizen_contact", "text")
EXCEL_DIGITS = 15  # significant digits Excel keeps of a number
SCIENTIFIC = re.compile(r"^\d\.\d+E\+\d+$")  # how Excel writes a long number into a CSV


class ImportError_(ValueError):
    """The import as a whole is refused (the file cannot be read, or the account is not the unit's)."""

    def __init__(self, message: str, field: str = "file"):
        super().__init__(message)
        self.field = field


class RowSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    platform_message_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(("comment", "mention", "private", "forward")))
    citizen_handle = fields.String(required=True, validate=validate.Length(min=1, max=100))
    citizen_contact = fields.String(load_default="", validate=validate.Length(max=100))
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    received_at = fields.AwareDateTime(required=True, default_timezone=BEIJING,
                                       validate=validate.Range(min=EARLIEST, error="收到时间须在 2004 年以后"))

    @pre_load
    def _tidy(self, row, **_):
        row = {k: ("" if v is None else v) for k, v in row.items()}
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if isinstance(row.get("received_at"), dt.datetime):
            row["received_at"] = row["received_at"].isoformat()
        elif isinstance(row.get("received_at"), str) and len(row["received_at"]) >= 16:
            row["received_at"] = row["received_at"].replace(" ", "T", 1)
        row["kind"] = KINDS.get(row.get("kind", ""), row.get("kind", ""))
        return {k: v for k, v in row.items() if v != ""}


def numbers_as_text(row: dict, labels: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The row with each number in a text column as the text it stands for (1234567890.0 →
    "1234567890"), and the columns whose number Excel has rounded (more than 15 digits), each
    with a message naming the column as the file heads it."""
    out, problems = dict(row), {}
    for key in TEXT_FIELDS:
        value, label = row.get(key), labels.get(key, key)
        if isinstance(value, str) and key == "platform_message_id" and SCIENTIFIC.match(value.strip()):
            problems[key] = (said("“{label}”列的“{value}”是科学计数法：Excel 已把这个数字舍入，原来的 ID 无法还原；"
                                      "请在 Excel 中把“{label}”列设为“文本”格式，重新填入或导出后再导入",
                                      label=label, value=value.strip()))
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if isinstance(value, float) and not value.is_integer():
            out[key] = repr(value)
            continue
        digits = str(abs(int(value)))
        if len(digits) > EXCEL_DIGITS:
            problems[key] = (said("“{label}”列的 {digits} 是以数字存储的 {n} 位数：Excel 只保留 15 位有效数字，"
                                      "多出的位已被舍入，原来的 ID 无法还原；请把“{label}”列设为“文本”格式，重新填入后再导入",
                                      label=label, digits=digits, n=len(digits)))
        out[key] = str(int(value))
    return out, problems


def _loaded(rows, labels) -> tuple[list, list]:
    """The rows that load ((number, row)), and the errors of those that do not, by row number."""
    errors, good = [], []
    for number, raw in rows:
        raw, rounded = numbers_as_text(raw, labels)
        try:
            loaded = RowSchema().load(raw)
        except ValidationError as exc:
            errors.append({"row": number, "errors": {**translated({k: v[0] for k, v in exc.messages.items()}), **rounded}})
            continue
        if rounded:
            errors.append({"row": number, "errors": rounded})
        else:
            good.append((number, loaded))
    return good, errors


def import_file(filename: str, data: bytes, account_id: int, platform: str, who: Identity) -> dict:
    account = Account.get_or_none(Account.id == account_id)
    if account is None or account.unit_id != who.unit_id:
        raise ImportError_("只能导入本单位账号的消息", field="account_id")
    try:  # each row keeps its number in the file, blank rows skipped
        labels, rows = read_titled_records(filename, data, HEADERS, REQUIRED)
    except TableError as exc:
        raise ImportError_(str(exc)) from exc
    good, errors = _loaded(rows, labels)
    seen = {m.platform_message_id for m in Message.select(Message.platform_message_id).where(
        Message.platform == platform, Message.platform_message_id.in_([r["platform_message_id"] for _, r in good]))}
    with db.atomic():
        imported, duplicates = _store(good, seen, {"account_id": account_id, "platform": platform}, who, errors)
    return {"imported": imported, "duplicates": duplicates, "errors": sorted(errors, key=lambda e: e["row"])}


def _store(good: list, seen: set, fixed: dict, who: Identity, errors: list) -> tuple[int, int]:
    """Receive each loaded row not seen before; (imported, duplicates), the refusals added to `errors`."""
    imported = duplicates = 0
    for number, row in good:
        if row["platform_message_id"] in seen:
            duplicates += 1
            continue
        try:
            handling.receive({**row, **fixed}, who, "import")
        except DomainError as exc:
            errors.append({"row": number, "errors": {k: v[0] for k, v in (exc.errors or {}).items()}
                           or {"_": exc.message}})
            continue
        seen.add(row["platform_message_id"])
        imported += 1
    return imported, duplicates

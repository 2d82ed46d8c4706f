"""Importing a platform's export: bad rows by number, good rows in, nothing twice; a file that
cannot be read changes nothing."""
import io

import pytest
from openpyxl import Workbook

from services.inquiry.models import Message
from tests.inquiry.conftest import DEPT_STAFF, OTHER

HEADER = "平台消息ID,类型,网民,联系方式,内容,时间\n"
GOOD = ("m-1,评论,@居民甲,,路灯坏了,2026-09-30 10:00\n"
        "m-2,私信,@居民乙,138****0000,噪音扰民,2026-10-08 09:30:00\n")
BAD = ("m-3,电报,@居民丙,,内容,2026-10-08 09:30\n"  # an unknown kind
       ",评论,@居民丁,,内容,2026-10-08 09:30\n"  # no platform message id
       "m-5,评论,@居民戊,,内容,昨天\n")  # a time that is no time


def upload(client, name, data, headers=DEPT_STAFF, account_id=1):
    return client.post("/api/messages/import", headers=headers, content_type="multipart/form-data",
                       data={"account_id": str(account_id), "platform": "sina", "file": (io.BytesIO(data), name)})


def test_good_rows_are_imported_bad_rows_reported_by_number(client):
    r = upload(client, "export.csv", (HEADER + GOOD + BAD).encode("utf-8"))
    assert r.status_code == 200
    assert r.json["imported"] == 2 and r.json["duplicates"] == 0
    assert [(e["row"], sorted(e["errors"])) for e in r.json["errors"]] == [
        (4, ["kind"]), (5, ["platform_message_id"]), (6, ["received_at"])]
    first = Message.get(Message.platform_message_id == "m-1")
    assert first.source == "import" and first.feedback_due_at.isoformat() == "2026-10-10T16:00:00"


def test_a_bad_row_after_blank_ones_is_reported_by_its_own_row_number(client):
    r = upload(client, "export.csv", (HEADER + GOOD + "\n,,,,,\n" + BAD).encode("utf-8"))  # rows 4 and 5 are blank
    assert r.json["imported"] == 2
    assert [e["row"] for e in r.json["errors"]] == [6, 7, 8]


def test_importing_the_same_export_twice_adds_nothing(client):
    upload(client, "export.csv", (HEADER + GOOD).encode("utf-8"))
    again = upload(client, "export.csv", (HEADER + GOOD + "m-1,评论,@居民甲,,重复一行,2026-09-30 10:00\n").encode("utf-8"))
    assert again.json == {"imported": 0, "duplicates": 3, "errors": []}
    assert Message.select().count() == 2


def test_an_xlsx_export_in_gbk_free_excel_form_is_read(client):
    book = Workbook()
    sheet = book.active
    sheet.append(["平台消息ID", "类型", "网民", "联系方式", "内容", "时间"])
    sheet.append([10001, "转发", "@居民己", 13812345678, "转发了你的微博", "2026-10-09 11:00"])
    data = io.BytesIO()
    book.save(data)
    r = upload(client, "导出.xlsx", data.getvalue())
    assert r.json["imported"] == 1 and Message.get().platform_message_id == "10001"


def test_gbk_csv_as_excel_saves_it_is_read(client):
    r = upload(client, "export.csv", (HEADER + GOOD).encode("gb18030"))
    assert r.json["imported"] == 2


@pytest.mark.parametrize("name,data,problem", [
    ("export.pdf", b"%PDF-1.4", "只接受"),
    ("export.xlsx", b"not a zip at all", "无法读取"),
    ("export.csv", b"", "空的"),
    ("export.csv", "平台消息ID,内容\nm-1,x\n".encode(), "缺少这些列"),
    ("export.csv", b"\xff\xfe\xfa\x00\xd8", "编码"),
])
def test_a_file_that_cannot_be_read_is_refused_and_changes_nothing(client, name, data, problem):
    r = upload(client, name, data)
    assert r.status_code == 422 and problem in r.json["errors"]["file"][0]
    assert Message.select().count() == 0


def test_only_the_units_own_accounts_take_imports(client):
    for headers, account_id in ((DEPT_STAFF, 3), (OTHER, 1)):
        r = upload(client, "export.csv", (HEADER + GOOD).encode("utf-8"), headers=headers, account_id=account_id)
        assert r.status_code == 422 and "本单位账号" in r.json["errors"]["account_id"][0]
    assert Message.select().count() == 0


def test_a_tiny_xlsx_declaring_a_huge_sheet_is_read_only_as_wide_and_long_as_needed(client):
    book = Workbook()
    sheet = book.active
    sheet.append(["平台消息ID", "类型", "网民", "联系方式", "内容", "时间"])
    sheet.append(["x-1", "评论", "@甲", "", "内容", "2026-10-09 11:00"])
    sheet.cell(row=1_048_576, column=16_384, value="far away")  # the sheet now claims A1:XFD1048576
    data = io.BytesIO()
    book.save(data)
    r = upload(client, "huge.xlsx", data.getvalue())
    assert r.status_code == 422 and "至多导入" in r.json["errors"]["file"][0]  # refused after 20,001 rows, not a million
    assert Message.select().count() == 0


def xlsx(*rows, header=("平台消息ID", "类型", "网民", "联系方式", "内容", "时间")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_long_ids_stored_as_text_survive_and_integral_numbers_lose_no_trailing_zero(client):
    data = xlsx(["4912345678901234567", "评论", "@甲", "", "文本格式的长 ID", "2026-10-09 11:00"],
                [123456789012345, "评论", "@乙", 13812345678, "15 位以内的数字", "2026-10-09 11:00"],
                [20.0, "评论", 12345, "", "数字昵称", "2026-10-09 11:00"])
    r = upload(client, "导出.xlsx", data)
    assert r.json == {"imported": 3, "duplicates": 0, "errors": []}
    assert sorted(m.platform_message_id for m in Message.select()) == ["123456789012345", "20", "4912345678901234567"]
    second = Message.get(Message.platform_message_id == "123456789012345")
    assert second.citizen_contact.plain() == "13812345678"
    assert Message.get(Message.platform_message_id == "20").citizen_handle.plain() == "12345"


def test_an_id_excel_has_already_rounded_is_a_bad_row_naming_the_column(client):
    data = xlsx([4912345678901234567, "评论", "@甲", "", "数字存储的 19 位 ID", "2026-10-09 11:00"],
                [4912345678901230000, "评论", "@乙", "", "Excel 补了零的 ID", "2026-10-09 11:00"],
                ["m-3", "评论", "@丙", "", "正常的一行", "2026-10-09 11:00"],
                header=("消息ID", "类型", "网民", "联系方式", "内容", "时间"))
    r = upload(client, "导出.xlsx", data)
    assert r.status_code == 200 and r.json["imported"] == 1
    assert [(e["row"], sorted(e["errors"])) for e in r.json["errors"]] == [
        (2, ["platform_message_id"]), (3, ["platform_message_id"])]
    problem = r.json["errors"][0]["errors"]["platform_message_id"]
    assert "“消息ID”列" in problem and "15 位" in problem and "文本" in problem
    assert [m.platform_message_id for m in Message.select()] == ["m-3"]


def test_a_rounded_id_is_reported_beside_the_rows_other_problems(client):
    data = xlsx([4912345678901234567, "电报", "@甲", "", "内容", "2026-10-09 11:00"])
    errors = upload(client, "导出.xlsx", data).json["errors"]
    assert [sorted(e["errors"]) for e in errors] == [["kind", "platform_message_id"]]


def test_a_csv_with_an_id_excel_wrote_in_scientific_notation_is_refused_by_row(client):
    body = HEADER + "4.91235E+18,评论,@甲,,内容,2026-10-09 11:00\n" + "m-2,评论,@乙,,内容,2026-10-09 11:00\n"
    r = upload(client, "export.csv", body.encode("utf-8"))
    assert r.json["imported"] == 1 and r.json["errors"][0]["row"] == 2
    assert "科学计数法" in r.json["errors"][0]["errors"]["platform_message_id"]


def test_numbers_in_text_columns_read_as_the_text_they_stand_for():
    from services.inquiry.imports import numbers_as_text
    labels = {"platform_message_id": "平台消息ID"}
    assert numbers_as_text({"platform_message_id": 10002.0}, labels) == ({"platform_message_id": "10002"}, {})
    assert numbers_as_text({"platform_message_id": 12.5}, labels) == ({"platform_message_id": "12.5"}, {})
    assert numbers_as_text({"platform_message_id": 999_999_999_999_999}, labels)[1] == {}  # 15 digits fit
    row, problems = numbers_as_text({"platform_message_id": 1.234567890123457e+18}, labels)
    assert "“平台消息ID”列" in problems["platform_message_id"]
    assert numbers_as_text({"received_at": 46000.5}, labels) == ({"received_at": 46000.5}, {})  # not a text column

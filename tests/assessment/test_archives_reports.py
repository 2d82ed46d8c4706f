"""Monthly archives (never overwritten, tamper shows), quarterly reports (PDF and XLSX with
charts), third-party scores, and the duty log."""
import io
import re

import peewee
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from services.assessment.models import Archive
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER, feed, message, post

REVIEWS = [{"action": "write", "actor_name": "马丽", "at": "2026-06-03T01:00:00+00:00"},
           {"action": "check", "actor_name": "罗斌", "at": "2026-06-03T02:00:00+00:00"},
           {"action": "approve", "actor_name": "梁宇", "at": "2026-06-03T03:00:00+00:00"}]


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def june(app):
    post(1, 4, "2026-06-03T04:00:00+00:00", text="东湖区养老服务补贴申领指南发布", reviews=REVIEWS)
    post(3, 5, "2026-06-04T04:00:00+00:00", text="地铁3号线调整运营时间")
    message(1, 4, "2026-06-05T00:00:00+00:00", "2026-06-06T00:00:00+00:00", category="complaint",
            sentiment="negative")
    message(1, 4, "2026-06-06T00:00:00+00:00", "2026-06-07T00:00:00+00:00", category="praise", sentiment="positive",
            kind="forward")
    feed("inquiry.notice.changed", {"notice_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "importance": "high",
                                    "kind": "养老服务", "status": "replied", "issued_at": "2026-06-08T00:00:00+00:00",
                                    "replied_at": "2026-06-09T00:00:00+00:00"})
    return app


def test_a_month_is_filed_once_per_unit_as_a_printable_document(june, client):
    assert client.post("/api/archives", json={"month": "2026-06"}, headers=DEPT).status_code == 403
    r = client.post("/api/archives", json={"month": "2026-06"}, headers=OFFICE)
    assert r.status_code == 201 and r.json["filed"] == 2  # units 4 and 5 have accounts
    again = client.post("/api/archives", json={"month": "2026-06"}, headers=OFFICE)
    assert again.json["filed"] == 0 and Archive.select().count() == 2  # never overwritten
    mine = client.get("/api/archives", headers=DEPT).json
    assert [a["unit_name"] for a in mine] == ["东湖区民政局"]
    assert mine[0]["summary"]["posts"] == 1 and mine[0]["summary"]["by_category"]["complaint"] == 1
    pdf = client.get(f"/api/archives/{mine[0]['id']}/pdf", headers=DEPT)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = text_of(pdf.data)
    for words in ("东湖区民政局政务微博工作月度归档", "2026年6月", "东湖区养老服务补贴申领指南发布", "核稿通过：罗斌",
                  "审批通过：梁宇", "投诉质疑", "养老服务"):
        assert words in text, words
    assert "地铁3号线" not in text  # another unit's post
    assert client.get(f"/api/archives/{mine[0]['id']}/pdf", headers=OTHER).status_code == 404
    bad = client.post("/api/archives", json={"month": "2026-13"}, headers=OFFICE)
    assert bad.status_code == 422 and "month" in bad.json["errors"]
    assert client.post("/api/archives", json={"month": "2099-01"}, headers=OFFICE).status_code == 422


def test_the_monthly_job_files_last_month_once_for_every_unit_with_an_account(app, client):
    """The worker's job (`jobs.PERIODIC`, every ARCHIVE_INTERVAL_SECONDS): last Beijing month,
    filed once per unit; run again (a restart, a second replica) it files nothing more."""
    from govmb.timefmt import last_month
    from services.assessment.archive import build_due
    from services.assessment.jobs import PERIODIC
    assert any(job is build_due for _name, _setting, job in PERIODIC)
    with app.app_context():
        assert build_due() == 2  # units 4 and 5 have accounts open last month
        assert build_due() == 0
        assert {(a.unit_id, a.month) for a in Archive.select()} == {(4, last_month()), (5, last_month())}
    listed = client.get("/api/archives", headers=DEPT).json
    assert [(a["unit_name"], a["month"]) for a in listed] == [("东湖区民政局", last_month())]


def test_a_changed_or_replaced_archive_shows(june, client):
    client.post("/api/archives", json={"month": "2026-06"}, headers=OFFICE)
    client.post("/api/archives", json={"month": "2026-07"}, headers=OFFICE)
    june_doc = Archive.get(Archive.unit_id == 4, Archive.month == "2026-06")
    july_doc = Archive.get(Archive.unit_id == 4, Archive.month == "2026-07")
    assert client.get(f"/api/archives/{july_doc.id}/verify", headers=DEPT).json["intact"] is True
    with pytest.raises(peewee.DatabaseError):  # the database refuses to change a filed document
        Archive.update(pdf=b"%PDF forged").where(Archive.id == june_doc.id).execute()
    # Someone with the database's keys deletes June and writes a forged one in its place.
    row = {f: getattr(june_doc, f) for f in ("unit_id", "unit_name", "unit_path", "month", "summary", "created_at")}
    Archive.delete().where(Archive.id == june_doc.id).execute()
    forged = Archive.create(**row, pdf=b"%PDF forged", sha256=june_doc.sha256, chain=june_doc.chain)
    check = client.get(f"/api/archives/{forged.id}/verify", headers=DEPT).json
    assert check["intact"] is False and "哈希" in check["problems"][0]
    Archive.delete().where(Archive.id == forged.id).execute()
    Archive.create(**row, pdf=b"%PDF forged", sha256="0" * 64, chain="1" * 64)  # hash made to match…
    assert client.get(f"/api/archives/{july_doc.id}/verify", headers=DEPT).json["intact"] is False  # …breaks July


def test_the_quarterly_report_in_json_pdf_and_xlsx(june, client):
    report = client.get("/api/reports/2026-Q2", headers=OFFICE)
    assert report.status_code == 200, report.text
    rows = {r["unit"]: r for r in report.json["rows"]}
    assert set(rows) == {"东湖区民政局", "市交通运输局"} and report.json["title"] == "全市政务微博季度报告"
    assert rows["东湖区民政局"]["messages"] == 2 and rows["东湖区民政局"]["negative_share"] == 0.5
    assert report.json["total"]["posts"] == 2
    county = client.get("/api/reports/2026-Q2", headers=COUNTY).json
    assert [r["unit"] for r in county["rows"]] == ["东湖区民政局"]
    pdf = client.get("/api/reports/2026-Q2?format=pdf", headers=OFFICE)
    assert pdf.mimetype == "application/pdf"
    text = text_of(pdf.data)
    assert "全市政务微博季度报告" in text and "2026年第二季度" in text and "考核得分" in text
    xlsx = client.get("/api/reports/2026-Q2?format=xlsx", headers=OFFICE)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["A1"].value == "单位" and {sheet["A2"].value, sheet["A3"].value} == set(rows)
    assert len(sheet._charts) == 1
    # issue 17, bug 11: the rates as percentages (the fraction kept, shown 0.0%), and a total row
    headers = [c.value for c in sheet[1]]
    negative = headers.index("负面占比") + 1
    by_unit = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    cell = sheet.cell(by_unit["东湖区民政局"], negative)
    assert cell.value == 0.5 and cell.number_format == "0.0%"
    total = by_unit["合计"]
    assert total == sheet.max_row and sheet.cell(total, 1).font.b
    assert sheet.cell(total, headers.index("发布条数") + 1).value == report.json["total"]["posts"] == 2
    messages = sum(r["messages"] for r in rows.values())
    negatives = sum(r["messages"] * (r["negative_share"] or 0) for r in rows.values())
    assert sheet.cell(total, negative).value == pytest.approx(negatives / messages)  # over the totals
    assert sheet.cell(total, negative).number_format == "0.0%"
    assert client.get("/api/reports/2026-Q5", headers=OFFICE).status_code == 422
    assert client.get("/api/reports/2026-Q2?unit_id=5", headers=DEPT).status_code == 404


def test_third_party_scores_import_with_bad_rows_reported(june, client):
    csv = "单位,评估机构,得分,备注\n东湖区民政局,省网信评估中心,88.5,\n不存在的单位,某机构,70,\n市交通运输局,某机构,120,\n"
    r = client.post("/api/reports/2026-Q2/third-party", headers=OFFICE,
                    data={"file": (io.BytesIO(csv.encode("utf-8")), "评估.csv")}, content_type="multipart/form-data")
    assert r.status_code == 200, r.text
    assert r.json["imported"] == 1 and [e["row"] for e in r.json["errors"]] == [3, 4]
    assert "得分应为 0–100 的数" in r.json["errors"][1]["errors"]
    rows = {x["unit"]: x for x in client.get("/api/reports/2026-Q2", headers=OFFICE).json["rows"]}
    assert rows["东湖区民政局"]["third_party"] == 88.5 and rows["市交通运输局"]["third_party"] is None
    garbage = client.post("/api/reports/2026-Q2/third-party", headers=OFFICE,
                          data={"file": (io.BytesIO(b"PK\x03\x04 not a workbook"), "评估.xlsx")},
                          content_type="multipart/form-data")
    assert garbage.status_code == 422 and "file" in garbage.json["errors"]
    assert client.post("/api/reports/2026-Q2/third-party", headers=DEPT,
                       data={"file": (io.BytesIO(csv.encode()), "a.csv")},
                       content_type="multipart/form-data").status_code == 403


def test_the_duty_log_counts_each_day(june, client):
    r = client.get("/api/duty-log?account_id=1&from=2026-06-03&to=2026-06-09", headers=DEPT)
    assert r.status_code == 200, r.text
    days = {d["day"]: d for d in r.json["days"]}
    assert days["2026-06-03"]["posts"] == 1
    assert days["2026-06-05"]["comments"] == 1 and days["2026-06-05"]["negative"] == 1
    assert days["2026-06-06"]["forwards"] == 1 and days["2026-06-06"]["positive_negative"] == "1:0"
    assert days["2026-06-08"]["notices_issued"] == 1 and days["2026-06-09"]["notices_replied"] == 1
    assert r.json["negative_topics"] == [{"category": "complaint", "name": "投诉质疑", "count": 1}]
    assert client.get("/api/duty-log?account_id=3&from=2026-06-03&to=2026-06-09", headers=DEPT).status_code == 404
    bad = client.get("/api/duty-log?account_id=1&from=2026-06-09&to=2026-06-03", headers=DEPT)
    assert bad.status_code == 422 and "to" in bad.json["errors"]


def test_an_official_document_is_in_chinese_whatever_the_readers_language(june, client):
    """Issue 21: a reader of the Uyghur interface downloads the same report, in Chinese (the record's
    language), not a document half in the reader's language; the JSON answer is in theirs."""
    uyghur = {**OFFICE, "Accept-Language": "ug"}
    text = text_of(client.get("/api/reports/2026-Q2?format=pdf", headers=uyghur).data)
    assert "全市政务微博季度报告" in text and "2026年第二季度" in text and "第 1 页" in text
    assert not re.search(r"[\u0600-\u06ff]", text)  # no Uyghur: the document's data holds none
    assert re.search(r"[\u0600-\u06ff]", client.get("/api/reports/2026-Q2", headers=uyghur).json["title"])  # the page's answer

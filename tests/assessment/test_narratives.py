"""Units' quarterly narrative reports (N17, N18): a unit submits its 简报 or 专报 with files and
its figures; the office sees who has and has not, a reminder goes out before the deadline, the
to-do lists the report owed, and the compiled report for the leaders is a PDF of the units' texts."""
import datetime as dt
import io

from pypdf import PdfReader

from govmb.timefmt import beijing_today
from services.assessment import narratives
from services.assessment import reminders as assessment_reminders
from services.assessment.models import NarrativeReport, ReportAttachment
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER, post
from tests.conftest import audit_trail, auth

QUARTER = narratives.previous_quarter(beijing_today())
LATE = beijing_today() > narratives.deadline(QUARTER)  # submitted today: after the deadline?
TEXT = "本季度围绕民生服务发布信息，回应网民关切，开展了两次线上答疑。"


def submit(client, headers=DEPT, files=(), **fields):
    data = {"quarter": QUARTER, "kind": "brief", "title": "东湖区民政局第三季度政务微博工作简报", "text": TEXT,
            **fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/api/narratives", data=data, headers=headers, content_type="multipart/form-data")


def test_a_unit_submits_its_report_with_files_and_its_figures_attached(client):
    middle = narratives.Period.parse(QUARTER).start + dt.timedelta(days=40)
    post(1, 4, f"{middle}T02:00:00+00:00")
    post(1, 4, f"{middle}T03:00:00+00:00", original=False)
    r = submit(client, files=[("工作总结.pdf", b"%PDF-1.4 report"), ("数据.xlsx", b"PK\x03\x04 sheet")])
    assert r.status_code == 201, r.json
    report = r.json
    assert (report["unit_name"], report["quarter"], report["kind_name"], report["submitted_by"]) == (
        "东湖区民政局", QUARTER, "简报", "测试用户")
    assert report["text"] == TEXT and report["late"] is LATE
    assert report["deadline"] == str(narratives.deadline(QUARTER))
    figures = {f["key"]: f for f in report["figures"]}
    assert figures["posts"]["name"] == "发布条数" and figures["posts"]["value"] == 2
    assert figures["original_share"]["value"] == 0.5 and "score" in figures and report["figures_asof"]
    assert [(a["name"], a["size"]) for a in report["attachments"]] == [("工作总结.pdf", 15), ("数据.xlsx", 10)]
    first = report["attachments"][0]
    got = client.get(f"/api/narratives/{report['id']}/attachments/{first['id']}", headers=OFFICE)
    assert got.status_code == 200 and got.data == b"%PDF-1.4 report" and got.mimetype == "application/pdf"
    assert any(a["action"] == "narrative.download" for a in audit_trail(client, OFFICE))
    assert client.get(f"/api/narratives/{report['id']}", headers=COUNTY).json["title"] == report["title"]
    assert client.get(f"/api/narratives/{report['id']}", headers=OTHER).status_code == 404  # another unit's
    assert client.get(f"/api/narratives/{report['id']}/attachments/{first['id']}", headers=OTHER).status_code == 404
    again = submit(client, kind="special")
    assert again.status_code == 409 and NarrativeReport.select().count() == 1  # one report a quarter


def test_bad_input_names_the_field_and_changes_nothing(client, monkeypatch):
    monkeypatch.setattr(narratives, "MAX_FILE_BYTES", 1000)  # each file's limit, below the request's (2 MB)
    future = f"{beijing_today().year + 1}-Q1"
    cases = [({"title": None}, "title"), ({"text": ""}, "text"), ({"quarter": "2026-Q5"}, "quarter"),
             ({"quarter": future}, "quarter"), ({"kind": "memo"}, "kind"), ({"title": "长" * 101}, "title")]
    for fields, field in cases:
        r = submit(client, **fields)
        assert r.status_code == 422 and field in r.json["errors"], (fields, r.json)
    for files in ([("病毒.exe", b"MZ")], [("空.pdf", b"")], [("大.pdf", b"x" * 1001)],
                  [(f"{n}.pdf", b"x") for n in range(narratives.MAX_FILES + 1)]):
        r = submit(client, files=files)
        assert r.status_code == 422 and "files" in r.json["errors"], r.json
    assert NarrativeReport.select().count() == 0 and ReportAttachment.select().count() == 0


def test_only_a_units_staff_submit(client):
    for headers in (OFFICE, auth(8, "/1/8/", "supervision", person=40)):
        assert submit(client, headers=headers).status_code == 403
    assert NarrativeReport.select().count() == 0


def test_the_office_sees_who_has_and_has_not_submitted(client):
    submit(client)
    rows = client.get(f"/api/narratives/units?quarter={QUARTER}", headers=OFFICE).json
    assert [(r["unit_name"], r["submitted"]) for r in rows] == [("东湖区民政局", True), ("市交通运输局", False)]
    missing = client.get(f"/api/narratives/units?quarter={QUARTER}&submitted=false", headers=OFFICE).json
    assert [r["unit_id"] for r in missing] == [5]  # units 1-3 have no active account: nothing to report
    summary = client.get(f"/api/narratives/summary?quarter={QUARTER}", headers=OFFICE).json
    assert summary["deadline"] == str(narratives.deadline(QUARTER))
    assert (summary["expected"], summary["submitted"], summary["missing"], summary["late"]) == (2, 1, 1, int(LATE))
    assert [r["unit_id"] for r in client.get(f"/api/narratives/units?quarter={QUARTER}", headers=OTHER).json] == [5]
    listed = client.get(f"/api/narratives?quarter={QUARTER}", headers=OFFICE)
    assert listed.status_code == 200 and [r["unit_id"] for r in listed.json] == [4]
    assert client.get(f"/api/narratives?quarter={QUARTER}", headers=OTHER).json == []
    assert client.get("/api/narratives/units?quarter=2026Q3", headers=OFFICE).status_code == 422
    assert client.get("/api/narratives/units", headers=OFFICE).json["errors"]["quarter"]


def test_the_compiled_report_gathers_the_units_texts_with_the_city_figures(client):
    submit(client)
    r = client.get(f"/api/narratives/compiled?quarter={QUARTER}&format=pdf", headers=OFFICE)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "全市政务微博季度工作报告" in text and "各单位报告" in text
    assert "东湖区民政局第三季度政务微博工作简报" in text and "线上答疑" in text
    assert "未报送的单位" in text and "市交通运输局" in text
    assert any(a["action"] == "narrative.compile" for a in audit_trail(client, OFFICE))
    assert client.get(f"/api/narratives/compiled?quarter={QUARTER}", headers=OFFICE).json["missing"] == 1
    assert client.get(f"/api/narratives/compiled?quarter={QUARTER}&format=doc", headers=OFFICE).status_code == 422


def test_a_reminder_before_the_deadline_to_the_units_that_have_not_submitted(client):
    due = narratives.deadline(QUARTER)
    assert narratives.previous_quarter(due) == QUARTER
    assert assessment_reminders.narrative_reports(due - dt.timedelta(days=narratives.REMIND_DAYS + 1)) == []
    submit(client)
    said = assessment_reminders.narrative_reports(due - dt.timedelta(days=2))
    assert [(r.kind, r.unit_id, r.stage, r.link_kind) for r in said] == [("report_due", 5, QUARTER, "narratives")]
    sent = assessment_reminders.reminders.send(assessment_reminders.db, assessment_reminders.bus,
                                               assessment_reminders.ReminderSent, "assessment", said)
    assert sent == 1 and assessment_reminders.narrative_reports(due - dt.timedelta(days=1)) == []  # once


def test_the_report_owed_waits_in_the_units_todo_until_it_is_submitted(client):
    def owed(headers):
        groups = {g["kind"]: g for g in client.get("/api/todo", headers=headers).json}
        return groups.get("narrative_report")

    group = owed(DEPT)
    assert group["count"] == 1 and group["items"][0]["title"] == narratives.Period.parse(QUARTER).label
    assert group["items"][0]["due_at"].startswith(str(narratives.deadline(QUARTER) + dt.timedelta(days=1)))
    assert owed(OFFICE) is None  # the office reports nothing
    submit(client)
    assert owed(DEPT)["count"] == 0 and owed(OTHER)["count"] == 1

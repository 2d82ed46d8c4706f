"""The training register (N21, X29, X30): courses and exchange meetings with their trainers,
the units invited and who attended; each unit's year; an export that a spreadsheet cannot
turn into formulas."""
import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from govmb.timefmt import beijing_today
from govmb.unit_copy import apply_unit_changed
from services.assessment.models import TrainingAttendee, TrainingInvitation, TrainingSession, TrainingTrainer, Unit
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.conftest import auth

SUPERVISION = auth(8, "/1/8/", "supervision", person=40)
YEAR = beijing_today().year


def day() -> str:
    """A day of this year already come: yesterday, or today on January 1st."""
    return max(beijing_today() - dt.timedelta(days=1), dt.date(YEAR, 1, 1)).isoformat()


COURSE = {"kind": "course", "title": "政务微博运营与舆情应对", "held_on": None, "hours": 3, "place": "市政府第一会议室",
          "trainers": [{"name": "陈晓", "kind": "platform_expert", "affiliation": "新浪网"},
                       {"name": "刘教授", "kind": "scholar", "affiliation": "南昌大学"}],
          "invited_unit_ids": [4, 5], "attendees": [{"person_name": "马丽", "unit_id": 4}, {"person_name": "罗斌", "unit_id": 4}]}
EXCHANGE = {"kind": "exchange", "title": "政务微博工作经验交流座谈会", "held_on": None, "hours": 1.5,
            "trainers": [{"name": "王敏", "kind": "practitioner", "affiliation": "南昌市教育局"}], "invited_unit_ids": [4],
            "attendees": [{"person_name": "宋佳", "unit_id": 4}, {"person_name": "周婷", "unit_id": 5}]}


def record(client, body=COURSE, headers=OFFICE, **fields):
    return client.post("/api/training/sessions", json={**body, "held_on": day(), **fields}, headers=headers)


def test_the_office_records_a_course_with_trainers_invitations_and_attendees(client):
    r = record(client)
    assert r.status_code == 201, r.json
    s = r.json
    assert (s["kind_name"], s["hours"], s["held_on"], s["recorded_by"]) == ("授课培训", 3.0, day(), "测试用户")
    assert [(t["name"], t["kind_name"], t["affiliation"]) for t in s["trainers"]] == [
        ("陈晓", "平台技术专家", "新浪网"), ("刘教授", "学者", "南昌大学")]
    assert [i["unit_name"] for i in s["invited"]] == ["东湖区民政局", "市交通运输局"]
    assert [(a["person_name"], a["unit_name"]) for a in s["attendees"]] == [("马丽", "东湖区民政局"), ("罗斌", "东湖区民政局")]
    assert client.get(f"/api/training/sessions/{s['id']}", headers=SUPERVISION).json["title"] == COURSE["title"]


def test_only_the_office_records_the_citys_training(client):
    assert record(client, headers=SUPERVISION).status_code == 403
    for headers in (DEPT, COUNTY):  # a unit records its own only: unit 5 is not below it
        r = record(client, headers=headers)
        assert r.status_code == 422 and "invited_unit_ids" in r.json["errors"], r.json
    s = record(client).json
    more = {"attendees": [{"person_name": "梁宇", "unit_id": 4}]}
    assert client.post(f"/api/training/sessions/{s['id']}/attendees", json=more, headers=DEPT).status_code == 403
    assert TrainingSession.select().count() == 1 and TrainingAttendee.select().count() == 2


def test_each_units_year_counts_sessions_attendances_and_hours(client):
    record(client)
    record(client, EXCHANGE)
    record(client, COURSE, held_on=f"{YEAR - 1}-06-01", attendees=[{"person_name": "马丽", "unit_id": 4}])  # last year
    rows = {r["unit_id"]: r for r in client.get(f"/api/training/record?year={YEAR}", headers=OFFICE).json}
    assert sorted(rows) == [1, 2, 3, 4, 5]  # every unit, those without training too
    assert rows[4] == {"unit_id": 4, "unit_name": "东湖区民政局", "invited": 2, "sessions": 2, "attendees": 3,
                       "hours": 7.5, "absent": 0, "own_sessions": 0, "own_attendees": 0,
                       "own_hours": 0}  # 2 × 3 h + 1 × 1.5 h
    assert rows[5] == {"unit_id": 5, "unit_name": "市交通运输局", "invited": 1, "sessions": 1, "attendees": 1,
                       "hours": 1.5, "absent": 1, "own_sessions": 0, "own_attendees": 0,
                       "own_hours": 0}  # invited to the course, sent nobody; came to the exchange uninvited
    assert (rows[3]["sessions"], rows[3]["attendees"], rows[3]["hours"]) == (0, 0, 0)
    assert [r["unit_id"] for r in client.get("/api/training/record", headers=DEPT).json] == [4]
    assert [r["unit_id"] for r in client.get("/api/training/record", headers=COUNTY).json] == [3, 4]
    assert client.get(f"/api/training/record?year={YEAR - 1}&unit_id=4", headers=OFFICE).json[0]["hours"] == 3.0


def test_a_unit_sees_the_sessions_it_was_invited_to_or_attended_and_only_its_own_people(client):
    course = record(client).json
    exchange = record(client, EXCHANGE).json
    other_only = record(client, EXCHANGE, title="县区座谈", invited_unit_ids=[3], attendees=[]).json
    seen = client.get("/api/training/sessions", headers=OTHER).json
    assert sorted(s["id"] for s in seen) == [course["id"], exchange["id"]]
    by_id = {s["id"]: s for s in seen}
    assert by_id[course["id"]]["attendees"] == []  # unit 4's people are not unit 5's to see
    assert [a["person_name"] for a in by_id[exchange["id"]]["attendees"]] == ["周婷"]
    assert [i["unit_id"] for i in by_id[course["id"]]["invited"]] == [5]
    assert client.get(f"/api/training/sessions/{other_only['id']}", headers=OTHER).status_code == 404
    assert client.get(f"/api/training/sessions/{other_only['id']}", headers=COUNTY).status_code == 200
    assert len(client.get("/api/training/sessions", headers=SUPERVISION).json) == 3


def test_units_come_in_tree_order_with_numbers_as_numbers(client):
    apply_unit_changed(Unit)({"id": 10, "name": "市公安局", "kind": "department", "parent_id": 1, "path": "/1/10/",
                              "revision": 1}, None)
    in_order = [1, 2, 3, 4, 5, 10]  # as text, /1/10/ would come before /1/2/
    # the API pages in the order of the paths as text (parents first); pickers sort by tree_order
    assert [u["id"] for u in client.get("/api/units", headers=OFFICE).json] == [1, 10, 2, 3, 4, 5]
    assert [r["unit_id"] for r in client.get("/api/training/record", headers=OFFICE).json] == in_order


@pytest.mark.parametrize("fields,field", [
    ({"kind": "lecture"}, "kind"),
    ({"title": ""}, "title"),
    ({"hours": 0}, "hours"),
    ({"hours": "三小时"}, "hours"),
    ({"held_on": "2026-02-30"}, "held_on"),
    ({"trainers": []}, "trainers"),  # a course has a trainer
    ({"trainers": [{"name": "某人", "kind": "celebrity"}]}, "trainers"),
    ({"invited_unit_ids": [4, 999]}, "invited_unit_ids"),
    ({"invited_unit_ids": [4, 4]}, "invited_unit_ids"),
    ({"attendees": [{"person_name": "马丽", "unit_id": 999}]}, "attendees"),
    ({"attendees": [{"person_name": "马丽", "unit_id": 4}, {"person_name": "马丽", "unit_id": 4}]}, "attendees"),
    ({"attendees": [{"person_name": "", "unit_id": 4}]}, "attendees"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, fields, field):
    r = record(client, **fields)
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json" and list(r.json["errors"]) == [field]
    assert TrainingSession.select().count() == TrainingTrainer.select().count() == 0
    assert TrainingInvitation.select().count() == TrainingAttendee.select().count() == 0


def test_attendance_is_recorded_only_once_the_session_is_held(client):
    future = (beijing_today() + dt.timedelta(days=10)).isoformat()
    r = client.post("/api/training/sessions", json={**COURSE, "held_on": future}, headers=OFFICE)
    assert r.status_code == 422 and "attendees" in r.json["errors"]
    planned = client.post("/api/training/sessions", json={**COURSE, "held_on": future, "attendees": []}, headers=OFFICE)
    assert planned.status_code == 201  # a planned session with its invitations
    more = {"attendees": [{"person_name": "马丽", "unit_id": 4}]}
    assert client.post(f"/api/training/sessions/{planned.json['id']}/attendees", json=more,
                       headers=OFFICE).status_code == 422


def test_attendees_are_added_all_together_or_not_at_all_and_removed(client):
    s = record(client).json
    url = f"/api/training/sessions/{s['id']}/attendees"
    dup = {"attendees": [{"person_name": "梁宇", "unit_id": 4}, {"person_name": "罗斌", "unit_id": 4}]}
    r = client.post(url, json=dup, headers=OFFICE)
    assert r.status_code == 422 and "罗斌" in str(r.json["errors"]["attendees"])  # already recorded
    assert TrainingAttendee.select().count() == 2  # 梁宇 was not taken either
    r = client.post(url, json={"attendees": [{"person_name": "梁宇", "unit_id": 4}, {"person_name": "罗斌", "unit_id": 5}]},
                    headers=OFFICE)
    assert r.status_code == 200 and len(r.json["attendees"]) == 4  # another unit's 罗斌 is another person
    first = r.json["attendees"][0]["id"]
    assert client.delete(f"{url}/{first}", headers=OFFICE).status_code == 204
    assert client.delete(f"{url}/{first}", headers=OFFICE).status_code == 404
    assert TrainingAttendee.select().count() == 3


NASTY = {"title": "=HYPERLINK(\"http://evil.example\",\"点我\")", "place": "+86 会议室",
         "attendees": [{"person_name": "@SUM(1+1)", "unit_id": 4}, {"person_name": "-2+3", "unit_id": 5},
                       {"person_name": "马丽", "unit_id": 4}]}


def test_the_csv_export_neutralises_formulas(client):
    record(client, **NASTY)
    r = client.get(f"/api/training/export?year={YEAR}&format=csv", headers=OFFICE)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"] and ".csv" in r.headers["Content-Disposition"]
    assert r.data.startswith("\ufeff".encode())  # Excel needs the mark to read Chinese
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0] == ["日期", "类型", "名称", "主办单位", "学时", "地点", "授课人", "邀请单位", "参训人员", "参训单位"]
    assert [r_[8] for r_ in rows[1:]] == ["'@SUM(1+1)", "马丽", "'-2+3"]  # by unit, then order of entry
    assert rows[1][2] == "'=HYPERLINK(\"http://evil.example\",\"点我\")" and rows[1][5] == "'+86 会议室"
    assert rows[1][4] == "3.0" and rows[1][0] == day() and rows[1][3] == "联席会议办公室"
    assert "陈晓（平台技术专家，新浪网）" in rows[1][6]
    assert not any(cell[:1] in "=+-@" and cell for row in rows for cell in row)


def test_the_xlsx_export_neutralises_formulas_and_keeps_numbers_and_dates(client):
    record(client, **NASTY)
    record(client, EXCHANGE, attendees=[])  # a session no one attended yet: one row without a person
    r = client.get(f"/api/training/export?year={YEAR}&format=xlsx", headers=OFFICE)
    assert r.status_code == 200 and ".xlsx" in r.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 4
    cells = [c for row in rows for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)  # no formula anywhere
    title = rows[0][2]
    assert title.value.startswith("'=HYPERLINK") and title.data_type == "s"
    assert rows[0][4].data_type == "n" and rows[0][4].value == 3  # hours stay a number
    assert isinstance(rows[0][0].value, dt.datetime) and rows[0][0].value.date().isoformat() == day()
    assert [row[8].value for row in rows] == ["'@SUM(1+1)", "马丽", "'-2+3", None]


def test_a_unit_exports_only_what_it_sees(client):
    record(client, **NASTY)
    rows = list(csv.reader(io.StringIO(client.get("/api/training/export", headers=OTHER).data.decode("utf-8-sig"))))
    assert [r[8] for r in rows[1:]] == ["'-2+3"]
    assert client.get("/api/training/export?format=pdf", headers=OFFICE).status_code == 422


def test_the_openapi_gives_the_hours_bounds_as_numbers(client):
    # found by tests/security/test_fuzz.py: a Decimal field's Range came out as "0.5" and "100",
    # an OpenAPI document no schema tool could read
    spec = client.get("/openapi.json").json
    hours = spec["components"]["schemas"]["TrainingIn"]["properties"]["hours"]
    assert (hours["minimum"], hours["maximum"]) == (0.5, 100)


OWN = {"kind": "course", "title": "东湖区政务微博业务培训", "held_on": None, "hours": 2, "place": "区政府会议室",
       "trainers": [{"name": "邓强", "kind": "practitioner", "affiliation": "东湖区委宣传部"}],
       "invited_unit_ids": [4], "attendees": [{"person_name": "马丽", "unit_id": 4},
                                              {"person_name": "周敏", "unit_id": 3}]}


def test_a_unit_registers_training_it_organises_itself_counted_as_its_own(client):
    record(client)  # the office's course: 马丽 and 罗斌 of unit 4
    r = record(client, OWN, headers=COUNTY)
    assert r.status_code == 201, r.json
    own = r.json
    assert (own["own"], own["organiser_unit_id"], own["organiser_name"]) == (True, 3, "东湖区")
    assert [a["person_name"] for a in own["attendees"]] == ["周敏", "马丽"]
    more = {"attendees": [{"person_name": "宋佳", "unit_id": 3}]}
    assert client.post(f"/api/training/sessions/{own['id']}/attendees", json=more, headers=COUNTY).status_code == 200
    assert client.post(f"/api/training/sessions/{own['id']}/attendees", json=more, headers=OFFICE).status_code == 403
    office_session = TrainingSession.get(TrainingSession.organiser_unit_id.is_null()).id
    assert client.post(f"/api/training/sessions/{office_session}/attendees", json=more,
                       headers=COUNTY).status_code == 403  # the office's session: the office records
    rows = {r["unit_id"]: r for r in client.get(f"/api/training/record?year={YEAR}", headers=OFFICE).json}
    assert (rows[3]["sessions"], rows[3]["attendees"], rows[3]["hours"]) == (1, 2, 4.0)
    assert (rows[3]["own_sessions"], rows[3]["own_attendees"], rows[3]["own_hours"]) == (1, 2, 4.0)
    assert (rows[4]["sessions"], rows[4]["attendees"], rows[4]["hours"]) == (2, 3, 8.0)  # 2 × 3 h + 1 × 2 h
    assert (rows[4]["own_sessions"], rows[4]["own_attendees"], rows[4]["own_hours"]) == (0, 0, 0.0)
    assert [s["title"] for s in client.get("/api/training/sessions", headers=COUNTY).json
            if s["own"]] == ["东湖区政务微博业务培训"]
    assert all(not s["own"] for s in client.get("/api/training/sessions", headers=OTHER).json)
    assert client.get(f"/api/training/sessions/{own['id']}", headers=OTHER).status_code == 404
    export = list(csv.reader(io.StringIO(client.get(f"/api/training/export?year={YEAR}&format=csv",
                                                    headers=OFFICE).data.decode("utf-8-sig"))))
    assert {(r[2], r[3]) for r in export[1:]} == {("东湖区政务微博业务培训", "东湖区"), (COURSE["title"], "联席会议办公室")}


def test_a_units_own_training_names_only_its_units_and_bad_input_changes_nothing(client):
    before = TrainingSession.select().count()
    for body, field in (({**OWN, "invited_unit_ids": [5]}, "invited_unit_ids"),
                        ({**OWN, "attendees": [{"person_name": "周婷", "unit_id": 5}]}, "attendees"),
                        ({**OWN, "trainers": []}, "trainers"), ({**OWN, "hours": 0}, "hours"),
                        ({**OWN, "title": ""}, "title")):
        r = record(client, body, headers=COUNTY)
        assert r.status_code == 422 and field in r.json["errors"], (field, r.json)
    assert TrainingSession.select().count() == before and TrainingAttendee.select().count() == 0
    assert record(client, OWN, headers=SUPERVISION).status_code == 403

"""督查检查 (N19): supervision records what it checked, found and required and by when; the
unit reports its fix; supervision accepts or rejects it; overdue fixes show; each unit sees
its own inspections and those below it, never another county's."""
import datetime as dt

import pytest

from govmb.timefmt import beijing_today
from govmb.unit_copy import apply_unit_changed
from services.assessment.models import Inspection, InspectionStep, Unit
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.conftest import auth

SUPERVISION = auth(8, "/1/8/", "supervision", person=40)
# a second county /1/60/ with its department /1/60/61/, beside 东湖区 /1/3/ and its department /1/3/4/
OTHER_COUNTY = auth(60, "/1/60/", "principal_leader", person=60)
OTHER_COUNTY_DEPT = auth(61, "/1/60/61/", "operator", person=61)


def days(n: int) -> str:
    return (beijing_today() + dt.timedelta(days=n)).isoformat()


def inspect(client, unit_id=4, headers=SUPERVISION, **fields):
    body = {"unit_id": unit_id, "inspected_on": days(-3), "checked": "政务微博发布、回复情况",
            "found": "近两周未更新，3 条网民留言超过 24 小时未回复", "required": "恢复日常更新，逐条回复网民留言",
            "fix_by": days(14), **fields}
    return client.post("/api/inspections", json=body, headers=headers)


def second_county(app):
    units = apply_unit_changed(Unit)
    units({"id": 60, "name": "进贤县", "kind": "county", "parent_id": 1, "path": "/1/60/", "revision": 1}, None)
    units({"id": 61, "name": "进贤县教育体育局", "kind": "department", "parent_id": 60, "path": "/1/60/61/",
           "revision": 1}, None)


def test_supervision_records_the_unit_reports_its_fix_and_supervision_accepts_it(client):
    r = inspect(client)
    assert r.status_code == 201, r.json
    i = r.json
    assert (i["status"], i["status_name"], i["unit_name"], i["overdue"]) == ("open", "待整改", "东湖区民政局", False)
    assert i["fix_by"] == days(14) and i["recorded_by"] == "测试用户" and i["recorded_at"].endswith("+08:00")

    r = client.post(f"/api/inspections/{i['id']}/report", json={"text": "已恢复每日更新，3 条留言均已回复", "fixed_on": days(0)},
                    headers=DEPT)
    assert r.status_code == 200 and r.json["status"] == "reported" and r.json["fixed_on"] == days(0)
    again = client.post(f"/api/inspections/{i['id']}/report", json={"text": "再报一次", "fixed_on": days(0)}, headers=DEPT)
    assert again.status_code == 409  # waiting for supervision's review

    r = client.post(f"/api/inspections/{i['id']}/review", json={"accept": True}, headers=SUPERVISION)
    assert r.json["status"] == "accepted" and r.json["reviewed_by"] == "测试用户"
    assert [s["action"] for s in r.json["history"]] == ["record", "report", "accept"]
    assert client.post(f"/api/inspections/{i['id']}/review", json={"accept": False, "comment": "x"},
                       headers=SUPERVISION).status_code == 409


def test_a_rejected_fix_is_reported_again_and_every_step_is_kept(client):
    i = inspect(client).json
    client.post(f"/api/inspections/{i['id']}/report", json={"text": "已整改", "fixed_on": days(-1)}, headers=DEPT)
    no_comment = client.post(f"/api/inspections/{i['id']}/review", json={"accept": False}, headers=SUPERVISION)
    assert no_comment.status_code == 422 and "comment" in no_comment.json["errors"]
    assert Inspection.get_by_id(i["id"]).status == "reported"  # the refusal changed nothing

    r = client.post(f"/api/inspections/{i['id']}/review", json={"accept": False, "comment": "留言仍有 1 条未回复"},
                    headers=OFFICE)  # the joint-meeting office reviews too
    assert r.json["status"] == "rejected" and r.json["review_comment"] == "留言仍有 1 条未回复"
    r = client.post(f"/api/inspections/{i['id']}/report", json={"text": "最后 1 条已回复", "fixed_on": days(0)}, headers=DEPT)
    assert r.json["status"] == "reported" and r.json["fix_report"] == "最后 1 条已回复"
    steps = [(s["action"], s["text"]) for s in r.json["history"]]
    assert steps == [("record", ""), ("report", "已整改"), ("reject", "留言仍有 1 条未回复"), ("report", "最后 1 条已回复")]


def test_only_supervision_and_the_office_record_and_review(client):
    for headers in (DEPT, COUNTY, auth(4, "/1/3/4/", "principal_leader", person=14), auth(1, "/1/", "admin", person=1)):
        assert inspect(client, headers=headers).status_code == 403
    assert inspect(client, headers=OFFICE).status_code == 201
    i = Inspection.get()
    client.post(f"/api/inspections/{i.id}/report", json={"text": "已整改", "fixed_on": days(0)}, headers=DEPT)
    assert client.post(f"/api/inspections/{i.id}/review", json={"accept": True}, headers=DEPT).status_code == 403
    assert client.post(f"/api/inspections/{i.id}/review", json={"accept": True}, headers=COUNTY).status_code == 403
    assert Inspection.get_by_id(i.id).status == "reported"


def test_each_unit_sees_its_own_and_those_below_and_never_another_countys(client, app):
    second_county(app)
    ids = {unit: inspect(client, unit_id=unit).json["id"] for unit in (3, 4, 61)}

    def seen(headers):
        return sorted(i["unit_id"] for i in client.get("/api/inspections", headers=headers).json)

    assert seen(SUPERVISION) == seen(OFFICE) == [3, 4, 61]
    assert seen(COUNTY) == [3, 4]  # 东湖区 and its department
    assert seen(DEPT) == [4]
    assert seen(OTHER_COUNTY) == [61] and seen(OTHER_COUNTY_DEPT) == [61]
    assert seen(OTHER) == []
    assert client.get(f"/api/inspections/{ids[61]}", headers=COUNTY).status_code == 404
    assert client.get(f"/api/inspections/{ids[4]}", headers=OTHER_COUNTY).status_code == 404
    assert client.get(f"/api/inspections/{ids[4]}", headers=COUNTY).json["unit_name"] == "东湖区民政局"
    # only the inspected unit reports its fix: not its county, not another county
    fix = {"text": "已整改", "fixed_on": days(0)}
    assert client.post(f"/api/inspections/{ids[4]}/report", json=fix, headers=COUNTY).status_code == 403
    assert client.post(f"/api/inspections/{ids[4]}/report", json=fix, headers=OTHER_COUNTY_DEPT).status_code == 404
    assert client.post(f"/api/inspections/{ids[61]}/report", json=fix, headers=OTHER_COUNTY_DEPT).status_code == 200
    assert Inspection.get_by_id(ids[4]).status == "open"


@pytest.mark.parametrize("fields,field", [
    ({"checked": ""}, "checked"),
    ({"found": None}, "found"),
    ({"required": "x" * 5001}, "required"),
    ({"unit_id": 999}, "unit_id"),
    ({"unit_id": "东湖区"}, "unit_id"),
    ({"fix_by": "2026-13-01"}, "fix_by"),
    ({"inspected_on": days(1)}, "inspected_on"),
    ({"inspected_on": days(-3), "fix_by": days(-4)}, "fix_by"),
    ({"inspected_on": "1999-01-01"}, "inspected_on"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, fields, field):
    r = inspect(client, **fields)
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json" and r.json["title"] == "输入有误"
    assert list(r.json["errors"]) == [field]
    assert all("\u4e00" <= ch <= "\u9fff" for ch in r.json["errors"][field][0][:1])  # said in Chinese
    assert Inspection.select().count() == 0 and InspectionStep.select().count() == 0


@pytest.mark.parametrize("body,field", [
    ({"text": "  ", "fixed_on": None}, "fixed_on"),
    ({"text": "  ", "fixed_on": "today"}, "fixed_on"),
    ({"text": "   ", "fixed_on": "TODAY"}, "text"),
    ({"text": "已整改", "fixed_on": "BEFORE"}, "fixed_on"),
    ({"text": "已整改", "fixed_on": "TOMORROW"}, "fixed_on"),
])
def test_a_bad_fix_report_is_refused_naming_the_field(client, body, field):
    i = inspect(client).json
    dates = {"TODAY": days(0), "BEFORE": days(-4), "TOMORROW": days(1)}
    body = {**body, "fixed_on": dates.get(body["fixed_on"], body["fixed_on"])}
    r = client.post(f"/api/inspections/{i['id']}/report", json=body, headers=DEPT)
    assert r.status_code == 422 and field in r.json["errors"]
    assert Inspection.get_by_id(i["id"]).status == "open" and InspectionStep.select().count() == 1


def test_overdue_fixes_are_visible_and_a_late_fix_is_marked(client):
    late = inspect(client, inspected_on=days(-30), fix_by=days(-10)).json
    due_today = inspect(client, inspected_on=days(-5), fix_by=days(0)).json
    later = inspect(client, unit_id=3, fix_by=days(20)).json
    assert (late["overdue"], late["days_overdue"]) == (True, 10)
    assert due_today["overdue"] is False  # the deadline day is still the unit's
    listed = client.get("/api/inspections", headers=COUNTY).json
    assert [i["id"] for i in listed][0] == late["id"]  # overdue first
    assert [i["id"] for i in client.get("/api/inspections?overdue=true", headers=COUNTY).json] == [late["id"]]
    assert client.get("/api/inspections?overdue=true", headers=OTHER).json == []

    r = client.post(f"/api/inspections/{late['id']}/report", json={"text": "已整改", "fixed_on": days(-2)}, headers=DEPT)
    assert (r.json["overdue"], r.json["fixed_late"]) == (False, True)  # reported: now supervision's turn
    assert client.get("/api/inspections?overdue=true", headers=SUPERVISION).json == []
    r = client.post(f"/api/inspections/{late['id']}/review", json={"accept": False, "comment": "未按要求整改"},
                    headers=SUPERVISION)
    assert r.json["overdue"] is True  # rejected after the deadline: overdue again
    assert [i["id"] for i in client.get("/api/inspections?overdue=true&status=rejected", headers=SUPERVISION).json] \
        == [late["id"]]
    assert later["overdue"] is False

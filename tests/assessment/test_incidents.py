"""The register of security incidents (X24) and the third single veto (G19.3): the unit or the
office records an incident; the office and supervision see every one, a unit its own and those
below; an incident in the period fails the unit's assessment (worked out by hand on the small city
of conftest.py) and the early warnings name it; bad input names its field and changes nothing."""
import datetime as dt
from urllib.parse import quote

import pytest

from services.assessment.models import SecurityIncident
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER, post
from tests.conftest import audit_trail, auth

SUPERVISION = auth(8, "/1/8/", "supervision", person=40)
ASOF = quote("2027-01-01T00:00:00+08:00")


def incident(client, headers=DEPT, **fields):
    body = {"account_id": 1, "kind": "hijacked", "description": "账号密码泄露，被他人登录发布无关内容",
            "found_at": "2026-06-01T09:30:00", **fields}
    return client.post("/api/incidents", json=body, headers=headers)


def test_the_unit_records_an_incident_and_completes_it_as_it_is_handled_and_reported(client):
    r = incident(client)
    assert r.status_code == 201, r.json
    i = r.json
    assert (i["kind_name"], i["account_name"], i["unit_name"], i["found_at"]) == (
        "账号被盗用或冒用", "账号1", "东湖区民政局", "2026-06-01T09:30:00+08:00")  # Beijing time without a zone
    assert (i["handled"], i["reported"], i["recorded_by"]) == (False, False, "测试用户")
    r = client.patch(f"/api/incidents/{i['id']}", json={
        "handled_at": "2026-06-01T10:00:00+08:00", "reported_at": "2026-06-01T11:00:00+08:00",
        "reported_to": "both", "measures": "修改密码，删除无关内容，发布致歉说明"}, headers=DEPT)
    assert r.status_code == 200, r.json
    assert (r.json["handled"], r.json["reported"], r.json["reported_to_name"]) == (True, True, "上级单位和联席会议办公室")
    assert r.json["found_at"] == i["found_at"] and r.json["kind"] == "hijacked"  # the veto's ground stays
    actions = [row["action"] for row in audit_trail(client, OFFICE)]
    assert actions[:2] == ["incident.update", "incident.record"]


def test_the_office_records_for_any_unit_a_unit_only_for_its_own_accounts(client):
    assert incident(client, OFFICE, account_id=3).status_code == 201
    assert incident(client, OTHER, account_id=1).json["errors"]["account_id"]  # out of its sight: named, not found
    assert incident(client, COUNTY, account_id=1).status_code == 403  # the county sees it but does not record it
    assert incident(client, SUPERVISION).status_code == 403
    assert SecurityIncident.select().count() == 1


def test_the_office_and_supervision_see_every_incident_a_unit_its_own(client):
    incident(client)
    incident(client, OTHER, account_id=3, kind="leak")
    assert len(client.get("/api/incidents", headers=OFFICE).json) == 2
    assert len(client.get("/api/incidents", headers=SUPERVISION).json) == 2
    assert [i["account_id"] for i in client.get("/api/incidents", headers=COUNTY).json] == [1]
    assert [i["account_id"] for i in client.get("/api/incidents", headers=OTHER).json] == [3]
    other_id = client.get("/api/incidents", headers=OTHER).json[0]["id"]
    assert client.get(f"/api/incidents/{other_id}", headers=DEPT).status_code == 404
    assert client.patch(f"/api/incidents/{other_id}", json={"measures": "x"}, headers=DEPT).status_code == 404
    assert [i["kind"] for i in client.get("/api/incidents?kind=leak", headers=OFFICE).json] == ["leak"]
    assert len(client.get("/api/incidents?open=true", headers=OFFICE).json) == 2


@pytest.mark.parametrize("fields,field", [
    ({"kind": "rumour"}, "kind"), ({"description": ""}, "description"), ({"found_at": "昨天"}, "found_at"),
    ({"found_at": "2099-01-01T00:00:00"}, "found_at"), ({"account_id": 999}, "account_id"),
    ({"handled_at": "2026-05-01T00:00:00"}, "handled_at"),  # before it was found
    ({"reported_at": "2026-06-02T00:00:00"}, "reported_to"),  # reported, but to whom?
    ({"reported_to": "press"}, "reported_to"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, fields, field):
    r = incident(client, **fields)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert SecurityIncident.select().count() == 0


def test_a_bad_completion_names_its_field_and_changes_nothing(client):
    i = incident(client).json
    r = client.patch(f"/api/incidents/{i['id']}", json={"handled_at": "2026-05-01T00:00:00"}, headers=DEPT)
    assert r.status_code == 422 and "handled_at" in r.json["errors"]
    r = client.patch(f"/api/incidents/{i['id']}", json={"reported_at": "2026-06-02T00:00:00"}, headers=DEPT)
    assert r.status_code == 422 and "reported_to" in r.json["errors"]
    assert client.get(f"/api/incidents/{i['id']}", headers=DEPT).json["handled_at"] is None
    assert client.get(f"/api/incidents/{i['id']}", headers=DEPT).json["reported_at"] is None


def units_of(client, period="2026"):
    r = client.get(f"/api/assessment/{period}?asof={ASOF}", headers=OFFICE)
    assert r.status_code == 200, r.text
    return r.json, {u["unit_id"]: u for u in r.json["units"]}


def test_an_incident_in_the_period_is_the_third_single_veto(client):
    # Both units post every few days: no dormancy; no message: nothing unanswered.
    for day in range(1, 32):
        post(1, 4, f"2026-12-{day:02d}T02:00:00+00:00")
        post(2, 4, f"2026-12-{day:02d}T02:00:00+00:00")
        post(3, 5, f"2026-12-{day:02d}T02:00:00+00:00")
    result, units = units_of(client)
    assert units[4]["vetoes"] == [] and units[4]["grade"] != "fail"
    incident(client, found_at="2026-06-01T09:30:00", kind="misstatement")
    incident(client, OTHER, account_id=3, found_at="2025-12-31T23:00:00")  # Beijing 2025: last year's
    result, units = units_of(client)
    assert [(v["item"], v["account_id"], v["detail"]) for v in units[4]["vetoes"]] == [
        ("incident", 1, "2026-06-01发现：严重表述错误")]
    assert units[4]["grade"] == "fail" and units[4]["rank"] == 2  # vetoed units rank last
    assert units[5]["vetoes"] == [] and units[5]["rank"] == 1
    assert next(n["reason"] for n in result["named"] if n["unit_id"] == 4) == "发生安全、泄密事故（账号1）"
    r = client.get(f"/api/assessment/2026/records?kind=incidents&unit_id=4&asof={ASOF}", headers=OFFICE)
    assert [(x["kind_name"], x["found_at"]) for x in r.json] == [("严重表述错误", "2026-06-01T09:30:00+08:00")]
    _, q3 = units_of(client, "2026-Q3")
    assert q3[4]["vetoes"] == []  # found in Q2: the third quarter is not vetoed


def test_the_forecaster_names_this_years_incident_and_what_is_owed(client):
    now = dt.datetime.now(dt.timezone.utc).astimezone(dt.timezone(dt.timedelta(hours=8)))
    incident(client, found_at=(now - dt.timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="seconds"))
    warnings = [w for w in client.get("/api/warnings", headers=OFFICE).json if w["kind"] == "incident"]
    assert [(w["account_id"], w["level"], w["kind_name"]) for w in warnings] == [(1, "veto", "安全事件")]
    assert "本年度考核单项否决" in warnings[0]["text"] and "尚未报告" in warnings[0]["text"]
    assert [w["account_id"] for w in client.get("/api/warnings", headers=OTHER).json if w["kind"] == "incident"] == []

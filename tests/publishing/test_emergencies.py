"""Emergencies by type (X20.6, N11): the office's procedures, an event declared with its three
clocks (first release per the procedure, 5 hours, 24 hours) in Beijing time, the posts written for
it stopping them, steps ticked off, the bus told, reminders and to-do, and closing with a summary."""
import datetime as dt
import json

import pytest

from govmb.timefmt import utcnow
from govmb.unit_copy import apply_unit_changed
from services.publishing import emergencies, reminders
from services.publishing.emergency_models import Emergency
from services.publishing.models import Unit, bus
from tests.conftest import audit_trail, auth
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER, OTHER_PATH, OTHER_UNIT, PATH, UNIT
from tests.publishing.test_checks_and_events import release

SUPERVISION = auth(6, "/1/6/", "supervision", person=50)
EDIT = {"name": "城市内涝", "steps": ["核实积水点", "发布绕行提示"], "channels": ["政务微博", "政府网站"],
        "first_minutes": 60, "national_minutes": 300, "followup_minutes": 1440, "line": "以气象、水务部门数据为准。"}


@pytest.fixture(autouse=True)
def units(app):
    with app.app_context():
        handle = apply_unit_changed(Unit)
        for id_, name, path in ((UNIT, "东湖区应急管理局", PATH), (OTHER_UNIT, "市交通运输局", OTHER_PATH)):
            handle({"id": id_, "name": name, "kind": "department", "parent_id": None, "path": path, "revision": 1}, None)


def events(event_type: str) -> list[dict]:
    return [json.loads(r.body) for r in bus.Outbox.select().order_by(bus.Outbox.id) if r.event_type == event_type]


def procedures(client) -> dict:
    return {p["code"]: p for p in client.get("/api/emergency-procedures", headers=OPERATOR).json}


def declare(client, headers=OPERATOR, minutes_ago=30, **fields):
    body = {"procedure_id": procedures(client)["natural_disaster"]["id"], "title": "东湖区暴雨积水",
            "occurred_at": (utcnow() - dt.timedelta(minutes=minutes_ago)).replace(tzinfo=dt.timezone.utc).isoformat(),
            **fields}
    return client.post("/api/emergencies", json=body, headers=headers)


def released_for(client, emergency_id: int, text: str) -> dict:
    """A draft written for the event, released, and the release message handled."""
    d = client.post(f"/api/emergencies/{emergency_id}/drafts", json={"account_id": 1, "text": text,
                                                                   "info_type": "emergency"}, headers=OPERATOR).json
    release(client, d["id"])
    emergencies.settle({"draft_id": d["id"], "released_at": utcnow().isoformat()})
    return d


def test_the_four_national_kinds_are_there_and_only_the_office_edits_them(client):
    kinds = procedures(client)
    assert {p["name"] for p in kinds.values()} == {"自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"}
    assert all(p["first_minutes"] == 120 and p["national_minutes"] == 300 and p["followup_minutes"] == 1440
               for p in kinds.values())
    p = kinds["accident"]
    assert client.put(f"/api/emergency-procedures/{p['id']}", json=EDIT | {"name": "事故"}, headers=OPERATOR).status_code == 403
    r = client.put(f"/api/emergency-procedures/{p['id']}", json=EDIT | {"name": "事故灾难"}, headers=JOINT)
    assert r.status_code == 200 and r.json["version"] == 2 and r.json["steps"] == EDIT["steps"]
    versions = client.get(f"/api/emergency-procedures/{p['id']}/versions", headers=OPERATOR).json
    assert [v["version"] for v in versions] == [2, 1] and versions[1]["content"]["first_minutes"] == 120
    r = client.post("/api/emergency-procedures", json=EDIT | {"code": "urban_flood"}, headers=JOINT)
    assert r.status_code == 201 and r.json["version"] == 1
    trail = audit_trail(client, JOINT, subject_type="emergency_procedure")
    assert [a["action"] for a in trail] == ["emergency.procedure"] * 2


@pytest.mark.parametrize("body,field", [
    ({"name": ""}, "name"), ({"steps": []}, "steps"), ({"steps": ["x" * 201]}, "steps"), ({"channels": []}, "channels"),
    ({"first_minutes": 5}, "first_minutes"), ({"national_minutes": 99999}, "national_minutes"),
    ({"followup_minutes": 30}, "followup_minutes"), ({"line": "x" * 2001}, "line"), ({"code": "Bad Code"}, "code"),
    ({"code": "accident"}, "code"), ({"name": "自然灾害"}, "name"),
])
def test_a_bad_procedure_is_refused_by_its_field_and_changes_nothing(client, body, field):
    before = procedures(client)
    r = client.post("/api/emergency-procedures", json=EDIT | {"code": "urban_flood"} | body, headers=JOINT)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert procedures(client) == before


def test_declaring_starts_three_clocks_in_beijing_time(client):
    occurred = "2026-12-06T09:15:00+08:00"  # Beijing: 01:15 UTC
    r = client.post("/api/emergencies", json={"procedure_id": procedures(client)["public_health"]["id"],
                                               "title": "学校食物中毒", "occurred_at": occurred}, headers=OPERATOR)
    assert r.status_code == 201, r.json
    e = r.json
    assert e["occurred_at"] == occurred and e["unit_id"] == UNIT and e["unit_name"] == "东湖区应急管理局"
    assert {c["key"]: c["due_at"] for c in e["clocks"]} == {
        "first": "2026-12-06T11:15:00+08:00", "national": "2026-12-06T14:15:00+08:00",
        "followup": "2026-12-07T09:15:00+08:00"}
    assert [s["text"] for s in e["steps"]][1] == "事件发生后 2 小时内发布首条权威信息"
    assert e["line"] and e["channels"]
    [event] = events("publishing.emergency.changed")
    assert (event["status"], event["unit_path"], event["kind_name"]) == ("open", PATH, "公共卫生事件")


@pytest.mark.parametrize("fields,field", [
    ({"procedure_id": 999}, "procedure_id"), ({"title": ""}, "title"), ({"title": "x" * 101}, "title"),
    ({"occurred_at": "明天"}, "occurred_at"), ({"minutes_ago": -60}, "occurred_at"),
    ({"minutes_ago": 60 * 24 * 31}, "occurred_at"), ({"unit_id": OTHER_UNIT}, "unit_id"), ({"unit_id": 0}, "unit_id"),
])
def test_a_bad_declaration_is_refused_by_its_field_and_changes_nothing(client, fields, field):
    r = declare(client, **fields)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert Emergency.select().count() == 0


def test_a_post_written_for_the_event_stops_the_first_clocks_a_later_one_the_follow_up(client):
    e = declare(client).json
    r = client.post(f"/api/emergencies/{e['id']}/drafts", json={"account_id": 1, "text": "东湖区发布暴雨积水绕行提示。",
                                                              "info_type": "other"}, headers=OPERATOR)
    assert r.status_code == 201 and r.json["info_type"] == "emergency" and r.json["emergency"], r.json
    first = release(client, r.json["id"])
    emergencies.settle({"draft_id": first["id"], "released_at": utcnow().isoformat()})
    emergencies.settle({"draft_id": first["id"], "released_at": utcnow().isoformat()})  # repeated: the same
    e = client.get(f"/api/emergencies/{e['id']}", headers=OPERATOR).json
    assert {c["key"]: c["state"] for c in e["clocks"]} == {"first": "on_time", "national": "on_time", "followup": "open"}
    assert [p["id"] for p in e["posts"]] == [first["id"]] and e["posts_total"] == 1
    released_for(client, e["id"], "积水已排除，道路恢复通行。")
    clocks = client.get(f"/api/emergencies/{e['id']}", headers=OPERATOR).json["clocks"]
    assert [c["state"] for c in clocks] == ["on_time", "on_time", "on_time"]


def test_a_clock_past_due_is_overdue_then_late_when_done(client):
    e = declare(client, minutes_ago=180).json  # three hours ago: the 2-hour clock ran out
    assert [c["state"] for c in e["clocks"]] == ["overdue", "open", "open"]
    released_for(client, e["id"], "暴雨积水情况通报。")
    clocks = client.get(f"/api/emergencies/{e['id']}", headers=OPERATOR).json["clocks"]
    assert [c["state_name"] for c in clocks] == ["逾期完成", "按时完成", "计时中"]


def test_steps_are_ticked_and_the_event_closed_with_a_summary(client):
    e = declare(client).json
    assert client.post(f"/api/emergencies/{e['id']}/steps", json={"step": 99}, headers=OPERATOR).status_code == 422
    r = client.post(f"/api/emergencies/{e['id']}/steps", json={"step": 0}, headers=OPERATOR)
    assert r.status_code == 200 and r.json["steps"][0]["done_by"] and r.json["steps"][1]["done_by"] is None
    r = client.post(f"/api/emergencies/{e['id']}/steps", json={"step": 0, "done": False}, headers=OPERATOR)
    assert r.json["steps"][0]["done_by"] is None
    r = client.post(f"/api/emergencies/{e['id']}/close", json={"summary": ""}, headers=OPERATOR)
    assert r.status_code == 422 and "summary" in r.json["errors"]
    r = client.post(f"/api/emergencies/{e['id']}/close", json={"summary": "积水排除，无人员伤亡。"}, headers=LEADER)
    assert r.status_code == 200 and r.json["status"] == "closed" and r.json["closed_at"]
    assert client.post(f"/api/emergencies/{e['id']}/close", json={"summary": "再次"}, headers=LEADER).status_code == 409
    assert client.post(f"/api/emergencies/{e['id']}/steps", json={"step": 1}, headers=OPERATOR).status_code == 409
    assert client.post(f"/api/emergencies/{e['id']}/drafts", json={"account_id": 1, "text": "x", "info_type": "emergency"},
                       headers=OPERATOR).status_code == 409
    assert [x["status"] for x in events("publishing.emergency.changed")] == ["open", "closed"]


def test_who_sees_and_declares(client):
    e = declare(client).json
    assert client.get(f"/api/emergencies/{e['id']}", headers=OTHER_LEADER).status_code == 404
    assert client.get(f"/api/emergencies/{e['id']}", headers=SUPERVISION).status_code == 200
    assert client.get("/api/emergencies", headers=OTHER_LEADER).json == []
    assert declare(client, headers=auth(UNIT, PATH, "audit_admin", person=98)).status_code == 403
    r = declare(client, headers=SUPERVISION, unit_id=OTHER_UNIT, title="公交车侧翻")
    assert r.status_code == 201 and r.json["unit_id"] == OTHER_UNIT
    mine = client.get("/api/emergencies?status=open", headers=OFFICE).json
    assert [x["title"] for x in mine] == ["东湖区暴雨积水"]
    everything = client.get("/api/emergencies?q=侧翻", headers=JOINT).json
    assert [x["title"] for x in everything] == ["公交车侧翻"]
    assert client.get("/api/emergencies?status=gone", headers=JOINT).status_code == 422


def test_a_clock_near_its_end_reminds_the_unit_once_and_waits_in_the_to_do(client):
    e = declare(client, minutes_ago=100).json  # the 2-hour clock ends in 20 minutes
    said = reminders.send_due()
    assert said >= 1 and reminders.send_due() == 0
    [said] = [x for x in events("publishing.reminder.due") if x["kind"] == "emergency_clock"]
    assert (said["link_kind"], said["link_id"], said["urgent"]) == ("emergency", e["id"], True)
    todo = {g["kind"]: g for g in client.get("/api/todo", headers=OPERATOR).json}
    assert todo["emergency_first"]["count"] == 1 and todo["emergency_first"]["items"][0]["id"] == e["id"]
    assert {g["kind"]: g for g in client.get("/api/todo", headers=JOINT).json}["emergency_first"]["count"] == 1
    assert {g["kind"]: g for g in client.get("/api/todo", headers=OTHER_LEADER).json}["emergency_first"]["count"] == 0


def test_a_replay_tells_each_event_as_it_stands(client):
    from services.publishing import replay
    e = declare(client).json
    client.post(f"/api/emergencies/{e['id']}/close", json={"summary": "处置完毕。"}, headers=OPERATOR)
    told = [x for kind, x in replay.events() if kind == "publishing.emergency.changed"]
    assert [(x["emergency_id"], x["status"], x["revision"]) for x in told] == [(e["id"], "closed", 2)]

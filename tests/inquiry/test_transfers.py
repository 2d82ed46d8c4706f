"""转办 (N15): accept, or return with a reason for the office to decide; returns counted;
the clock never restarts."""
from services.inquiry.models import Message, bus
from tests.conftest import auth
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, JOINT, OTHER, message

OTHER_LEADER = auth(5, "/1/5/", "leader", person=32)


def transfer(client, mid, to_unit, headers=JOINT, note="请核实处理"):
    return client.post(f"/api/messages/{mid}/transfers", json={"to_unit_id": to_unit, "note": note}, headers=headers)


def answer(client, tid, headers, accept, reason=""):
    return client.post(f"/api/transfers/{tid}/answer", json={"accept": accept, "reason": reason}, headers=headers)


def make_units(app):
    with app.app_context():
        from govmb.unit_copy import apply_unit_changed
        from services.inquiry.models import Unit
        for uid, path in ((3, "/1/3/"), (4, "/1/3/4/"), (5, "/1/5/")):
            apply_unit_changed(Unit)({"id": uid, "name": f"单位{uid}", "kind": "department",
                                      "parent_id": 1, "path": path, "revision": 1}, None)


def test_a_transfer_is_returned_with_a_reason_and_reassigned_by_the_office(client, app):
    make_units(app)
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    due = m["feedback_due_at"]
    assert transfer(client, m["id"], 5, DEPT_STAFF).status_code == 403  # an operator does not route
    t = transfer(client, m["id"], 5).json
    assert t["status"] == "pending"
    moved = client.get(f"/api/messages/{m['id']}/contact", headers=OTHER).json
    assert moved["citizen_handle"] == "@东湖居民"  # the unit now handling it sees the citizen
    assert client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).status_code == 404  # the first unit no longer does

    assert answer(client, t["id"], OTHER, False).status_code == 422  # a return needs its reason
    assert answer(client, t["id"], DEPT_STAFF, True).status_code == 404  # another unit does not even see it
    r = answer(client, t["id"], OTHER, False, "路灯属市政部门管理，不属本单位职责")
    assert r.json["status"] == "returned"
    assert answer(client, t["id"], OTHER, True).status_code == 409  # answered once
    assert Message.get_by_id(m["id"]).unit_id == 4  # back with the unit that had it, while the office decides
    assert client.get(f"/api/messages/{m['id']}/contact", headers=JOINT).status_code == 403  # never the office

    waiting = client.get("/api/transfers?returned=true", headers=JOINT).json
    assert [x["id"] for x in waiting] == [t["id"]]
    bad = client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 999}, headers=JOINT)
    assert bad.status_code == 422  # a bad target changes nothing: the return still waits for a decision
    assert [x["id"] for x in client.get("/api/transfers?returned=true", headers=JOINT).json] == [t["id"]]
    again = client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 3, "note": "请东湖区办理"},
                        headers=JOINT)
    assert again.status_code == 201
    assert answer(client, again.json["id"], COUNTY, True).json["status"] == "accepted"
    final = client.get(f"/api/messages/{m['id']}", headers=COUNTY).json
    assert final["feedback_due_at"] == due  # the clock did not restart
    assert client.get(f"/api/messages/{m['id']}/contact", headers=COUNTY).json["citizen_handle"] == "@东湖居民"
    assert client.get("/api/transfers/returns", headers=JOINT).json == [{"unit_id": 5, "unit_name": "单位5", "returns": 1}]
    kinds = [e.body for e in bus.Outbox.select() if e.event_type == "inquiry.transfer.changed"]
    assert [k.split('"status":"')[1].split('"')[0] for k in kinds] == ["pending", "returned", "reassigned", "pending",
                                                                       "accepted"]


def test_a_router_may_not_take_a_message_over_to_its_own_unit(client, app):
    make_units(app)
    m = message(client).json
    r = transfer(client, m["id"], 3, COUNTY)
    assert r.status_code == 422 and "其他单位" in r.json["errors"]["to_unit_id"][0]


def test_a_county_routes_only_what_it_can_see(client, app):
    with app.app_context():
        from govmb.unit_copy import apply_unit_changed
        from services.inquiry.models import Unit
        apply_unit_changed(Unit)({"id": 5, "name": "西湖区", "kind": "district", "parent_id": 1, "path": "/1/5/",
                                  "revision": 1}, None)
    m = message(client).json
    assert transfer(client, m["id"], 5, COUNTY).status_code == 422  # 西湖区 is outside the county's tree
    assert transfer(client, m["id"], 4, OTHER_LEADER).status_code == 404  # nor may another district touch it


def test_a_transfer_needs_its_note_and_the_receiving_unit_sees_the_text_and_the_deadline(client, app):
    """Issue 17, bug 8: an empty note was taken, and the receiving unit saw no text, no deadline."""
    make_units(app)
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    for note in ("", "   "):
        r = transfer(client, m["id"], 5, note=note)
        assert r.status_code == 422 and "转办说明" in r.json["errors"]["note"][0]
    assert client.get("/api/transfers", headers=JOINT).json == []  # nothing written
    assert Message.get_by_id(m["id"]).unit_id == 4
    t = transfer(client, m["id"], 5).json
    waiting = client.get("/api/transfers?waiting=true", headers=OTHER).json
    assert [x["id"] for x in waiting] == [t["id"]]
    assert waiting[0]["message_text"] == m["text"] and waiting[0]["note"] == "请核实处理"
    assert waiting[0]["message_due_at"] == m["reply_due_at"]  # the deadline the message waits on

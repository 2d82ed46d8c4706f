"""The citizens' messages about an emergency (X20.6): inquiry keeps publishing's events (the
highest revision, a repeated or late message changing nothing), staff link a message to an open
event in their sight, and the event's page lists the linked messages without anything personal."""
from services.inquiry.emergencies import EmergencyCopy, apply_emergency
from tests.conftest import auth
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, JOINT, OTHER, message

EVENT = {"emergency_id": 7, "kind": "natural_disaster", "kind_name": "自然灾害", "title": "东湖区暴雨积水",
         "occurred_at": "2026-12-06T01:15:00+00:00", "unit_id": 3, "unit_path": "/1/3/", "status": "open", "revision": 1}
AUDITOR = auth(4, "/1/3/4/", "audit_admin", person=90)


def announce(app, **fields):
    with app.app_context():
        apply_emergency({**EVENT, **fields}, None)


def test_an_event_is_kept_and_a_late_or_repeated_message_changes_nothing(app):
    announce(app)
    announce(app, status="closed", revision=2)
    announce(app)  # late: the open one again
    announce(app, status="closed", revision=2)  # repeated
    with app.app_context():
        [kept] = EmergencyCopy.select()
        assert (kept.status, kept.revision, kept.title) == ("closed", 2, "东湖区暴雨积水")


def test_staff_link_a_message_to_an_open_event_and_the_event_lists_it(app, client):
    announce(app)  # declared by the county: the department below it sees it
    m = message(client, text="我家楼下积水很深，车辆无法通行。").json
    assert [e["id"] for e in client.get("/api/emergencies", headers=DEPT_STAFF).json] == [7]
    assert client.get("/api/emergencies", headers=OTHER).json == []  # another branch of the tree
    r = client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": 7}, headers=DEPT_STAFF)
    assert r.status_code == 200 and r.json["emergency"]["title"] == "东湖区暴雨积水"
    listed = client.get("/api/emergencies/7/messages", headers=COUNTY).json
    assert [x["id"] for x in listed] == [m["id"]] and listed[0]["status_name"] and listed[0]["linked_by"]
    assert "citizen_handle" not in listed[0] and "citizen_contact" not in listed[0]
    assert client.get("/api/emergencies/7/messages", headers=OTHER).json == []  # not their messages
    assert client.get("/api/emergencies/7/messages", headers=JOINT).json[0]["id"] == m["id"]
    assert client.get(f"/api/messages/{m['id']}/emergency", headers=DEPT_STAFF).json["emergency"]["id"] == 7
    r = client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": None}, headers=DEPT_STAFF)
    assert r.status_code == 200 and r.json["emergency"] is None
    assert client.get("/api/emergencies/7/messages", headers=COUNTY).json == []


def test_a_closed_or_unseen_event_cannot_be_linked(app, client):
    m = message(client).json
    announce(app, emergency_id=8, unit_id=5, unit_path="/1/5/")  # another district's
    for emergency_id in (8, 999):
        r = client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": emergency_id}, headers=DEPT_STAFF)
        assert r.status_code == 422 and "emergency_id" in r.json["errors"]
    announce(app)
    announce(app, status="closed", revision=2)
    r = client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": 7}, headers=DEPT_STAFF)
    assert r.status_code == 422
    assert client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": "x"},
                      headers=DEPT_STAFF).status_code == 422
    assert client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": 7}, headers=OTHER).status_code == 404
    assert client.put(f"/api/messages/{m['id']}/emergency", json={"emergency_id": 7},
                      headers=AUDITOR).status_code == 403
    assert client.get("/api/emergencies/999/messages", headers=DEPT_STAFF).status_code == 404

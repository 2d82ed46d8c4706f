"""GET /api/todo in inquiry: the unit's messages by how near their deadline is, transfers to
accept and to decide, notices to answer; the office's intake and the city's overdue; never
another unit's."""
import datetime as dt

from govmb.identity import Identity
from govmb.timefmt import utcnow
from services.inquiry import todo as inquiry_todo
from services.inquiry.models import Message
from tests.conftest import auth
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, HALL, JOINT, OTHER, message
from tests.inquiry.test_notices import NOTICE, units
from tests.inquiry.test_transfers import answer, transfer

NOW = dt.datetime(2026, 12, 7, 2, 0)  # 10:00 Beijing
DEPT_LEADER = auth(4, "/1/3/4/", "leader", person=14)


def todo(client, headers) -> dict:
    r = client.get("/api/todo", headers=headers)
    assert r.status_code == 200, r.json
    return {g["kind"]: g for g in r.json}


def test_messages_come_in_buckets_by_deadline_the_most_urgent_first(client, app):
    units(app)
    ids = [message(client).json["id"] for _ in range(4)]
    later, today, soon, overdue = ids
    dues = ((overdue, dt.datetime(2026, 12, 1, 2, 0)), (soon, NOW + dt.timedelta(hours=3)),
            (today, dt.datetime(2026, 12, 7, 12, 0)), (later, dt.datetime(2026, 12, 8, 2, 0)))
    for mid, due in dues:
        Message.update(due_at=due).where(Message.id == mid).execute()
    who = Identity(13, "马丽", 4, "/1/3/4/", frozenset({"operator"}), session="s")
    with app.app_context():
        group = {g["kind"]: g for g in inquiry_todo.waiting(who, now=NOW)}["messages"]
    assert (group["count"], group["overdue"], group["due_soon"], group["due_today"]) == (4, 1, 1, 2)
    assert [i["id"] for i in group["items"]] == [overdue, soon, today, later]
    assert group["items"][0]["unit_name"] == "单位4" and group["items"][0]["title"].startswith("小区门口路灯坏了")
    assert "citizen_handle" not in group["items"][0]  # the citizen stays with the message's page
    # through the API: the operator counts them, the other unit and the leader do not
    assert todo(client, DEPT_STAFF)["messages"]["count"] == 4
    assert todo(client, OTHER)["messages"]["count"] == 0
    assert "messages" not in todo(client, DEPT_LEADER)
    # the city's overdue, for the office: the API counts by the real clock, not the test's NOW
    assert todo(client, JOINT)["messages_overdue"]["count"] == sum(due < utcnow() for _, due in dues)


def test_a_transfer_waits_for_the_receiving_unit_and_a_return_for_the_sender(client, app):
    units(app)
    mid = message(client).json["id"]
    t = transfer(client, mid, 5).json
    incoming = todo(client, OTHER)["transfers"]
    assert incoming["count"] == 1 and incoming["items"][0]["id"] == mid and incoming["items"][0]["detail"] == "请核实处理"
    assert todo(client, DEPT_STAFF)["transfers"]["count"] == 0
    assert answer(client, t["id"], OTHER, False, "不属本单位职责").status_code == 200
    assert todo(client, OTHER)["transfers"]["count"] == 0
    back = todo(client, JOINT)["transfers_returned"]
    assert back["count"] == 1 and back["items"][0]["detail"] == "不属本单位职责"
    assert todo(client, COUNTY)["transfers_returned"]["count"] == 0  # the county did not send it


def test_a_notice_waits_for_its_unit_until_answered(client, app):
    units(app)
    n = client.post("/api/notices", json=NOTICE, headers=JOINT).json
    mine = todo(client, DEPT_STAFF)["notices"]
    assert mine["count"] == 1 and mine["items"][0]["title"] == "自来水发黄" and mine["items"][0]["detail"] == "重要"
    assert todo(client, OTHER)["notices"]["count"] == 0
    assert client.post(f"/api/notices/{n['id']}/reply", json={"reply": "已安排水厂排查"}, headers=DEPT_STAFF).status_code == 200
    assert todo(client, DEPT_STAFF)["notices"]["count"] == 0


def test_what_the_hall_brings_the_office_waits_in_its_intake(client, app):
    units(app)
    with app.app_context():
        from govmb.account_copy import apply_account_snapshot
        from services.inquiry.models import Account
        from tests.publishing.conftest import account
        apply_account_snapshot(Account)(account(7, 2, "/1/2/"), None)
    r = client.post("/api/intake/messages", json={"account_id": 7, "kind": "private", "citizen_handle": "@市民",
                                                  "text": "公交站牌被撞坏了"}, headers=HALL)
    assert r.status_code == 201, r.json
    intake = todo(client, JOINT)["intake"]
    assert intake["count"] == 1 and intake["items"][0]["title"] == "公交站牌被撞坏了"
    assert "intake" not in todo(client, DEPT_STAFF)

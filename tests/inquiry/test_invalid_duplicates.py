"""Invalid and duplicate messages (G19.2, issue 19). Staff mark a message invalid with a kind and
a reason: it takes no more steps, leaves the to-do lists and the overdue sweep, its event says
so (the assessment drops it from the veto and the rates), supervision reads it in a paged list;
the mark can be taken back with a reason. A duplicate merges into a main message of the same
unit only, and carries the main's reply, feedback and result, now and at each later step."""
import json

import pytest

from services.inquiry import replay
from services.inquiry.models import Message, MissedDeadline, bus
from services.inquiry.sweep import sweep
from tests.conftest import audit_trail, auth
from tests.inquiry.conftest import DEPT_STAFF, JOINT, OTHER, message
from tests.inquiry.test_leaving_texts import CLEAN, step, stored
from tests.inquiry.test_notices import units

SUPERVISION = auth(1, "/1/", "supervision", person=40)
SPAM = {"kind": "advertising", "reason": "推销保健品的广告"}


@pytest.fixture
def inquiry(app, client):
    units(app)
    return client


def invalid(client, mid, headers=DEPT_STAFF, **body):
    return client.post(f"/api/messages/{mid}/invalid", json=body, headers=headers)


def last_event(app, mid: int) -> dict:
    with app.app_context():
        rows = bus.Outbox.select().where(bus.Outbox.event_type == "inquiry.message.changed").order_by(bus.Outbox.id.desc())
        return next(p for p in (json.loads(e.body) for e in rows) if p["id"] == mid)


def test_an_invalid_message_is_marked_with_a_reason_and_leaves_the_work(app, inquiry):
    mid = message(inquiry).json["id"]
    assert invalid(inquiry, mid, kind="advertising").status_code == 422  # no reason
    assert invalid(inquiry, mid, kind="junk", reason="x").status_code == 422
    assert invalid(inquiry, mid, OTHER, **SPAM).status_code == 404  # another unit's
    assert stored(app, lambda: Message.get_by_id(mid).due_at) is not None
    r = invalid(inquiry, mid, **SPAM)
    assert r.status_code == 200, r.json
    assert r.json["marks"]["invalid_kind"] == "advertising" and r.json["marks"]["invalid_name"] == "广告"
    assert r.json["history"][-1]["action"] == "mark_invalid" and "推销保健品" in r.json["history"][-1]["comment"]
    event = last_event(app, mid)
    assert event["invalid"] and event["step"] == "invalidated"
    assert stored(app, lambda: Message.get_by_id(mid).due_at) is None
    assert invalid(inquiry, mid, **SPAM).status_code == 409  # already
    assert step(inquiry, mid, "reply", text=CLEAN).status_code == 409  # no more steps
    todo = {g["kind"]: g for g in inquiry.get("/api/todo", headers=DEPT_STAFF).json}
    assert todo["messages"]["count"] == 0
    Message.update(reply_due_at=Message.received_at).where(Message.id == mid).execute()  # long past its deadline
    with app.app_context():
        sweep()
    assert stored(app, lambda: MissedDeadline.select().where(MissedDeadline.message == mid).count()) == 0
    assert "message.mark_invalid" in {a["action"] for a in audit_trail(inquiry, JOINT)}
    with app.app_context():  # a consumer rebuilt from inquiry's state (ops.replay) leaves it out too
        replayed = {p["id"]: p["invalid"] for t, p in replay.events() if t == "inquiry.message.changed"}
    assert replayed == {mid: True}


def test_supervision_reads_the_invalid_messages_in_a_paged_filtered_list(app, inquiry):
    ids = [message(inquiry).json["id"] for _ in range(3)]
    invalid(inquiry, ids[0], **SPAM)
    invalid(inquiry, ids[1], kind="abuse", reason="辱骂工作人员")
    other = message(inquiry, headers=OTHER, account_id=3).json["id"]
    invalid(inquiry, other, OTHER, kind="spam", reason="乱码")
    r = inquiry.get("/api/invalid-messages", headers=SUPERVISION)
    assert r.status_code == 200 and len(r.json) == 3
    assert json.loads(r.headers["X-Pagination"])["total"] == 3
    assert r.json[0]["id"] == other and r.json[0]["invalid_name"] == "垃圾信息" and r.json[0]["unit_name"] == "单位5"
    assert [m["id"] for m in inquiry.get("/api/invalid-messages", query_string={"kind": "abuse"},
                                         headers=SUPERVISION).json] == [ids[1]]
    assert {m["id"] for m in inquiry.get("/api/invalid-messages", query_string={"unit_id": 4},
                                         headers=SUPERVISION).json} == {ids[0], ids[1]}
    assert {m["id"] for m in inquiry.get("/api/invalid-messages", headers=DEPT_STAFF).json} == {ids[0], ids[1]}
    assert inquiry.get("/api/invalid-messages", query_string={"kind": "x"}, headers=SUPERVISION).status_code == 422
    assert inquiry.get("/api/invalid-messages", query_string={"page_size": 1, "page": 2},
                       headers=SUPERVISION).json[0]["id"] == ids[1]


def test_the_mark_is_taken_back_with_a_reason_and_the_deadline_returns(app, inquiry):
    mid = message(inquiry).json["id"]
    due = stored(app, lambda: Message.get_by_id(mid).due_at)
    invalid(inquiry, mid, **SPAM)
    assert invalid(inquiry, mid, kind=None, reason="").status_code == 422
    r = invalid(inquiry, mid, kind=None, reason="误标，是真实诉求")
    assert r.status_code == 200 and r.json["marks"]["invalid_kind"] is None
    assert stored(app, lambda: Message.get_by_id(mid).due_at) == due
    assert not last_event(app, mid)["invalid"]
    assert step(inquiry, mid, "reply", text=CLEAN).json["status"] == "replied"
    assert inquiry.get("/api/invalid-messages", headers=SUPERVISION).json == []


def merge(client, mid, main_id, headers=DEPT_STAFF, reason="同一路灯"):
    return client.post(f"/api/messages/{mid}/merge", json={"main_id": main_id, "reason": reason}, headers=headers)


def test_a_duplicate_carries_the_main_messages_answers(app, inquiry):
    main, dup, late = (message(inquiry).json["id"] for _ in range(3))
    r = merge(inquiry, dup, main)
    assert r.status_code == 200 and r.json["marks"]["duplicate_of"] == main and r.json["status"] == "received"
    assert stored(app, lambda: Message.get_by_id(dup).due_at) is None  # it waits on the main
    assert step(inquiry, dup, "reply", text=CLEAN).status_code == 409  # it takes no step of its own
    assert step(inquiry, main, "reply", text=CLEAN).json["status"] == "replied"
    d = inquiry.get(f"/api/messages/{dup}", headers=DEPT_STAFF).json
    assert d["status"] == "replied" and d["reply_text"] == CLEAN and d["replied_at"]
    step(inquiry, main, "feedback", text="已受理，正在核实。", needs_verification=True)
    # a message merged later catches up at once
    r = merge(inquiry, late, main)
    assert r.json["status"] == "verifying" and r.json["feedback_text"] == "已受理，正在核实。"
    step(inquiry, main, "resolve", text="路灯已修复。")
    for mid in (dup, late):
        d = inquiry.get(f"/api/messages/{mid}", headers=DEPT_STAFF).json
        assert d["status"] == "resolved" and d["result_text"] == "路灯已修复。"
        assert last_event(app, mid)["step"] == "resolved"
    shown = inquiry.get(f"/api/messages/{main}", headers=DEPT_STAFF).json
    assert shown["marks"]["duplicates"] == [dup, late]
    assert [s["action"] for s in shown["history"]].count("merge_main") == 2


def test_a_merge_stays_within_the_unit(app, inquiry):
    mine, also = message(inquiry).json["id"], message(inquiry).json["id"]
    theirs = message(inquiry, headers=OTHER, account_id=3).json["id"]
    assert merge(inquiry, mine, theirs).status_code == 422  # out of sight: named as the field
    assert merge(inquiry, theirs, mine).status_code == 404
    assert merge(inquiry, mine, mine).status_code == 422
    assert merge(inquiry, mine, 999999).status_code == 422
    # a message seen from above, of another unit, still cannot be merged by the county
    county = auth(3, "/1/3/", "leader", person=21)
    assert merge(inquiry, mine, also, county).status_code == 403
    assert merge(inquiry, mine, also).status_code == 200
    assert merge(inquiry, also, mine).status_code == 422  # the main is itself a duplicate
    assert invalid(inquiry, mine, **SPAM).status_code == 409  # a duplicate is not marked invalid
    # neither the duplicate nor its main is transferred away from the unit that merged them
    for mid in (mine, also):
        r = inquiry.post(f"/api/messages/{mid}/transfers", json={"to_unit_id": 5, "note": "请办理"}, headers=JOINT)
        assert r.status_code == 409, r.json


def test_a_merge_asked_in_uyghur_is_recorded_in_chinese(app, inquiry):
    """Issue 21: the step a Uyghur reader's merge writes on the main message is the record's
    language (Chinese), the same for every reader; the answer around it is in the reader's."""
    main, dup = (message(inquiry).json["id"] for _ in range(2))
    refused = merge(inquiry, dup, dup, headers={**DEPT_STAFF, "Accept-Language": "ug"})
    assert refused.status_code == 422 and any("\u0600" <= c <= "\u06ff" for c in str(refused.json["errors"]))
    assert merge(inquiry, dup, main, headers={**DEPT_STAFF, "Accept-Language": "ug"}).status_code == 200
    steps = inquiry.get(f"/api/messages/{main}", headers=DEPT_STAFF).json["history"]
    assert [s["comment"] for s in steps if s["action"] == "merge_main"] == [f"留言 {dup} 并入本留言"]
    steps = inquiry.get(f"/api/messages/{dup}", headers=DEPT_STAFF).json["history"]
    assert [s["comment"] for s in steps if s["action"] == "merge"] == [f"并入留言 {main}，随主留言一并答复：同一路灯"]

"""Replies through review (N6, X21, issue 19): a reply or feedback the checks flag, or on a
message marked sensitive, goes to the responsible office (核稿) and then the leader (审批)
before it is sent; an ordinary one goes straight. While it waits the message stays unanswered
(no event: the assessment sees the reply only once sent); approved, it is sent at the approval
time; returned, with a reason, staff write again. History, audit and to-do say each step."""
import datetime as dt
import json

import pytest

from services.inquiry.models import Message, MessageStep, PendingReply, bus
from tests.conftest import audit_trail, auth
from tests.inquiry.conftest import DEPT_STAFF, JOINT, OTHER, message
from tests.inquiry.test_leaving_texts import CLASSIFIED, CLEAN, feed, step, stored
from tests.inquiry.test_leaving_texts import WORD as CLASSIFIED_WORD
from tests.inquiry.test_notices import units

OFFICE = auth(4, "/1/3/4/", "responsible_office", person=14)
LEADER = auth(4, "/1/3/4/", "leader", person=15)
OTHER_LEADER = auth(5, "/1/5/", "leader", person=32)

FLAGGED = "您好，请拨打 138 1234 5678 联系我们。"  # a mobile number: a warning


@pytest.fixture
def inquiry(app, client):
    units(app)
    feed(app, "publishing.lexicon.changed", CLASSIFIED_WORD)
    return client


def events(app, mid: int) -> list[dict]:
    """The message's events in the outbox, oldest first."""
    with app.app_context():
        rows = bus.Outbox.select().where(bus.Outbox.event_type == "inquiry.message.changed").order_by(bus.Outbox.id)
        return [p for p in (json.loads(e.body) for e in rows) if p["id"] == mid]


def decide(client, mid, decision, headers, **body):
    return client.post(f"/api/messages/{mid}/review/{decision}", json=body, headers=headers)


def test_an_ordinary_reply_goes_straight(app, inquiry):
    mid = message(inquiry).json["id"]
    r = step(inquiry, mid, "reply", text=CLEAN)
    assert r.status_code == 200 and r.json["status"] == "replied" and not r.json["review_waiting"]
    assert stored(app, lambda: PendingReply.select().count()) == 0


def test_a_flagged_reply_goes_through_the_office_and_the_leader_and_is_sent_at_approval(app, inquiry):
    mid = message(inquiry).json["id"]
    sent_before = len(events(app, mid))
    r = step(inquiry, mid, "reply", text=FLAGGED)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "received" and r.json["replied_at"] is None and r.json["review_waiting"]
    assert [f["check"] for f in r.json["findings"]] == ["mobile"]
    assert len(events(app, mid)) == sent_before  # nothing goes out while it waits
    shown = inquiry.get(f"/api/messages/{mid}", headers=DEPT_STAFF).json
    assert shown["review"]["stage"] == "office" and shown["review"]["text"] == FLAGGED
    assert shown["review"]["stage_name"] == "待责任处室核稿" and "手机号" in shown["review"]["why"]
    # a second reply waits its turn; the operator, the leader (too early) and another unit may not decide
    assert step(inquiry, mid, "reply", text=CLEAN).status_code == 409
    assert decide(inquiry, mid, "approve", DEPT_STAFF).status_code == 403
    assert decide(inquiry, mid, "approve", LEADER).status_code == 403
    assert decide(inquiry, mid, "approve", OTHER_LEADER).status_code == 404
    assert decide(inquiry, mid, "maybe", OFFICE).status_code == 404
    # the office checks it, editing the text; a blocked word in the edit is refused, nothing written
    assert decide(inquiry, mid, "approve", OFFICE, text=CLASSIFIED).status_code == 422
    edited = "您好，请拨打 12345 热线联系我们。"
    r = decide(inquiry, mid, "approve", OFFICE, text=edited)
    assert r.status_code == 200 and r.json["review"]["stage"] == "leader" and r.json["status"] == "received"
    assert len(events(app, mid)) == sent_before
    # the leader approves: sent now, the reply time the approval's
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=1)
    r = decide(inquiry, mid, "approve", LEADER)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "replied" and r.json["reply_text"] == edited and r.json["review"] is None
    m = stored(app, lambda: Message.get_by_id(mid))
    assert m.replied_at >= before and m.reply_text == edited
    [sent] = [e for e in events(app, mid)[sent_before:]]
    assert sent["step"] == "replied" and sent["replied_at"] and not sent["invalid"]
    assert decide(inquiry, mid, "approve", LEADER).status_code == 404  # nothing waits any more
    steps = [s["action"] for s in r.json["history"]]
    assert steps[-4:] == ["review_submit", "review_check", "reply", "review_approve"]
    actions = [a["action"] for a in audit_trail(inquiry, JOINT)]
    assert {"message.review_submit", "message.review_check", "message.review_approve"} <= set(actions)


def test_a_returned_reply_needs_a_reason_and_staff_write_again(app, inquiry):
    mid = message(inquiry).json["id"]
    step(inquiry, mid, "reply", text=FLAGGED)
    r = decide(inquiry, mid, "return", OFFICE)
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = decide(inquiry, mid, "return", OFFICE, reason="不要留个人手机号", text=CLASSIFIED)  # an edit is not kept
    assert r.status_code == 200 and r.json["review"] is None and r.json["status"] == "received"
    assert r.json["history"][-1]["action"] == "review_return" and r.json["history"][-1]["comment"] == "不要留个人手机号"
    assert stored(app, lambda: PendingReply.get(PendingReply.message == mid).status) == "returned"
    assert step(inquiry, mid, "reply", text=CLEAN).json["status"] == "replied"


def test_a_sensitive_message_sends_even_a_clean_reply_and_feedback_to_review(app, inquiry):
    mid = message(inquiry).json["id"]
    assert inquiry.post(f"/api/messages/{mid}/sensitive", json={"sensitive": True}, headers=DEPT_STAFF).status_code == 422
    assert inquiry.post(f"/api/messages/{mid}/sensitive", json={"sensitive": True, "reason": "涉及信访"},
                        headers=OTHER).status_code == 404
    r = inquiry.post(f"/api/messages/{mid}/sensitive", json={"sensitive": True, "reason": "涉及信访"}, headers=DEPT_STAFF)
    assert r.status_code == 200 and r.json["marks"]["sensitive"] and r.json["marks"]["sensitive_reason"] == "涉及信访"
    r = step(inquiry, mid, "reply", text=CLEAN)
    assert r.json["status"] == "received" and r.json["review_waiting"]
    assert inquiry.get(f"/api/messages/{mid}", headers=DEPT_STAFF).json["review"]["why"] == "留言已标为敏感"
    decide(inquiry, mid, "approve", OFFICE)
    assert decide(inquiry, mid, "approve", LEADER).json["status"] == "replied"
    # feedback too, with the need to verify kept through review
    r = step(inquiry, mid, "feedback", text="已受理，正在核实。", needs_verification=True)
    assert r.json["status"] == "replied" and r.json["review_waiting"]
    decide(inquiry, mid, "approve", OFFICE)
    assert decide(inquiry, mid, "approve", auth(4, "/1/3/4/", "principal_leader", person=16)).json["status"] == "verifying"
    # unmarked: straight again
    inquiry.post(f"/api/messages/{mid}/sensitive", json={"sensitive": False, "reason": "已核实不敏感"}, headers=DEPT_STAFF)
    assert step(inquiry, mid, "resolve", text="已办结。").json["status"] == "resolved"
    actions = {s.action for s in stored(app, lambda: list(MessageStep.select().where(MessageStep.message == mid)))}
    assert {"mark_sensitive", "unmark_sensitive"} <= actions


def test_the_reviewers_find_it_in_their_to_do(app, inquiry):
    mid = message(inquiry).json["id"]
    step(inquiry, mid, "reply", text=FLAGGED)
    groups = lambda h: {g["kind"]: g for g in inquiry.get("/api/todo", headers=h).json}  # noqa: E731
    assert groups(OFFICE)["replies_check"]["count"] == 1 and groups(OFFICE)["replies_check"]["items"][0]["id"] == mid
    assert groups(LEADER)["replies_approve"]["count"] == 0
    assert "replies_check" not in groups(OTHER_LEADER) or groups(OTHER_LEADER)["replies_check"]["count"] == 0
    decide(inquiry, mid, "approve", OFFICE)
    assert groups(OFFICE)["replies_check"]["count"] == 0 and groups(LEADER)["replies_approve"]["count"] == 1
    decide(inquiry, mid, "approve", LEADER)
    assert groups(LEADER)["replies_approve"]["count"] == 0


def test_a_blocked_word_still_refuses_the_reply_outright(app, inquiry):
    mid = message(inquiry).json["id"]
    r = step(inquiry, mid, "reply", text=CLASSIFIED)
    assert r.status_code == 422 and stored(app, lambda: PendingReply.select().count()) == 0


def test_the_list_says_which_replies_wait(app, inquiry):
    waiting, plain = message(inquiry).json["id"], message(inquiry).json["id"]
    step(inquiry, waiting, "reply", text=FLAGGED)
    rows = {m["id"]: m for m in inquiry.get("/api/messages", headers=DEPT_STAFF).json}
    assert rows[waiting]["review_waiting"] and not rows[plain]["review_waiting"]
    held = inquiry.get("/api/messages", query_string={"review_waiting": "true"}, headers=DEPT_STAFF).json
    assert [m["id"] for m in held] == [waiting]

"""A message's page shows what the citizen was told and the whole way it was handled (issue 17,
bug 3): the reply, the feedback and the result with when and who; every step with its unit."""
import datetime as dt

from services.inquiry.models import MissedDeadline
from tests.inquiry.conftest import DEPT_STAFF, JOINT, OTHER, message
from tests.inquiry.test_transfers import answer, make_units, transfer


def act(client, mid, action, headers, **body):
    r = client.post(f"/api/messages/{mid}/actions/{action}", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json


def test_the_reply_feedback_and_result_with_who_and_every_step_with_its_unit(client, app):
    make_units(app)
    with app.app_context():
        from govmb.unit_copy import apply_unit_changed
        from services.inquiry.models import Unit
        apply_unit_changed(Unit)({"id": 2, "name": "联席会议办公室", "kind": "office", "parent_id": 1, "path": "/1/2/",
                                  "revision": 1}, None)
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    t = transfer(client, m["id"], 5, note="请单位5核实").json  # the office sends it on, and it comes back
    answer(client, t["id"], OTHER, False, "不属本单位职责")
    client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 4, "note": "仍请原单位办理"}, headers=JOINT)
    act(client, m["id"], "reply", DEPT_STAFF, text="您好，已收到。")
    act(client, m["id"], "feedback", DEPT_STAFF, text="已受理，将于三日内处理。")
    act(client, m["id"], "resolve", DEPT_STAFF, text="路灯已修复。")
    with app.app_context():
        MissedDeadline.create(message=m["id"], deadline="reply", due_at=dt.datetime(2026, 10, 1, 2))  # the sweep's row

    got = client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json
    assert (got["reply_text"], got["feedback_text"], got["result_text"]) == ("您好，已收到。", "已受理，将于三日内处理。", "路灯已修复。")
    assert got["replied_by"].startswith("单位4 ") and len(got["replied_by"]) > 4  # the unit and the person
    assert got["resolved_by"] == got["replied_by"] == got["fed_back_by"]
    steps = [(h["action"], h["unit_name"]) for h in got["history"]]
    assert [a for a, _ in steps if a != "missed"] == ["receive", "transfer", "transfer_return", "reassign", "reply",
                                                      "feedback", "resolve"]
    assert [h["at"] for h in got["history"]] == sorted(h["at"] for h in got["history"])  # in the order of time
    assert ("transfer", "联席会议办公室") in steps and ("transfer_return", "单位5") in steps and ("resolve", "单位4") in steps
    by_action = {h["action"]: h for h in got["history"]}
    assert "请单位5核实" in by_action["transfer"]["comment"] and "不属本单位职责" in by_action["transfer_return"]["comment"]
    assert by_action["missed"]["comment"] == "24 小时内回复" and by_action["resolve"]["status_name"] == "已办结"
    assert by_action["reply"]["at"].endswith("+08:00")  # Beijing time
    assert got["history_total"] == 7  # the steps, without the deadline missed
    listed = client.get("/api/messages", headers=DEPT_STAFF).json[0]
    assert "history" not in listed  # a list carries no history


def test_the_history_is_bounded_to_the_latest_steps(client, app, monkeypatch):
    from services.inquiry import handling
    m = message(client).json
    for category in ("complaint", "query", "report", "suggestion"):
        client.post(f"/api/messages/{m['id']}/classify", json={"category": category, "sentiment": "neutral"},
                    headers=DEPT_STAFF)
    monkeypatch.setattr(handling, "HISTORY", 3)
    monkeypatch.setattr(handling.history, "__defaults__", (3,))
    got = client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json
    assert got["history_total"] == 5 and len(got["history"]) == 3
    assert got["history"][-1]["comment"] == "suggestion / neutral"  # the latest

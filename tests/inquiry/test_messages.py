"""Messages on their N11 deadlines: intake, steps, privacy, the office's notice, the sweep."""
import datetime as dt

import pytest

from services.inquiry.models import Message, bus
from services.inquiry.sweep import sweep
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, JOINT, OTHER, message


def act(client, mid, action, headers=DEPT_STAFF, **body):
    return client.post(f"/api/messages/{mid}/actions/{action}", json=body, headers=headers)


def events(kind):
    return [r for r in bus.Outbox.select() if r.event_type == kind]


def test_deadlines_are_stored_and_returned_in_beijing_time(client):
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    assert m["reply_due_at"] == "2026-10-01T10:00:00+08:00"
    assert m["feedback_due_at"] == "2026-10-11T00:00:00+08:00"  # 24:00 on 10 October, a make-up Saturday
    assert m["verification_due_at"] is None and m["provisional"] is False


def test_a_message_walks_to_resolution_with_verification_and_every_step_is_reported(client):
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    assert act(client, m["id"], "resolve", text="已修复").status_code == 409  # not before the feedback
    assert act(client, m["id"], "reply").status_code == 422  # a reply needs its text
    assert act(client, m["id"], "reply", text="您好，已转市政部门。").json["status"] == "replied"
    r = act(client, m["id"], "feedback", text="已受理，需现场核实线路。", needs_verification=True)
    assert r.json["status"] == "verifying" and r.json["verification_due_at"] == "2026-10-21T00:00:00+08:00"
    r = act(client, m["id"], "resolve", text="路灯已于 10 月 15 日修复。")
    assert r.json["status"] == "resolved"
    steps = [e.body for e in events("inquiry.message.changed")]
    assert [s.split('"step":"')[1].split('"')[0] for s in steps] == ["received", "replied", "fed_back", "resolved"]
    assert all("@东湖居民" not in s and "13800000000" not in s for s in steps)  # personal data stays here


def test_only_the_handling_unit_sees_the_citizens_handle_and_contact(client):
    m = message(client).json
    assert (m["citizen_handle"], m["citizen_contact"]) == ("@东**民", "138****0000")  # masked, even to its unit
    whole = client.get(f"/api/messages/{m['id']}/contact", headers=DEPT_STAFF).json
    assert whole == {"citizen_handle": "@东湖居民", "citizen_contact": "13800000000"}
    seen_by_county = client.get(f"/api/messages/{m['id']}", headers=COUNTY).json
    assert seen_by_county["text"] and seen_by_county["citizen_handle"] == "@东**民"
    assert client.get(f"/api/messages/{m['id']}/contact", headers=COUNTY).status_code == 403
    assert all(x["citizen_handle"] == "@东**民" for x in client.get("/api/messages", headers=JOINT).json)
    assert client.get(f"/api/messages/{m['id']}", headers=OTHER).status_code == 404
    assert act(client, m["id"], "reply", COUNTY, text="x").status_code == 403  # the county sees; the unit handles


def test_lateness_is_visible_at_every_moment(client):
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=30)).isoformat()
    m = message(client, received_at=old).json
    reply = m["deadlines"]["reply"]
    assert reply["state"] == "overdue" and 6 * 3600 - 60 <= reply["seconds"] <= 6 * 3600 + 60
    assert m["deadlines"]["feedback"]["state"] in ("open", "overdue")
    assert [x["id"] for x in client.get("/api/messages?overdue=true", headers=DEPT_STAFF).json] == [m["id"]]
    r = act(client, m["id"], "reply", text="抱歉回复晚了")
    assert r.json["deadlines"]["reply"]["state"] == "late"


def test_the_same_platform_message_is_taken_once_and_bad_input_changes_nothing(client):
    assert message(client, platform="sina", platform_message_id="m-1").status_code == 201
    assert message(client, platform="sina", platform_message_id="m-1").status_code == 409
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    assert "received_at" in message(client, received_at=future).json["errors"]
    assert "account_id" in message(client, account_id=3).json["errors"]  # another unit's account
    assert "kind" in message(client, kind="telegram").json["errors"]
    assert Message.select().count() == 1


def test_the_offices_notice_recomputes_open_deadlines(client, monkeypatch):
    import services.inquiry.handling as handling
    monkeypatch.setattr(handling, "utcnow", lambda: dt.datetime(2027, 1, 2, 2, 0))  # the service's clock: 2 Jan 2027
    m = message(client, received_at="2026-12-30T10:00:00+08:00").json
    assert m["provisional"] is True and m["feedback_due_at"] == "2027-01-06T00:00:00+08:00"
    days = [{"day": "2027-01-01", "workday": False}, {"day": "2027-01-04", "workday": False},
            {"day": "2027-01-09", "workday": True}]
    assert client.post("/api/calendar-days", json={"days": days}, headers=DEPT_STAFF).status_code == 403
    assert client.post("/api/calendar-days", json={"days": days}, headers=JOINT).json == {"recomputed": 1}
    again = client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json
    assert again["feedback_due_at"] == "2027-01-07T00:00:00+08:00"
    assert again["provisional"] is True  # three days are not the whole notice
    assert client.post("/api/calendar-days", json={"days": days}, headers=JOINT).json == {"recomputed": 0}


def test_the_sweep_reports_each_missed_deadline_once(client, app):
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=20)).isoformat()
    late = message(client, received_at=old).json
    message(client)  # nothing missed yet
    with app.app_context():
        assert sweep() == 2  # its reply and its feedback
        assert sweep() == 0  # run again: nothing new
    act(client, late["id"], "reply", text="迟到的回复")
    with app.app_context():
        assert sweep() == 0
    assert sorted(e.body.split('"deadline":"')[1].split('"')[0] for e in events("inquiry.message.overdue")) == [
        "feedback", "reply"]


@pytest.mark.parametrize("body", [{"days": []}, {"days": [{"day": "2027-02-30", "workday": True}]},
                                  {"days": [{"day": "2027-01-01"}]}])
def test_a_bad_notice_is_refused(client, body):
    assert client.post("/api/calendar-days", json=body, headers=JOINT).status_code == 422


def test_a_correction_to_a_known_year_moves_the_deadline_too(client):
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    r = client.post("/api/calendar-days", json={"days": [{"day": "2026-10-10", "workday": False}]}, headers=JOINT)
    assert r.json == {"recomputed": 1}
    again = client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json
    assert again["feedback_due_at"] == "2026-10-13T00:00:00+08:00"  # the 3rd working day is now Monday 12 October


def test_work_done_late_before_the_sweep_came_is_still_reported(client, app):
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=30)).isoformat()
    m = message(client, received_at=old).json
    act(client, m["id"], "reply", text="晚了的回复")  # replied six hours late, before any sweep ran
    with app.app_context():
        assert sweep() == 1
        assert sweep() == 0


def test_a_date_before_2004_is_refused_not_a_500(client):
    r = message(client, received_at="1850-01-01T10:00:00+08:00")
    assert r.status_code == 422 and "2004" in r.json["errors"]["received_at"][0]

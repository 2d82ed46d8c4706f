"""The office marks a year's notice complete; until then the year stays provisional, on the
messages and in the calendar API."""
import datetime as dt

import pytest

from tests.inquiry.conftest import DEPT_STAFF, JOINT, message

NOTICE_2027 = [{"day": "2027-01-01", "workday": False}, {"day": "2027-01-04", "workday": False},
               {"day": "2027-01-09", "workday": True}]


@pytest.fixture
def clock(monkeypatch):
    import services.inquiry.handling as handling
    monkeypatch.setattr(handling, "utcnow", lambda: dt.datetime(2027, 1, 2, 2, 0))  # the service's clock: 2 Jan 2027


def year(client, y, headers=DEPT_STAFF):
    r = client.get(f"/api/calendar-years/{y}", headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def test_a_year_stays_provisional_until_the_office_says_its_notice_is_complete(client, clock):
    m = message(client, received_at="2026-12-30T10:00:00+08:00").json
    assert year(client, 2027)["provisional"] is True and year(client, 2027)["days"] == []
    client.post("/api/calendar-days", json={"days": NOTICE_2027[:1]}, headers=JOINT)
    status = year(client, 2027)
    assert status["provisional"] is True and status["notice_complete"] is False
    assert status["days"] == [{"day": "2027-01-01", "workday": False, "entered_by": "测试用户"}]
    assert client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json["provisional"] is True

    client.post("/api/calendar-days", json={"days": NOTICE_2027}, headers=JOINT)
    r = client.put("/api/calendar-years/2027", json={"notice_complete": True}, headers=JOINT)
    assert r.status_code == 200 and r.json["recomputed"] == 1
    assert r.json["notice_complete"] is True and r.json["provisional"] is False and r.json["set_by"] == "测试用户"
    again = client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json
    assert again["provisional"] is False and again["feedback_due_at"] == "2027-01-07T00:00:00+08:00"

    # taken back (the office found a day missing): provisional again
    r = client.put("/api/calendar-years/2027", json={"notice_complete": False}, headers=JOINT)
    assert r.json["provisional"] is True and r.json["recomputed"] == 1
    assert client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json["provisional"] is True


def test_a_year_chinesecalendar_covers_is_never_provisional(client):
    status = year(client, 2026)
    assert status["covered_by_package"] is True and status["provisional"] is False


def test_only_the_office_marks_a_notice_complete_and_bad_years_are_refused(client):
    assert client.put("/api/calendar-years/2027", json={"notice_complete": True}, headers=DEPT_STAFF).status_code == 403
    assert client.put("/api/calendar-years/2027", json={}, headers=JOINT).json["errors"] == {"notice_complete": ["此项必填"]}
    for bad in (1999, 2100):
        r = client.put(f"/api/calendar-years/{bad}", json={"notice_complete": True}, headers=JOINT)
        assert r.status_code == 422 and "2004" in r.json["errors"]["year"][0]
    assert client.get("/api/calendar-years/2027").status_code == 401
    assert year(client, 2027)["notice_complete"] is False


def test_every_open_message_is_recomputed_however_many_batches_they_take(client, clock, monkeypatch):
    import services.inquiry.handling as handling
    monkeypatch.setattr(handling, "RECOMPUTE_BATCH", 2)  # five open messages: three batches
    ids = [message(client, received_at=f"2026-12-30T1{i}:00:00+08:00").json["id"] for i in range(5)]
    client.post("/api/calendar-days", json={"days": NOTICE_2027}, headers=JOINT)
    r = client.put("/api/calendar-years/2027", json={"notice_complete": True}, headers=JOINT)
    assert r.status_code == 200 and r.json["recomputed"] == 5
    assert {client.get(f"/api/messages/{i}", headers=DEPT_STAFF).json["provisional"] for i in ids} == {False}

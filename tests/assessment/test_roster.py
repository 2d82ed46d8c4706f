"""The 24-hour duty roster (X20.3): shifts entered in Beijing time and stored in UTC, never
overlapping for the same account; who is on duty now; where the next 7 days are uncovered."""
import datetime as dt

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.timefmt import to_beijing, utcnow
from services.assessment import roster
from services.assessment.models import Account, DutyShift, Unit
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.conftest import auth
from tests.publishing.conftest import account

LEADER = auth(4, "/1/3/4/", "leader", person=11)
SUPERVISION = auth(8, "/1/8/", "supervision", person=40)


def bj(when: dt.datetime) -> str:
    """A Beijing wall-clock time as a form would send it (no offset)."""
    return to_beijing(when).strftime("%Y-%m-%dT%H:%M:%S")


def shift(client, starts_at, ends_at, account_id=1, headers=DEPT, person_name="马丽", phone="0791-8888 1234"):
    body = {"account_id": account_id, "starts_at": starts_at, "ends_at": ends_at, "person_name": person_name,
            "phone": phone}
    return client.post("/api/roster/shifts", json=body, headers=headers)


def test_a_shift_is_entered_in_beijing_time_and_stored_in_utc(client):
    r = shift(client, "2026-10-01T08:00:00", "2026-10-01T20:00:00")
    assert r.status_code == 201, r.json
    assert (r.json["starts_at"], r.json["ends_at"]) == ("2026-10-01T08:00:00+08:00", "2026-10-01T20:00:00+08:00")
    assert r.json["account_name"] == "账号1" and r.json["entered_by"] == "测试用户"
    stored = DutyShift.get_by_id(r.json["id"])
    assert (stored.starts_at, stored.ends_at) == (dt.datetime(2026, 10, 1, 0, 0), dt.datetime(2026, 10, 1, 12, 0))
    utc = shift(client, "2026-10-01T12:00:00+00:00", "2026-10-02T00:00:00+00:00")  # an explicit offset is kept
    assert utc.json["starts_at"] == "2026-10-01T20:00:00+08:00"
    listed = client.get("/api/roster/shifts?unit_id=4&from=2026-10-01&days=1", headers=COUNTY)
    assert [s["starts_at"] for s in listed.json] == ["2026-10-01T08:00:00+08:00", "2026-10-01T20:00:00+08:00"]


def test_overlapping_shifts_of_the_same_account_are_refused_touching_ones_are_not(client):
    assert shift(client, "2026-10-01T08:00:00", "2026-10-01T20:00:00").status_code == 201
    r = shift(client, "2026-10-01T19:00:00", "2026-10-02T08:00:00", person_name="罗斌")
    assert r.status_code == 422 and list(r.json["errors"]) == ["starts_at"]
    assert "马丽" in r.json["errors"]["starts_at"][0] and "2026-10-01 08:00" in r.json["errors"]["starts_at"][0]
    inside = shift(client, "2026-10-01T09:00:00", "2026-10-01T10:00:00")
    assert inside.status_code == 422  # within another shift
    around = shift(client, "2026-10-01T00:00:00", "2026-10-02T00:00:00")
    assert around.status_code == 422  # around another shift
    assert shift(client, "2026-10-01T20:00:00", "2026-10-02T08:00:00", person_name="罗斌").status_code == 201
    # another account, and the unit-wide roster, are other rosters
    assert shift(client, "2026-10-01T09:00:00", "2026-10-01T18:00:00", account_id=2).status_code == 201
    assert shift(client, "2026-10-01T09:00:00", "2026-10-01T18:00:00", account_id=None).status_code == 201
    unit_again = shift(client, "2026-10-01T17:00:00", "2026-10-01T19:00:00", account_id=None)
    assert unit_again.status_code == 422 and "starts_at" in unit_again.json["errors"]
    assert DutyShift.select().count() == 4


@pytest.mark.parametrize("fields,field", [
    ({"ends_at": "2026-10-01T07:00:00"}, "ends_at"),  # before the start
    ({"ends_at": "2026-10-01T08:00:00"}, "ends_at"),  # no length at all
    ({"ends_at": "2026-10-09T08:00:00"}, "ends_at"),  # longer than a week
    ({"starts_at": "明天早上"}, "starts_at"),
    ({"starts_at": "1999-10-01T08:00:00"}, "starts_at"),
    ({"account_id": 3}, "account_id"),  # another unit's account
    ({"account_id": 999}, "account_id"),
    ({"person_name": ""}, "person_name"),
    ({"phone": "找办公室"}, "phone"),
])
def test_bad_shifts_are_refused_naming_the_field_and_change_nothing(client, fields, field):
    body = {"starts_at": "2026-10-01T08:00:00", "ends_at": "2026-10-01T20:00:00", **fields}
    r = shift(client, **body)
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json" and list(r.json["errors"]) == [field]
    assert DutyShift.select().count() == 0


@pytest.mark.parametrize("status,kind", [("filed", "institutional"), ("closed", "institutional"),
                                         ("active", "private")])
def test_a_shift_is_only_for_an_account_that_needs_someone_on_duty(client, status, kind):
    apply_account_snapshot(Account)({**account(9), "status": status, "kind": kind}, None)
    r = shift(client, "2026-10-01T08:00:00", "2026-10-01T20:00:00", account_id=9)
    assert r.status_code == 422 and list(r.json["errors"]) == ["account_id"]
    assert [a["account_id"] for a in client.get("/api/roster/now", headers=DEPT).json["accounts"]] == [1, 2]


def test_who_is_on_duty_now_for_the_unit_and_each_account(client):
    now = utcnow()
    shift(client, bj(now - dt.timedelta(hours=2)), bj(now + dt.timedelta(hours=6)), account_id=1, person_name="马丽",
          phone="13800000001")
    shift(client, bj(now - dt.timedelta(hours=1)), bj(now + dt.timedelta(hours=3)), account_id=None, person_name="罗斌",
          phone="13800000002")
    shift(client, bj(now + dt.timedelta(hours=1)), bj(now + dt.timedelta(hours=9)), account_id=2, person_name="梁宇",
          phone="13800000003")  # not yet
    r = client.get("/api/roster/now", headers=DEPT)
    assert r.status_code == 200
    assert r.json["unit_name"] == "东湖区民政局" and r.json["unit_shift"]["person_name"] == "罗斌"
    on = {a["account_id"]: (a["shift"]["person_name"], a["shift"]["phone"], a["covered_by"]) for a in r.json["accounts"]}
    assert on == {1: ("马丽", "13800000001", "account"), 2: ("罗斌", "13800000002", "unit")}
    assert client.get("/api/roster/now?unit_id=4", headers=COUNTY).json["unit_shift"]["person_name"] == "罗斌"
    assert client.get("/api/roster/now?unit_id=4", headers=SUPERVISION).status_code == 200
    nobody = client.get("/api/roster/now?unit_id=5", headers=OFFICE).json
    assert nobody["unit_shift"] is None and nobody["accounts"] == [
        {"account_id": 3, "account_name": "账号3", "shift": None, "covered_by": None}]


def test_gaps_in_the_next_seven_days_per_account(app):
    start = dt.datetime(2026, 10, 1, 0, 0)  # UTC: 08:00 Beijing
    unit = Unit.get_by_id(4)

    def add(account_id, hours_from, hours_to):
        DutyShift.create(unit_id=4, unit_path="/1/3/4/", account_id=account_id, person_name="马丽", phone="13800000000",
                         starts_at=start + dt.timedelta(hours=hours_from), ends_at=start + dt.timedelta(hours=hours_to),
                         entered_by="测试")

    add(1, -2, 24)  # account 1: the first day
    add(1, 24, 48)  # and the second, back to back
    add(None, 72, 168)  # the unit: from day 4 to the end
    add(2, 60, 80)  # account 2: overlapping the unit's
    found = [(g["account_id"], (g["starts_at"] - start).total_seconds() / 3600, (g["ends_at"] - start).total_seconds() / 3600)
             for g in roster.gaps(unit, 7, start)]
    assert found == [(1, 48, 72), (2, 0, 60)]
    assert roster.gaps(unit, 7, start)[0]["hours"] == 24.0


def test_a_unit_without_accounts_has_its_own_gaps_and_the_api_gives_them(client):
    r = client.get("/api/roster/gaps?unit_id=3", headers=COUNTY)  # 东湖区 itself has no account here
    assert r.status_code == 200 and len(r.json) == 1
    gap = r.json[0]
    assert gap["account_id"] is None and gap["account_name"] == "东湖区" and gap["hours"] == pytest.approx(168, abs=0.1)
    assert gap["starts_at"].endswith("+08:00")
    mine = client.get("/api/roster/gaps", headers=DEPT).json
    assert sorted(g["account_id"] for g in mine) == [1, 2]


def test_a_roster_is_seen_from_above_and_changed_only_by_its_unit(client):
    s = shift(client, "2026-10-01T08:00:00", "2026-10-01T20:00:00").json
    assert client.get("/api/roster/now?unit_id=4", headers=OTHER).status_code == 404
    assert client.get("/api/roster/gaps?unit_id=4", headers=OTHER).status_code == 404
    assert client.get("/api/roster/shifts?unit_id=4", headers=OTHER).status_code == 404
    # the county sees it but neither enters for its department's account nor removes its shifts
    assert shift(client, "2026-10-02T08:00:00", "2026-10-02T20:00:00", headers=COUNTY).status_code == 422
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=COUNTY).status_code == 403
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=OTHER).status_code == 404
    assert shift(client, "2026-10-02T08:00:00", "2026-10-02T20:00:00", headers=OFFICE).status_code == 403
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=LEADER).status_code == 204
    assert DutyShift.select().count() == 0

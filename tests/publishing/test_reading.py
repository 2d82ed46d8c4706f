"""Daily reading (X18): the principal leader marks the unit's posts of today as read, once a
day; the office sees who read on which day and each unit's reading rate; today's unread posts
wait in the leader's to-do."""
import datetime as dt

import pytest

from govmb.timefmt import beijing_today, utcnow
from govmb.unit_copy import apply_unit_changed
from services.publishing import reading
from services.publishing.models import Draft, ReadingMark, Unit
from tests.conftest import auth
from tests.publishing.conftest import JOINT, LEADER, OPERATOR, OTHER_PATH, OTHER_UNIT, PATH, UNIT, draft

PRINCIPAL = auth(UNIT, PATH, "principal_leader", person=10)


@pytest.fixture(autouse=True)
def units(app):
    """The units of the accounts, as the registry's events give them to publishing."""
    with app.app_context():
        handle = apply_unit_changed(Unit)
        for id_, name, path in ((UNIT, "东湖区民政局", PATH), (OTHER_UNIT, "市交通运输局", OTHER_PATH)):
            handle({"id": id_, "name": name, "kind": "department", "parent_id": None, "path": path, "revision": 1}, None)
OTHER_PRINCIPAL = auth(OTHER_UNIT, OTHER_PATH, "principal_leader", person=20)


def released(client, at=None, account_id=1, headers=OPERATOR) -> int:
    """A post of the account released at `at` (now by default)."""
    d = draft(client, headers=headers, account_id=account_id).json["id"]
    Draft.update(status="released", released_at=at or utcnow()).where(Draft.id == d).execute()
    return d


def todo(client, headers) -> dict:
    return {g["kind"]: g for g in client.get("/api/todo", headers=headers).json}


def test_the_principal_leader_marks_todays_posts_read_once(client):
    assert client.post("/api/reading", json={}, headers=PRINCIPAL).status_code == 409  # nothing out today
    released(client)
    released(client)
    assert todo(client, PRINCIPAL)["posts_to_read"]["count"] == 1
    today = client.get("/api/reading/today", headers=PRINCIPAL).json
    assert (today["posts"], today["reader"], today["marked"]) == (2, True, False)
    r = client.post("/api/reading", json={}, headers=PRINCIPAL)
    assert r.status_code == 201, r.json
    assert (r.json["day"], r.json["posts"], r.json["person_name"]) == (str(beijing_today()), 2, "测试用户")
    again = client.post("/api/reading", json={"day": str(beijing_today())}, headers=PRINCIPAL)
    assert again.status_code == 200 and again.json["id"] == r.json["id"] and ReadingMark.select().count() == 1
    assert client.get("/api/reading/today", headers=PRINCIPAL).json["marked"] is True
    assert todo(client, PRINCIPAL)["posts_to_read"]["count"] == 0
    assert "posts_to_read" not in todo(client, LEADER)


def test_only_the_principal_leader_marks_and_only_today(client):
    released(client)
    for headers in (OPERATOR, LEADER, JOINT):
        assert client.post("/api/reading", json={}, headers=headers).status_code == 403
    yesterday = str(beijing_today() - dt.timedelta(days=1))
    for body, field in (({"day": yesterday}, "day"), ({"day": "昨天"}, "day")):
        r = client.post("/api/reading", json=body, headers=PRINCIPAL)
        assert r.status_code == 422 and field in r.json["errors"], r.json
    assert ReadingMark.select().count() == 0


def test_the_office_sees_who_reads_and_each_units_rate(client):
    today = beijing_today()
    yesterday_noon = (dt.datetime.combine(today - dt.timedelta(days=1), dt.time(4)))  # 12:00 Beijing, as stored UTC
    released(client, yesterday_noon)
    released(client)
    released(client, account_id=3, headers=auth(OTHER_UNIT, OTHER_PATH, "operator", person=23))
    client.post("/api/reading", json={}, headers=PRINCIPAL)
    marks = client.get("/api/reading", headers=JOINT).json
    assert [(m["unit_name"], m["day"], m["posts"]) for m in marks] == [("东湖区民政局", str(today), 1)]
    rates = {r["unit_id"]: r for r in client.get("/api/reading/rates", headers=JOINT).json}
    assert (rates[UNIT]["days_posted"], rates[UNIT]["days_read"], rates[UNIT]["rate"]) == (2, 1, 0.5)
    assert (rates[OTHER_UNIT]["days_posted"], rates[OTHER_UNIT]["rate"]) == (1, 0.0)
    assert list(rates) == [OTHER_UNIT, UNIT]  # the lowest rate first
    assert client.get("/api/reading", headers=OTHER_PRINCIPAL).json == []  # another unit's marks: out of sight
    assert [r["unit_id"] for r in client.get("/api/reading/rates", headers=OTHER_PRINCIPAL).json] == [OTHER_UNIT]
    too_long = client.get(f"/api/reading/rates?from={today - dt.timedelta(days=40)}&to={today}", headers=JOINT)
    assert too_long.status_code == 422 and "to" in too_long.json["errors"]
    backwards = client.get(f"/api/reading?from={today}&to={today - dt.timedelta(days=1)}", headers=JOINT)
    assert backwards.status_code == 422 and "to" in backwards.json["errors"]
    assert reading.MAX_DAYS == 31

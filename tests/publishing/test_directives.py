"""Unified messaging (统一口径): who must forward, who did, who is late; and the calendar."""
import datetime as dt

from services.publishing.models import Directive, bus
from tests.publishing.conftest import JOINT, OPERATOR, OTHER_LEADER, act, draft
from tests.publishing.test_checks_and_events import release

SOON = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).isoformat()


def lead_post(client):
    return release(client, draft(client, account_id=4, text="关于近期网传信息的权威发布。").json["id"])


def test_the_office_issues_a_directive_and_watches_compliance_fill_in(client):
    lead = lead_post(client)
    r = client.post("/api/directives", json={"title": "转发权威发布", "lead_draft_id": lead["id"], "due_at": SOON},
                    headers=OPERATOR)
    assert r.status_code == 403
    r = client.post("/api/directives", json={"title": "转发权威发布", "lead_draft_id": lead["id"], "due_at": SOON},
                    headers=JOINT)
    assert r.status_code == 201
    directive = r.json
    assert [t["account_id"] for t in directive["targets"]] == [1, 3]  # every active account but the lead's
    assert directive["counts"] == {"on_time": 0, "late": 0, "overdue": 0, "pending": 2}

    r = client.post(f"/api/directives/{directive['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                    headers=OTHER_LEADER)
    assert r.status_code == 403  # another unit cannot record this unit's forward
    r = client.post(f"/api/directives/{directive['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                    headers=OPERATOR)
    assert r.status_code == 200 and r.json["counts"]["on_time"] == 1
    again = client.post(f"/api/directives/{directive['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                        headers=OPERATOR)
    assert again.status_code == 409

    Directive.update(due_at=dt.datetime(2020, 1, 1)).execute()  # the deadline passes
    r = client.get(f"/api/directives/{directive['id']}", headers=JOINT)
    assert {t["account_id"]: t["state"] for t in r.json["targets"]} == {1: "late", 3: "overdue"}
    types = [row.event_type for row in bus.Outbox.select()]
    assert types.count("publishing.directive.issued") == 1 and types.count("publishing.directive.forwarded") == 1


def test_a_unit_sees_only_its_own_accounts_in_a_directive(client):
    lead = lead_post(client)
    client.post("/api/directives", json={"title": "转发", "lead_draft_id": lead["id"], "due_at": SOON}, headers=JOINT)
    mine = client.get("/api/directives", headers=OPERATOR).json
    assert [t["account_id"] for t in mine[0]["targets"]] == [1]
    other = client.get("/api/directives", headers=OTHER_LEADER).json
    assert [t["account_id"] for t in other[0]["targets"]] == [3]


def test_a_directive_needs_a_released_lead_and_a_future_deadline(client):
    unreleased = draft(client).json
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).isoformat()
    r = client.post("/api/directives", json={"title": "x", "lead_draft_id": unreleased["id"], "due_at": past,
                                             "account_ids": [999]}, headers=JOINT)
    assert r.status_code == 422 and set(r.json["errors"]) == {"lead_draft_id", "due_at", "account_ids"}


def test_the_calendar_shows_what_is_planned_and_what_went_out_in_beijing_months(client):
    planned = draft(client, planned_at="2026-12-01T00:30:00+08:00").json  # 30 Nov 16:30 UTC: December in Beijing
    done = release(client, draft(client, text="十二月的第一条。").json["id"])
    month = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")
    ids = {d["id"] for d in client.get(f"/api/calendar?month={month}", headers=OPERATOR).json}
    assert done["id"] in ids
    december = {d["id"] for d in client.get("/api/calendar?month=2026-12", headers=OPERATOR).json}
    assert planned["id"] in december
    assert planned["id"] not in {d["id"] for d in client.get("/api/calendar?month=2026-11", headers=OPERATOR).json}
    assert client.get("/api/calendar?month=2026-12", headers=OTHER_LEADER).json == []
    assert act(client, planned["id"], "submit", OPERATOR).status_code == 200


def test_a_unit_not_named_in_a_directive_cannot_read_it(client):
    from tests.conftest import auth
    lead = lead_post(client)
    directive = client.post("/api/directives", json={"title": "转发", "lead_draft_id": lead["id"], "due_at": SOON,
                                                     "account_ids": [1]}, headers=JOINT).json
    stranger = auth(5, "/1/5/", "operator", person=40)
    assert client.get(f"/api/directives/{directive['id']}", headers=stranger).status_code == 404
    assert client.get("/api/directives", headers=stranger).json == []


def test_a_directive_lists_its_first_targets_with_the_counts_of_all_and_pages_them_whole(client, monkeypatch):
    """A city's directive asks two thousand accounts: it comes with the caller's own unit's and
    the first others up to SHOWN, and the database's counts of all; /targets pages every one."""
    from services.publishing import directives
    lead = lead_post(client)
    directive = client.post("/api/directives", json={"title": "转发", "lead_draft_id": lead["id"], "due_at": SOON},
                            headers=JOINT).json
    client.post(f"/api/directives/{directive['id']}/forwards", json={"account_id": 3, "url": "https://weibo.com/f/3"},
                headers=OTHER_LEADER)
    monkeypatch.setattr(directives, "SHOWN", 1)
    shown = client.get(f"/api/directives/{directive['id']}", headers=JOINT).json
    assert [t["account_id"] for t in shown["targets"]] == [1] and shown["targets_total"] == 2
    assert shown["counts"] == {"on_time": 1, "late": 0, "overdue": 0, "pending": 1}  # of both, not of the one shown
    assert [t["account_id"] for t in client.get("/api/directives", headers=OTHER_LEADER).json[0]["targets"]] == [3]
    r = client.get(f"/api/directives/{directive['id']}/targets", query_string={"page_size": 1, "page": 2}, headers=JOINT)
    assert [t["account_id"] for t in r.json] == [3] and r.json[0]["state"] == "on_time"
    pending = client.get(f"/api/directives/{directive['id']}/targets", query_string={"state": "pending"}, headers=JOINT)
    assert [t["account_id"] for t in pending.json] == [1]
    assert client.get(f"/api/directives/{directive['id']}/targets", query_string={"state": "overdue"},
                      headers=JOINT).json == []
    assert [t["account_id"] for t in client.get(f"/api/directives/{directive['id']}/targets",
                                                headers=OPERATOR).json] == [1]  # in sight only
    r = client.get(f"/api/directives/{directive['id']}/targets", query_string={"state": "lost"}, headers=JOINT)
    assert r.status_code == 422 and "state" in r.json["errors"]

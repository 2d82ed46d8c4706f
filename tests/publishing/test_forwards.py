"""Forwards (X14, N22) of superior and related accounts' posts made outside a directive: recorded,
listed, counted per account and month, seen by the office and supervision; and supervision
issues a directive (统一口径) on the line for a major event."""

import pytest

from services.publishing.models import Directive, Forward, ForwardCount
from tests.conftest import audit_trail, auth
from tests.publishing.conftest import JOINT, LEADER, OPERATOR, OTHER_LEADER
from tests.publishing.test_directives import SOON, lead_post

SUPERVISION = auth(2, "/1/2/", "supervision", person=31)
AUDITOR = auth(2, "/1/2/", "auditor", person=32)
OTHER_OPERATOR = auth(5, "/1/5/", "operator", person=22)
PARENT_OFFICE = auth(3, "/1/3/", "responsible_office", person=40)


def body(**more):
    return {"account_id": 1, "platform": "sina", "source_account": "南昌发布",
            "source_url": "https://weibo.com/nanchang/1", "url": "https://weibo.com/donghu/9",
            "forwarded_at": "2026-03-31T23:30:00+08:00", **more}


def record(client, headers=OPERATOR, **more):
    return client.post("/api/forwards", json=body(**more), headers=headers)


def test_a_forward_is_recorded_listed_and_counted_in_its_beijing_month(client):
    r = record(client)
    assert r.status_code == 201 and r.json["account_name"] == "账号1" and r.json["forwarded_at"].endswith("+08:00")
    assert record(client, url="https://weibo.com/donghu/10", forwarded_at="2026-04-01T00:10:00+08:00").status_code == 201
    assert record(client, url="https://weibo.com/donghu/11", forwarded_at="2026-03-02T08:00:00+08:00").status_code == 201
    march = client.get("/api/forwards/counts", query_string={"month": "2026-03"}, headers=JOINT).json
    assert [(c["account_id"], c["forwards"]) for c in march] == [(1, 2)]
    april = client.get("/api/forwards/counts", query_string={"month": "2026-04"}, headers=SUPERVISION).json
    assert [(c["account_id"], c["forwards"]) for c in april] == [(1, 1)]
    listed = client.get("/api/forwards", query_string={"page_size": 2}, headers=SUPERVISION)
    assert listed.status_code == 200 and len(listed.json) == 2
    assert [f["url"] for f in listed.json] == ["https://weibo.com/donghu/10", "https://weibo.com/donghu/9"]
    assert '"total": 3' in listed.headers["X-Pagination"]
    assert [r["action"] for r in audit_trail(client, JOINT, action="forward.record")] == ["forward.record"] * 3


@pytest.mark.parametrize("field,value", [
    ("account_id", 3),  # another unit's account
    ("account_id", 999),  # no such account
    ("platform", "tencent"),  # not a platform of the account
    ("source_account", ""),
    ("source_url", "weibo.com/x"),
    ("url", "ftp://weibo.com/x"),
    ("url", "https://weibo.com/nanchang/1"),  # the source's own URL
    ("forwarded_at", "2099-01-01T00:00:00+08:00"),  # in the future (a fixed value: xdist collects the ids twice)
    ("forwarded_at", "昨天"),
])
def test_bad_input_names_the_field_and_changes_nothing(client, field, value):
    r = record(client, **{field: value})
    assert r.status_code == 422 and field in r.json["errors"]
    assert Forward.select().count() == 0 and ForwardCount.select().count() == 0


def test_the_same_forward_twice_is_refused_and_counted_once(client):
    assert record(client).status_code == 201
    r = record(client)
    assert r.status_code == 422 and "url" in r.json["errors"]
    assert ForwardCount.get().forwards == 1


def test_who_may_record_and_who_sees(client):
    assert record(client, headers=OTHER_OPERATOR).status_code == 422  # another unit's account: out of sight
    assert record(client, headers=JOINT).status_code == 403
    assert record(client, headers=SUPERVISION).status_code == 403
    assert record(client, headers=PARENT_OFFICE).status_code == 403  # the unit above sees it, does not record it
    assert record(client, headers=LEADER).status_code == 201
    assert [f["account_id"] for f in client.get("/api/forwards", headers=PARENT_OFFICE).json] == [1]  # the unit above
    assert client.get("/api/forwards", headers=OTHER_LEADER).json == []  # another unit sees none
    assert client.get("/api/forwards/counts", query_string={"month": "2026-03"}, headers=OTHER_LEADER).json == []
    r = client.get("/api/forwards", query_string={"unit_id": 5}, headers=OPERATOR)
    assert r.status_code == 404


@pytest.mark.parametrize("query", [{"month": "2026-13"}, {"month": "三月"}, {}])
def test_the_counts_need_a_month(client, query):
    r = client.get("/api/forwards/counts", query_string=query, headers=JOINT)
    assert r.status_code == 422 and "month" in r.json["errors"]


def test_supervision_issues_a_directive_for_a_major_event(client):
    lead = lead_post(client)
    r = client.post("/api/directives", json={"title": "重大事件统一口径", "lead_draft_id": lead["id"], "due_at": SOON},
                    headers=SUPERVISION)
    assert r.status_code == 201 and r.json["issued_by"]
    assert Directive.select().count() == 1
    assert [r["action"] for r in audit_trail(client, JOINT, action="directive.issue")] == ["directive.issue"]
    r = client.post("/api/directives", json={"title": "x", "lead_draft_id": lead["id"], "due_at": SOON}, headers=AUDITOR)
    assert r.status_code == 403
    r = client.post("/api/directives", json={"title": "", "lead_draft_id": lead["id"], "due_at": SOON},
                    headers=SUPERVISION)
    assert r.status_code == 422 and "title" in r.json["errors"]
    assert Directive.select().count() == 1


def test_a_forward_recorded_for_a_directive_is_not_counted_again(client):
    lead = lead_post(client)
    directive = client.post("/api/directives", json={"title": "口径", "lead_draft_id": lead["id"], "due_at": SOON},
                            headers=JOINT).json
    client.post(f"/api/directives/{directive['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                headers=OPERATOR)
    r = record(client, url="https://weibo.com/f/1")
    assert r.status_code == 422 and "统一口径" in r.json["errors"]["url"][0]


"""Every list pages on PostgreSQL and hides nothing: more than a page of each kind of object,
walked page by page, finds every row exactly once, with the total in X-Pagination; a count
past the cap says so; the search finds Chinese text by any part of it."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from govmb import paging
from govmb.account_copy import apply_account_snapshot
from govmb.timefmt import utcnow
from govmb.unit_copy import apply_unit_changed
from tests.conftest import auth
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for

N = 7  # rows of each kind: four pages of two
OFFICE = auth(2, "/1/2/", "joint_office", "admin", person=30)
UNITS = [(1, "南昌市", "region", None, "/1/"), (2, "市政府新闻办", "department", 1, "/1/2/"),
         (3, "东湖区", "district", 1, "/1/3/"), (4, "东湖区教育局", "department", 3, "/1/3/4/"),
         (5, "西湖区", "district", 1, "/1/5/")]


def walk(client, path: str, headers: dict, key: str = "id", **params) -> tuple[list, dict]:
    """Every row of a list, two to a page, following next_page; the last page's pagination."""
    seen, number = [], 1
    while True:
        r = client.get(path, query_string={**params, "page": number, "page_size": 2}, headers=headers)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[:300])
        meta = json.loads(r.headers["X-Pagination"])
        assert len(r.json) <= 2
        seen += [row[key] for row in r.json]
        if "next_page" not in meta:
            return seen, meta
        number = meta["next_page"]


def assert_walks(client, path: str, expected: list, headers: dict = OFFICE, **params) -> None:
    seen, meta = walk(client, path, headers, **params)
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)), (path, seen, expected)
    assert meta["total"] == len(expected) and meta["total_capped"] is False, (path, meta)
    assert meta["total_pages"] == (len(expected) + 1) // 2


def service_app(service: str, url: str):
    app = migrated_app(service, settings_for(service, url))
    if service != "registry":
        with app.app_context():
            for uid, name, kind, parent, path in UNITS:
                apply_unit_changed(_unit_model(service))(
                    {"id": uid, "name": name, "kind": kind, "parent_id": parent, "path": path, "revision": 1}, None)
            handle = apply_account_snapshot(_account_model(service))
            for i in range(1, N + 1):
                handle(account(i, 4, "/1/3/4/"), None)
    return app


def _unit_model(service: str):
    return __import__(f"services.{service}.models", fromlist=["Unit"]).Unit


def _account_model(service: str):
    return __import__(f"services.{service}.models", fromlist=["Account"]).Account


@pytest.mark.parametrize("service", ["publishing", "inquiry", "assessment"])
def test_the_copies_of_units_and_accounts_page(pg_url, service):
    client = service_app(service, pg_url).test_client()
    assert_walks(client, "/api/units", [u[0] for u in UNITS])
    assert_walks(client, "/api/accounts", list(range(1, N + 1)))
    assert_walks(client, "/api/units", [3, 4], unit_id=3)
    assert_walks(client, "/api/units", [3], unit_id=3, levels=0)  # a picker's levels below a unit
    assert_walks(client, "/api/units", [1, 2, 3, 5], levels=0)  # the office's own depth: the tree's second level


def test_the_registrys_lists_page(pg_url):
    from services.registry.models import Account, ClientSystem, Person, Unit
    app = migrated_app("registry", settings_for("registry", pg_url))
    with app.app_context():
        for uid, name, kind, parent, path in UNITS:
            Unit.create(id=uid, name=name, kind=kind, parent=parent, path=path)
        Unit.create(id=6, name="东湖区公安分局", kind="department", parent=3, path="/1/3/6/")
        Unit.create(id=7, name="东湖区民政局", kind="department", parent=3, path="/1/3/7/")
        people = [Person.create(unit=4, name=f"人员{i}", username=f"user{i}", password_hash="x", roles="operator").id
                  for i in range(N)]
        accounts = [Account.create(unit=4, name=f"东湖教育{i}", kind="institutional", status="active",
                                   created_by=people[0]).id for i in range(N)]
        clients = [ClientSystem.create(client_id=f"c{i}", name=f"系统{i}", unit=3, secret_hash="x",
                                       created_by="admin").id for i in range(N)]
    client = app.test_client()
    assert_walks(client, "/api/units", [1, 2, 3, 4, 5, 6, 7])
    assert_walks(client, "/api/units", [3, 4, 6, 7], unit_id=3, levels=1)
    assert_walks(client, "/api/people", people)
    assert_walks(client, "/api/accounts", accounts)
    assert_walks(client, "/api/clients", clients)
    assert_walks(client, "/api/accounts", accounts, sort="-name")
    assert_walks(client, "/api/people", people[3:4], q="人员3")


def test_the_publishing_lists_page(pg_url):
    from services.publishing.models import Directive, DirectiveTarget, Draft, LexiconEntry
    client = service_app("publishing", pg_url).test_client()
    with client.application.app_context():
        drafts = [Draft.create(account_id=1, unit_id=4, unit_path="/1/3/4/", author_id=1, author_name="甲",
                               text=f"第{i}条：东湖区教育局发布开学通知", info_type="disclosure",
                               status="released" if i % 2 else "draft",
                               released_at=utcnow() - dt.timedelta(days=i) if i % 2 else None).id for i in range(N)]
        words = [LexiconEntry.create(word=f"词{i}", category="sensitive", severity="warn").id for i in range(N)]
        directives = []
        for i in range(N):
            d = Directive.create(title=f"口径{i}", lead_draft=drafts[1], due_at=utcnow(), issued_by="办公室")
            DirectiveTarget.create(directive=d, account_id=1, unit_id=4, unit_path="/1/3/4/")
            directives.append(d.id)
    assert_walks(client, "/api/drafts", drafts)
    assert_walks(client, "/api/drafts", drafts[1::2], sort="-released", released="true")
    assert_walks(client, "/api/drafts", drafts, headers=auth(3, "/1/3/", "leader"))
    assert_walks(client, "/api/drafts", [], headers=auth(5, "/1/5/", "leader"))
    assert_walks(client, "/api/lexicon", words)
    assert_walks(client, "/api/directives", directives)
    assert_walks(client, "/api/directives", directives, headers=auth(4, "/1/3/4/", "operator"))


def test_the_inquiry_lists_page(pg_url):
    from services.inquiry.models import Message, ProblemNotice, Transfer
    client = service_app("inquiry", pg_url).test_client()
    now = utcnow()
    with client.application.app_context():
        messages = []
        for i in range(N):
            status = ("received", "replied", "resolved")[i % 3]
            m = Message.create(account_id=1, unit_id=4, unit_path="/1/3/4/", kind="comment", source="staff",
                               citizen_handle="@居民", text=f"路灯坏了{i}", status=status,
                               received_at=now - dt.timedelta(hours=i), reply_due_at=now + dt.timedelta(hours=24 - i),
                               feedback_due_at=now + dt.timedelta(days=3), due_at=None if status == "resolved"
                               else now + dt.timedelta(hours=i % 2))  # equal deadlines: the id keeps their order
            messages.append(m.id)
        transfers = [Transfer.create(message=messages[i], from_unit_id=2, from_unit_path="/1/2/", to_unit_id=4,
                                     to_unit_path="/1/3/4/", status="pending", sent_by="办公室").id for i in range(N)]
        notices = [ProblemNotice.create(title=f"通报{i}", importance="high", kind="民生", content="内容", unit_id=4,
                                        unit_path="/1/3/4/", issued_by="办公室", issued_by_unit_path="/1/2/").id
                   for i in range(N)]
    for sort in ("due", "-due", "received", "-received"):
        assert_walks(client, "/api/messages", messages, sort=sort)
    assert_walks(client, "/api/messages", messages, headers=auth(4, "/1/3/4/", "operator"))
    assert_walks(client, "/api/messages", [m for i, m in enumerate(messages) if i % 3 == 0], status="received")
    assert_walks(client, "/api/transfers", transfers)
    assert_walks(client, "/api/notices", notices)
    assert_walks(client, "/api/notices", [], headers=auth(5, "/1/5/", "leader"))


def test_a_count_past_the_cap_says_it_is_a_lower_bound(pg_url, monkeypatch):
    client = service_app("inquiry", pg_url).test_client()
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    r = client.get("/api/accounts", query_string={"page_size": 2}, headers=OFFICE)
    meta = json.loads(r.headers["X-Pagination"])
    assert meta["total"] == 3 and meta["total_capped"] is True and meta["next_page"] == 2
    seen, _ = walk(client, "/api/accounts", OFFICE)
    assert len(seen) == 4  # the pages stop at the count it knows; the rest is reached by narrowing


def test_the_search_finds_chinese_by_any_part_and_nothing_else(pg_url):
    from services.inquiry.models import Message
    client = service_app("inquiry", pg_url).test_client()
    now = utcnow()
    texts = ["小区门口路灯坏了一个月", "路灯 灯坏 两处", "公交车晚点", "50%的路段积水", "Wi-Fi 信号差"]
    with client.application.app_context():
        ids = [Message.create(account_id=1, unit_id=4, unit_path="/1/3/4/", kind="comment", source="staff",
                              citizen_handle="@居民", text=t, status="received", received_at=now, reply_due_at=now,
                              feedback_due_at=now, due_at=now).id for t in texts]

    def found(q: str) -> list[int]:
        r = client.get("/api/messages", query_string={"q": q}, headers=OFFICE)
        assert r.status_code == 200, r.get_data(as_text=True)
        return sorted(m["id"] for m in r.json)

    assert found("路灯") == ids[:2]
    assert found("路灯坏") == ids[:1]  # every bigram of it is in the second text too, but not in a row
    assert found("灯") == ids[:2]  # one character: the substring alone
    assert found("50%") == ids[3:4] and found("%") == ids[3:4]  # a wildcard is a character to find
    assert found("wi-fi") == ids[4:5]
    assert found("地铁") == []
    r = client.get("/api/messages", query_string={"q": "x" * 51}, headers=OFFICE)
    assert r.status_code == 422 and "q" in r.json["errors"]


def test_a_list_query_past_its_time_limit_is_cancelled_and_said(pg_url, monkeypatch):
    """A search too broad to answer in time is cancelled by PostgreSQL (not left running after
    the web app gave up) and answered 503 naming what to do. Made slow here by a lock another
    connection holds; the lock is let go after 5 s, so without the limit the list answers 200."""
    import threading

    import psycopg2

    client = service_app("inquiry", pg_url).test_client()
    monkeypatch.setattr(paging, "LIST_TIMEOUT_MS", 200)
    blocker = psycopg2.connect(pg_url)
    cursor = blocker.cursor()
    cursor.execute("LOCK TABLE message IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(5, blocker.rollback)
    release.start()
    try:
        r = client.get("/api/messages", query_string={"q": "路灯"}, headers=OFFICE)
    finally:
        release.cancel()
        blocker.rollback()
        blocker.close()
    assert r.status_code == 503, r.get_data(as_text=True)
    assert "查询耗时过长" in r.json["detail"] and "缩小范围" in r.json["detail"]
    assert client.get("/api/messages", query_string={"q": "路灯"}, headers=OFFICE).status_code == 200  # the pool's connection is fine again

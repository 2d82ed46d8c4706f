"""Every list pages on PostgreSQL and hides nothing: more than a page of each kind of object,
walked page by page, finds every row exactly once, with the total in X-Pagination; a list's
`sort` orders the rows as asked, either way, across the pages, and a bad one is refused; a count
past the cap says so; the search finds Chinese text by any part of it."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from govmb import paging
from govmb.account_copy import apply_account_snapshot
from govmb.timefmt import beijing_today, utcnow
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


def in_order(keys: dict, sort: str) -> list:
    """The ids of `keys` (id: the value, or values, the sort reads) in PostgreSQL's order of `sort`:
    going up with nulls last, going down with nulls first, equal values by the id the same way."""
    present = sorted((k, i) for i, k in keys.items() if k is not None)
    ascending = [i for _, i in present] + sorted(i for i, k in keys.items() if k is None)
    return ascending[::-1] if sort.startswith("-") else ascending


def assert_sorts(client, path: str, keys: dict[str, dict], headers: dict = OFFICE) -> None:
    """Each key of the list's `sort` (a name: the ids' values for it), both ways, walks the rows
    in that order; a key the list does not know answers 422 naming `sort`."""
    for name, values in keys.items():
        for sort in (name, f"-{name}"):
            seen, _ = walk(client, path, headers, sort=sort)
            assert seen == in_order(values, sort), (path, sort, seen)
    r = client.get(path, query_string={"sort": "nonsense"}, headers=headers)
    assert r.status_code == 422 and "sort" in r.json["errors"], (path, r.get_data(as_text=True)[:300])


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
    assert_walks(client, "/api/accounts", [], levels=0)  # the accounts are all a level deeper, at /1/3/4/
    assert_walks(client, "/api/accounts", list(range(1, N + 1)), levels=1)
    assert_walks(client, "/api/accounts", [], unit_id=3, levels=0)


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
        now = utcnow()
        entries = [LexiconEntry.create(word=f"词{(3 * i) % N}", category="sensitive", severity="warn",
                                       created_at=now - dt.timedelta(hours=(2 * i) % 5)) for i in range(N)]
        words = [e.id for e in entries]
        directives = []
        for i in range(N):
            d = Directive.create(title=f"口径{i}", lead_draft=drafts[1], due_at=now + dt.timedelta(hours=(3 * i) % 4),
                                 issued_by="办公室", issued_at=now - dt.timedelta(hours=(2 * i) % 5))
            DirectiveTarget.create(directive=d, account_id=1, unit_id=4, unit_path="/1/3/4/")
            directives.append(d)
    assert_walks(client, "/api/drafts", drafts)
    assert_walks(client, "/api/drafts", drafts[1::2], sort="-released", released="true")
    assert_walks(client, "/api/drafts", drafts, headers=auth(3, "/1/3/", "leader"))
    assert_walks(client, "/api/drafts", [], headers=auth(5, "/1/5/", "leader"))
    assert_walks(client, "/api/lexicon", words)
    assert walk(client, "/api/lexicon", OFFICE)[0] == in_order({e.id: e.word for e in entries}, "word")  # the default
    assert_sorts(client, "/api/lexicon", {"word": {e.id: e.word for e in entries},
                                          "added": {e.id: e.created_at for e in entries}})
    assert_walks(client, "/api/directives", [d.id for d in directives])
    assert_walks(client, "/api/directives", [d.id for d in directives], headers=auth(4, "/1/3/4/", "operator"))
    issued = {d.id: d.issued_at for d in directives}
    assert walk(client, "/api/directives", OFFICE)[0] == in_order(issued, "-issued")  # newest first by default
    assert_sorts(client, "/api/directives", {"issued": issued, "due": {d.id: d.due_at for d in directives}})


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
        # times out of the ids' order, some equal (the id decides) and some answers not yet given
        transfers = [Transfer.create(message=messages[i], from_unit_id=2, from_unit_path="/1/2/", to_unit_id=4,
                                     to_unit_path="/1/3/4/", status="accepted" if i % 3 else "pending",
                                     sent_by="办公室", sent_at=now - dt.timedelta(hours=(3 * i) % 5),
                                     answered_at=now - dt.timedelta(minutes=(2 * i) % 5) if i % 3 else None)
                     for i in range(N)]
        notices = [ProblemNotice.create(title=f"通报{i}", importance="high", kind="民生", content="内容", unit_id=4,
                                        unit_path="/1/3/4/", issued_by="办公室", issued_by_unit_path="/1/2/",
                                        issued_at=now - dt.timedelta(hours=(2 * i) % 5),
                                        status="replied" if i % 2 else "issued",
                                        replied_at=now - dt.timedelta(minutes=(3 * i) % 4) if i % 2 else None)
                   for i in range(N)]
    for sort in ("due", "-due", "received", "-received"):
        assert_walks(client, "/api/messages", messages, sort=sort)
    assert_walks(client, "/api/messages", messages, headers=auth(4, "/1/3/4/", "operator"))
    assert_walks(client, "/api/messages", [m for i, m in enumerate(messages) if i % 3 == 0], status="received")
    assert_walks(client, "/api/transfers", [t.id for t in transfers])
    assert_walks(client, "/api/notices", [n.id for n in notices])
    assert_walks(client, "/api/notices", [], headers=auth(5, "/1/5/", "leader"))
    sent = {t.id: t.sent_at for t in transfers}
    assert walk(client, "/api/transfers", OFFICE)[0] == in_order(sent, "-sent")  # newest first by default
    assert_sorts(client, "/api/transfers", {"sent": sent, "answered": {t.id: t.answered_at for t in transfers}})
    issued = {n.id: n.issued_at for n in notices}
    assert walk(client, "/api/notices", OFFICE)[0] == in_order(issued, "-issued")
    assert_sorts(client, "/api/notices", {"issued": issued, "replied": {n.id: n.replied_at for n in notices}})


def test_the_assessment_lists_page_and_sort(pg_url):
    from services.assessment.models import Archive, Inspection
    client = service_app("assessment", pg_url).test_client()
    today = beijing_today()
    with client.application.app_context():
        # fixes due out of the ids' order, two overdue and owed, one overdue but reported (owed no more)
        inspections = [Inspection.create(unit_id=4, unit_path="/1/3/4/", checked=f"检查{i}", found="", required="",
                                         inspected_on=today - dt.timedelta(days=(3 * i) % 5),
                                         fix_by=today + dt.timedelta(days=(2 * i) % 5 - 2),
                                         status="reported" if i == 5 else "open", recorded_by="督查")
                       for i in range(N)]
        archives = [Archive.create(unit_id=unit, unit_name=name, unit_path=path, month=month, pdf=b"", summary="{}",
                                   sha256="0" * 64, chain="0" * 64)
                    for month in ("2026-03", "2026-01", "2026-02")
                    for unit, name, _kind, _parent, path in UNITS[2:5] if (unit, month) != (5, "2026-02")]
    assert_walks(client, "/api/inspections", [i.id for i in inspections])
    urgency = {i.id: (0 if i.status == "open" and i.fix_by < today else 1, 0 if i.status == "open" else 1, i.fix_by)
               for i in inspections}
    assert walk(client, "/api/inspections", OFFICE)[0] == in_order(urgency, "urgency")  # overdue first by default
    assert_sorts(client, "/api/inspections", {"urgency": urgency,
                                              "inspected": {i.id: i.inspected_on for i in inspections},
                                              "fix_by": {i.id: i.fix_by for i in inspections}})
    assert_walks(client, "/api/archives", [a.id for a in archives])
    months = {a.id: a.month for a in archives}
    assert walk(client, "/api/archives", OFFICE)[0] == in_order(months, "-month")  # the newest month first by default
    assert_sorts(client, "/api/archives", {"month": months, "unit": {a.id: (a.unit_name, a.month) for a in archives}})


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


def test_a_searchs_count_stops_sooner(pg_url, monkeypatch):
    """A search is counted up to SEARCH_COUNT_CAP (a common word's ten thousand matches cost a
    second to count); the same list unsearched up to COUNT_CAP."""
    from services.inquiry.models import Message
    client = service_app("inquiry", pg_url).test_client()
    now = utcnow()
    with client.application.app_context():
        for i in range(4):
            Message.create(account_id=1, unit_id=4, unit_path="/1/3/4/", kind="comment", source="staff",
                           citizen_handle="@居民", text=f"路灯坏了{i}", status="received", received_at=now,
                           reply_due_at=now, feedback_due_at=now, due_at=now)
    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 2)
    for q in ("路灯", "路灯坏了", "灯"):
        meta = json.loads(client.get("/api/messages", query_string={"q": q}, headers=OFFICE).headers["X-Pagination"])
        assert (meta["total"], meta["total_capped"]) == (2, True), q
    meta = json.loads(client.get("/api/messages", headers=OFFICE).headers["X-Pagination"])
    assert (meta["total"], meta["total_capped"]) == (4, False)

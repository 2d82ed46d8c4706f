"""The website link (X27, X28): the public Atom feed of released posts, parsed back; the portal's
Atom and RSS feeds read from a real local HTTP server into drafts, each entry once, hostile XML,
disallowed hosts and redirects refused; the link to the official website a policy post must carry."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govmb.config import load
from services.publishing import feeds, portal
from services.publishing.models import Account, Draft, PortalEntry, Publication, Unit
from tests.conftest import auth
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER, act, draft

A = "{http://www.w3.org/2005/Atom}"
OTHER_OPERATOR = auth(5, "/1/5/", "operator", person=22)


class Portal:
    """A portal's web server on 127.0.0.1: `pages[path] = (status, headers, body)`; `asked` keeps
    each request's path and headers."""

    def __init__(self):
        self.pages: dict[str, tuple[int, dict, bytes]] = {}
        self.asked: list[tuple[str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                outer.asked.append((self.path, dict(self.headers)))
                status, headers, body = outer.pages.get(self.path, (404, {}, b"not here"))
                if status == 200 and headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, path: str, body: bytes | str, status: int = 200, **headers) -> str:
        self.pages[path] = (status, {k.replace("_", "-"): v for k, v in headers.items()},
                            body.encode() if isinstance(body, str) else body)
        return self.base + path


@contextlib.contextmanager
def serving(monkeypatch, variable: str, *more_hosts: str):
    """A local web server whose address the host list `variable` allows (beside `more_hosts`)."""
    server = Portal()
    monkeypatch.setenv(variable, ",".join((f"http://127.0.0.1:{server.server.server_address[1]}", *more_hosts)))
    load()
    try:
        yield server
    finally:
        server.server.shutdown()
        monkeypatch.undo()
        load()


@pytest.fixture
def site(monkeypatch):
    with serving(monkeypatch, "PORTAL_FEED_HOSTS", "www.nc.gov.cn") as server:
        yield server


def atom_doc(*entries: tuple[str, str, str, str]) -> str:
    """An Atom feed of (id, title, link, summary)."""
    items = "".join(f"<entry><id>{i}</id><title>{t}</title><link href=\"{href}\"/><updated>2026-12-01T00:00:00Z</updated>"
                    f"<summary type=\"html\">{s}</summary></entry>" for i, t, href, s in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>urn:portal</id>'
            f'<title>南昌市人民政府</title><updated>2026-12-01T00:00:00Z</updated>{items}</feed>')


def rss_doc(*items: tuple[str, str, str]) -> str:
    """An RSS 2.0 feed of (guid, title, description); the link is the guid."""
    body = "".join(f"<item><guid>{g}</guid><link>{g}</link><title>{t}</title><description>{d}</description></item>"
                   for g, t, d in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>门户</title><link>https://x</link>{body}</channel></rss>'


def register(client, url, headers=OPERATOR, **fields):
    return client.post("/api/portal-feeds", json={"account_id": 1, "url": url, "title": "南昌市人民政府网站",
                                                  "import_existing": True, **fields}, headers=headers)


def read_now(app) -> int:
    with app.app_context():
        return portal.read_all()


# ------------------------------------------------------------------------------ registering
def test_only_an_allowed_host_over_https_or_a_listed_plain_http_one_is_registered(client, site):
    for url, said in (("https://evil.example.org/feed.xml", "PORTAL_FEED_HOSTS"),
                      ("http://www.nc.gov.cn/feed.xml", "https://"),
                      ("https://user@www.nc.gov.cn/feed.xml", "格式不正确"),
                      ("https://www.nc.gov.cn:8443/feed.xml", "PORTAL_FEED_HOSTS"),
                      ("http://127.0.0.1:1/feed.xml", "https://")):
        r = register(client, url)
        assert r.status_code == 422 and said in " ".join(r.get_json()["errors"]["url"]), (url, r.get_json())
    assert client.get("/api/portal-feeds", headers=OPERATOR).get_json() == []
    assert register(client, "https://www.nc.gov.cn/feed.xml").status_code == 201
    assert register(client, "https://www.nc.gov.cn/feed.xml").status_code == 422  # once per account
    assert register(client, site.base + "/feed.xml").status_code == 201


def test_a_unit_registers_for_its_own_accounts_and_the_office_for_any(client, site):
    assert register(client, site.base + "/a.xml", headers=OTHER_OPERATOR).status_code == 422  # not its account
    assert register(client, site.base + "/a.xml", account_id=2).status_code == 422  # not active
    feed = register(client, site.base + "/a.xml", headers=JOINT).get_json()
    assert feed["account_name"] == "账号1" and feed["created_by"]
    assert client.get(f"/api/portal-feeds/{feed['id']}", headers=OTHER_LEADER).status_code == 404
    assert client.get("/api/portal-feeds", headers=OTHER_LEADER).get_json() == []
    assert client.put(f"/api/portal-feeds/{feed['id']}/active", json={"active": False},
                      headers=OPERATOR).get_json()["active"] is False
    assert client.get("/api/portal-feeds", headers=OPERATOR).status_code == 200
    assert client.get("/api/portal-feeds").status_code == 401


# ------------------------------------------------------------------------------ reading
def test_each_new_entry_becomes_a_draft_once_through_refetches(app, client, site):
    url = site.serve("/feed.xml", atom_doc(
        ("urn:1", "关于印发《南昌市停车管理办法》的通知", "/art/1.html", "&lt;p&gt;为规范停车&amp;管理&lt;/p&gt;"),
        ("urn:2", "市政府常务会议召开", "https://www.nc.gov.cn/art/2.html", "会议研究了重点项目")))
    feed = register(client, url).get_json()
    assert read_now(app) == 2
    assert read_now(app) == 0  # read again: nothing new
    rows = client.get("/api/drafts?status=draft", headers=OPERATOR).get_json()
    assert len(rows) == 2
    d = client.get(f"/api/drafts/{max(r['id'] for r in rows)}", headers=OPERATOR).get_json()
    assert d["text"].startswith("【关于印发《南昌市停车管理办法》的通知】为规范停车&管理")
    assert f"{site.base}/art/1.html" in d["text"] and d["media"] == [{"kind": "link", "url": f"{site.base}/art/1.html"}]
    assert (d["original"], d["source"], d["info_type"], d["author_name"]) == (False, "南昌市人民政府网站", "disclosure", "门户网站")
    site.serve("/feed.xml", atom_doc(("urn:3", "新条目", "/art/3.html", "新"),
                                     ("urn:1", "关于印发《南昌市停车管理办法》的通知（修订标题）", "/art/1.html", "改")))
    assert read_now(app) == 1  # urn:1 seen before, whatever its title now
    shown = client.get(f"/api/portal-feeds/{feed['id']}", headers=OPERATOR).get_json()
    assert (shown["drafted"], shown["error"], shown["failures"]) == (3, "", 0) and shown["ok_at"]
    entries = client.get(f"/api/portal-feeds/{feed['id']}/entries", headers=OPERATOR).get_json()
    assert len(entries) == 3 and all(e["draft_id"] for e in entries)


def test_an_entry_listed_twice_in_one_document_drafts_once(app, client, site):
    url = site.serve("/twice.xml", atom_doc(("urn:9", "同一条", "/art/9.html", "一"), ("urn:9", "同一条", "/art/9.html", "一"),
                                            ("urn:8", "另一条", "/art/8.html", "二")))
    feed = register(client, url).get_json()
    assert read_now(app) == 2
    entries = client.get(f"/api/portal-feeds/{feed['id']}/entries", headers=OPERATOR).get_json()
    assert sorted(e["link"].rsplit("/", 1)[-1] for e in entries) == ["8.html", "9.html"]
    assert len(client.get("/api/drafts?status=draft", headers=OPERATOR).get_json()) == 2


def test_an_rss_feed_first_read_without_import_keeps_what_was_there_and_drafts_what_comes(app, client, site):
    url = site.serve("/rss.xml", rss_doc(("https://www.nc.gov.cn/a/1.html", "旧闻", "旧")))
    feed = register(client, url, import_existing=False, info_type="central_work").get_json()
    assert read_now(app) == 0
    site.serve("/rss.xml", rss_doc(("https://www.nc.gov.cn/a/2.html", "新闻", "<b>加粗</b>"),
                                   ("https://www.nc.gov.cn/a/1.html", "旧闻", "旧")))
    assert read_now(app) == 1
    [row] = client.get("/api/drafts", headers=OPERATOR).get_json()
    d = client.get(f"/api/drafts/{row['id']}", headers=OPERATOR).get_json()
    assert d["text"] == "【新闻】加粗 详见：https://www.nc.gov.cn/a/2.html" and d["info_type"] == "central_work"
    with app.app_context():
        assert PortalEntry.select().where(PortalEntry.feed == feed["id"]).count() == 2


def test_an_imported_draft_goes_through_review_like_any_other(app, client, site):
    url = site.serve("/feed.xml", atom_doc(("urn:9", "重大项目开工", "/art/9.html", "今日开工")))
    register(client, url, info_type="central_work")
    read_now(app)
    [row] = client.get("/api/drafts", headers=OPERATOR).get_json()
    assert act(client, row["id"], "approve", LEADER).status_code in (403, 409)  # not before 核稿
    submitted = act(client, row["id"], "submit", OPERATOR).get_json()
    assert not [f for f in submitted["findings"] if "X27" in f["message"]]  # the portal's link is the website's
    assert act(client, row["id"], "check", OFFICE, acknowledge=True).status_code == 200
    assert act(client, row["id"], "approve", LEADER).get_json()["status"] == "approved"


def test_a_closed_account_gets_no_drafts(app, client, site):
    url = site.serve("/feed.xml", atom_doc(("urn:1", "标题", "/a", "摘要")))
    register(client, url)
    with app.app_context():
        from services.publishing.models import Account
        Account.update(status="closed").where(Account.id == 1).execute()
    assert read_now(app) == 0


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                  '<id>&lol3;</id><title>x</title></entry></feed>')
XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
       '<item><guid>1</guid><title>&xxe;</title></item></channel></rss>')
DTD_ONLY = '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:1/evil.dtd"><rss version="2.0"><channel/></rss>'


@pytest.mark.parametrize("body,said", [
    (BILLION_LAUGHS, "DTD、实体或外部引用"), (XXE, "DTD、实体或外部引用"), (DTD_ONLY, "DTD、实体或外部引用"),
    ("<rss><channel><item>", "不是有效的 XML"), ("<html><body>portal</body></html>", "既不是 Atom 也不是 RSS"),
    ("", "不是有效的 XML"), ('<?xml version="1.0" encoding="bogus"?><rss/>', "不是有效的 XML"),
])
def test_hostile_or_broken_xml_fails_the_read_safely_and_says_why(app, client, site, body, said):
    feed = register(client, site.serve("/feed.xml", body)).get_json()
    assert read_now(app) == 0
    shown = client.get(f"/api/portal-feeds/{feed['id']}", headers=OPERATOR).get_json()
    assert said in shown["error"] and shown["failures"] == 1 and shown["ok_at"] is None
    assert client.get("/api/drafts", headers=OPERATOR).get_json() == []


def test_too_large_an_answer_an_error_status_and_a_script_link_are_refused(app, client, site, monkeypatch):
    monkeypatch.setenv("PORTAL_FEED_MAX_BYTES", "10000")
    load()
    big = register(client, site.serve("/big.xml", atom_doc(*[(f"urn:{i}", "标题", "/a", "长" * 300) for i in range(40)]))).get_json()
    gone = register(client, site.serve("/gone.xml", "", status=500)).get_json()
    url = site.serve("/js.xml", atom_doc(("urn:js", "标题", "javascript:alert(1)", "摘要")))
    register(client, url)
    assert read_now(app) == 1
    assert "超过 10000 字节" in client.get(f"/api/portal-feeds/{big['id']}", headers=OPERATOR).get_json()["error"]
    assert "HTTP 500" in client.get(f"/api/portal-feeds/{gone['id']}", headers=OPERATOR).get_json()["error"]
    [row] = client.get("/api/drafts", headers=OPERATOR).get_json()
    d = client.get(f"/api/drafts/{row['id']}", headers=OPERATOR).get_json()
    assert "javascript" not in d["text"] and d["media"] == []


def test_a_redirect_is_followed_only_to_an_allowed_host(app, client, site):
    moved = register(client, site.serve("/old.xml", "", status=301, Location="/new.xml")).get_json()
    site.serve("/new.xml", atom_doc(("urn:1", "迁移后", "/a", "摘要")))
    away = register(client, site.serve("/away.xml", "", status=302, Location="https://evil.example.org/feed")).get_json()
    inside = register(client, site.serve("/inside.xml", "", status=307, Location="http://169.254.169.254/latest")).get_json()
    assert read_now(app) == 1
    assert client.get(f"/api/portal-feeds/{moved['id']}", headers=OPERATOR).get_json()["error"] == ""
    for feed in (away, inside):
        error = client.get(f"/api/portal-feeds/{feed['id']}", headers=OPERATOR).get_json()["error"]
        assert error.startswith("地址不允许读取"), error
    assert not [p for p, _ in site.asked if "latest" in p]


def test_an_unchanged_feed_is_asked_with_its_etag_and_a_stopped_one_not_at_all(app, client, site):
    url = site.serve("/feed.xml", atom_doc(("urn:1", "标题", "/a", "摘要")), ETag='"v1"')
    feed = register(client, url).get_json()
    assert read_now(app) == 1 and read_now(app) == 0
    assert site.asked[-1][1].get("If-None-Match") == '"v1"'
    client.put(f"/api/portal-feeds/{feed['id']}/active", json={"active": False}, headers=OPERATOR)
    asked = len(site.asked)
    read_now(app)
    assert len(site.asked) == asked


def test_a_host_struck_from_the_list_is_no_longer_read(app, client, site, monkeypatch):
    feed = register(client, site.serve("/feed.xml", atom_doc(("urn:1", "标题", "/a", "摘要")))).get_json()
    monkeypatch.setenv("PORTAL_FEED_HOSTS", "www.nc.gov.cn")
    load()
    assert read_now(app) == 0 and site.asked == []
    assert "地址不允许读取" in client.get(f"/api/portal-feeds/{feed['id']}", headers=OPERATOR).get_json()["error"]


# ------------------------------------------------------------------------------ the link check (X27)
def test_a_policy_post_without_the_websites_link_is_warned_and_the_portals_link_counts(client, site):
    def x27(**fields) -> list[str]:
        d = draft(client, info_type="central_work", **fields).get_json()
        done = act(client, d["id"], "submit", OPERATOR).get_json()
        return [f["message"] for f in done["findings"] if "X27" in f["message"]]

    assert x27(text="市政府常务会议研究部署重点项目建设。") != []
    assert x27(text="市政府常务会议研究部署重点项目建设。原文：https://www.nc.gov.cn/art/1.html") == []
    portal_link = f"{site.base}/art/2.html"
    assert x27(text="重点项目建设推进会召开。", media=[{"kind": "link", "url": "https://www.example.com/a"}]) != []
    register(client, site.base + "/feed.xml")  # the account's portal: its host is the official website's
    assert x27(text=f"重点项目建设推进会召开。原文：{portal_link}") == []
    assert x27(text="重点项目建设推进会召开。", media=[{"kind": "link", "url": portal_link}]) == []


# ------------------------------------------------------------------------------ the public feed
def release(app, text: str, account_id: int = 1, at: dt.datetime | None = None, **fields) -> Draft:
    """A post as the review chain leaves it once released on its platforms."""
    with app.app_context():
        at = at or dt.datetime(2026, 12, 1, 2, 0)
        d = Draft.create(account_id=account_id, unit_id=4 if account_id != 3 else 5,
                         unit_path="/1/3/4/" if account_id != 3 else "/1/5/", author_id=13, author_name="马丽",
                         text=text, info_type="disclosure", status="released", released_at=at,
                         platforms=json.dumps(["sina", "xinhua"]), **fields)
        for p in ("sina", "xinhua"):
            Publication.create(draft=d, platform=p, url=f"https://{p}.example.cn/post/{d.id}", recorded_by="马丽")
        return d


def parsed(r) -> ET.Element:
    assert r.status_code == 200 and r.content_type.startswith("application/atom+xml"), r.status_code
    return ET.fromstring(r.data)


def test_the_feed_holds_released_posts_only_escaped_and_nothing_personal(app, client):
    released = release(app, '市政府发布<通知>&"公告" 第一条\x01\x0b。')
    draft(client, text="尚未发布的草稿。")
    doc = parsed(client.get("/api/feeds/posts"))
    assert doc.tag == f"{A}feed" and doc.find(f"{A}id").text.startswith("tag:")
    assert doc.find(f"{A}title").text and doc.find(f"{A}updated").text == "2026-12-01T02:00:00Z"
    [entry] = doc.findall(f"{A}entry")
    assert entry.find(f"{A}content").text == '市政府发布<通知>&"公告" 第一条。'  # control characters left out
    assert entry.find(f"{A}id").text.endswith(f"post/{released.id}") and entry.find(f"{A}author/{A}name").text == "账号1"
    assert entry.find(f"{A}published").text == "2026-12-01T02:00:00Z"
    links = {(a.get("rel"), a.get("href")) for a in entry.findall(f"{A}link")}
    assert ("alternate", f"https://sina.example.cn/post/{released.id}") in links
    assert ("related", f"https://xinhua.example.cn/post/{released.id}") in links
    assert entry.find(f"{A}category").get("label") == "主动公开信息"
    body = client.get("/api/feeds/posts").get_data(as_text=True)
    assert "马丽" not in body and "尚未发布" not in body
    assert "&lt;通知&gt;&amp;" in body


def test_the_feed_of_a_unit_and_of_an_account_and_404s(app, client):
    with app.app_context():
        for uid, name, path in ((1, "南昌市", "/1/"), (4, "东湖区", "/1/3/4/"), (5, "西湖区", "/1/5/")):
            Unit.create(id=uid, name=name, kind="city", parent_id=None, path=path, revision=1)
    release(app, "甲单位的博文。")
    release(app, "其他单位的博文。", account_id=3)
    release(app, "政策账号的博文。", account_id=4)
    texts = lambda r: sorted(e.find(f"{A}content").text for e in parsed(r).findall(f"{A}entry"))  # noqa: E731
    assert len(texts(client.get("/api/feeds/posts"))) == 3
    assert texts(client.get("/api/feeds/posts?unit_id=4")) == ["政策账号的博文。", "甲单位的博文。"]
    assert texts(client.get("/api/feeds/posts?unit_id=1")) == texts(client.get("/api/feeds/posts"))
    assert texts(client.get("/api/feeds/posts?account_id=3")) == ["其他单位的博文。"]
    assert client.get("/api/feeds/posts?account_id=999").status_code == 404
    assert client.get("/api/feeds/posts?unit_id=999").status_code == 404
    assert client.get("/api/feeds/posts?unit_id=4&account_id=1").status_code == 422
    assert parsed(client.get("/api/feeds/posts?unit_id=4")).find(f"{A}title").text == "东湖区：已发布的信息"
    r = client.get("/api/feeds/posts?before=yesterday")
    assert r.status_code == 422 and "before" in r.get_json()["errors"]


def test_a_private_accounts_posts_are_in_no_feed(app, client):
    with app.app_context():
        Unit.create(id=4, name="东湖区", kind="district", parent_id=None, path="/1/3/4/", revision=1)
    release(app, "机构账号的博文。")
    release(app, "私人微博的博文。", account_id=4)
    with app.app_context():
        Account.update(kind="private").where(Account.id == 4).execute()
    for query in ("", "?unit_id=4"):
        assert [e.find(f"{A}content").text for e in parsed(client.get("/api/feeds/posts" + query)).findall(f"{A}entry")] \
            == ["机构账号的博文。"]
    assert client.get("/api/feeds/posts?account_id=4").status_code == 404


def test_the_feed_pages_by_release_and_answers_conditional_requests(app, client, monkeypatch):
    monkeypatch.setattr(feeds, "PAGE", 2)
    start = dt.datetime(2026, 12, 1, 0, 0)
    for i in range(5):
        release(app, f"第{i}条。", at=start + dt.timedelta(hours=i // 2))  # two share each hour
    seen, url = [], "/api/feeds/posts"
    while url:
        doc = parsed(client.get(url))
        seen += [e.find(f"{A}content").text for e in doc.findall(f"{A}entry")]
        nxt = doc.find(f"{A}link[@rel='next']")
        url = nxt.get("href").split("127.0.0.1:8000", 1)[-1].replace("/hall/posts.atom", "/api/feeds/posts") if nxt is not None else None
    assert seen == ["第4条。", "第3条。", "第2条。", "第1条。", "第0条。"]
    first = client.get("/api/feeds/posts")
    assert first.headers["Cache-Control"].startswith("public") and first.headers["Last-Modified"].endswith("GMT")
    assert client.get("/api/feeds/posts", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/api/feeds/posts", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    release(app, "新发布的。", at=start + dt.timedelta(days=1))
    again = client.get("/api/feeds/posts", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]


def test_a_corrected_post_says_so_and_its_entry_is_updated(app, client):
    original = release(app, "原信息。")
    correction = release(app, "更正：原信息有误。", at=dt.datetime(2026, 12, 2), apology="特此致歉。")
    with app.app_context():
        Draft.update(corrected_by_id=correction.id, corrected_at=correction.released_at).where(
            Draft.id == original.id).execute()
    entries = {e.find(f"{A}id").text.rsplit("/", 1)[1]: e for e in parsed(client.get("/api/feeds/posts")).findall(f"{A}entry")}
    old = entries[str(original.id)]
    assert old.find(f"{A}updated").text == "2026-12-02T00:00:00Z" and "已更正" in old.find(f"{A}content").text
    assert entries[str(correction.id)].find(f"{A}content").text == "更正：原信息有误。\n特此致歉。"


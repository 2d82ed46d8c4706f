"""Issue 16, links (X27): each link well formed; where the network is allowed, each answering (a
real local server here); a policy or major-decision post carries the government website's link;
a draft never makes the server ask its own network unless allowed."""
from __future__ import annotations

import http.server
import threading

import pytest

from govmb.config import load
from govmb.textchecks import links
from services.publishing.checks import Lexicon, check

NONE = Lexicon([])


@pytest.fixture
def settings(monkeypatch):
    """Set link settings for one test, read again after it."""
    def set_(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        links._answers.clear()
        load()
    yield set_
    monkeypatch.undo()
    links._answers.clear()
    load()


@pytest.fixture
def site():
    class Pages(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def link_hits(text, **kw):
    return [(h.severity, text[h.start:h.end] if h.start is not None else "", h.message) for h in check(text, NONE, **kw)
            if h.check == "link"]


@pytest.mark.parametrize("text,written,said", [
    ("见 htps://www.nc.gov.cn 原文", "htps://www.nc.gov.cn", "协议“htps”"),
    ("原文：http//www.nc.gov.cn/a.html", "http//www.nc.gov.cn/a.html", "“://”"),
    ("https:/www.nc.gov.cn", "https:/www.nc.gov.cn", "“://”"),
    ("https：//www.nc.gov.cn/a", "https：//www.nc.gov.cn/a", "全角"),
    ("请访问www.nc.gov.cn。", "www.nc.gov.cn", "缺少 http"),
    ("https://nc..gov.cn/a", "https://nc..gov.cn/a", "网站地址"),
    ("详见https://localhost/a，", "https://localhost/a", "网站地址"),
])
def test_a_malformed_link_is_warned_where_it_is_written(text, written, said):
    [(severity, where, message)] = link_hits(text)
    assert (severity, where) == ("warn", written) and said in message


@pytest.mark.parametrize("text", ["原文：https://www.nc.gov.cn/art/2026/12/6/art_1.html。", "http://nc.gov.cn",
                                  "（https://www.gov.cn/zhengce/2026-12/06/content_1.htm）", "无链接的稿件"])
def test_a_well_formed_link_or_none_is_no_finding(text):
    assert link_hits(text) == []


def test_a_policy_post_needs_the_government_websites_link(settings):
    assert [m for _, _, m in link_hits("本市作出重大决策。", info_type="central_work")] == [
        "政策文件和重大决策信息须附政府网站上原文的链接（X27）"]
    assert link_hits("市政府印发《南昌市停车管理办法》。", info_type="disclosure") != []  # names a policy document
    assert link_hits("秋季学期开学安排发布。", info_type="disclosure") == []  # disclosed, but no policy document
    assert link_hits("本市作出重大决策，原文见 https://www.nc.gov.cn/a.html", info_type="central_work") == []
    assert link_hits("《南昌市停车管理办法》原文见 https://www.example.com/a.html", info_type="disclosure") != []
    assert link_hits("周末义务植树。", info_type="participation") == []
    settings(OFFICIAL_SITES="nc.gov.cn,ncnews.com.cn")
    assert link_hits("原文见 http://www.ncnews.com.cn/a", info_type="central_work") == []
    assert link_hits("原文见 http://www.jx.gov.cn/a", info_type="central_work") != []


def test_where_the_network_is_allowed_a_dead_link_is_warned(settings, site):
    text = f"见 {site}/ok 与 {site}/gone"
    settings(CHECK_LINKS_ONLINE="false")
    assert link_hits(text) == []  # not asked: the network is not the check's by default
    settings(CHECK_LINKS_ONLINE="true")
    assert link_hits(text) == []  # asked nothing: an address of the server's own network
    settings(CHECK_LINKS_ONLINE="true", LINK_CHECK_PRIVATE="true")
    assert link_hits(text) == [("warn", f"{site}/gone", "链接无法打开（HTTP 404），请核对")]
    closed = site.rsplit(":", 1)[0] + ":1"
    assert link_hits(f"见 {closed}/a") == [("warn", f"{closed}/a", "链接无法打开（无法连接），请核对")]


def test_a_setting_that_is_not_a_yes_or_no_is_refused_by_name(monkeypatch):
    from govmb.config import ConfigError
    monkeypatch.setenv("CHECK_LINKS_ONLINE", "perhaps")
    with pytest.raises(ConfigError, match="CHECK_LINKS_ONLINE"):
        load()
    monkeypatch.undo()
    load()

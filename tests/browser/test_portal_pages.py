"""The website link (X27, X28) in the browser: a unit's operator registers its portal's feed (a
host not allowed is refused beside the field), the worker reads it into a draft the operator
opens from the feed's page, a feed that cannot be read says why; the public hall links its Atom
feed of released posts."""
import re
import xml.etree.ElementTree as ET

import pytest
import requests

from tests.browser.conftest import embedded
from tests.conftest import wait_for
from tests.publishing.test_feeds import Portal, atom_doc

pytestmark = pytest.mark.browser
A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def portal_site():
    server = Portal()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="module")
def site(tmp_path_factory, portal_site):
    port = portal_site.server.server_address[1]
    with embedded(tmp_path_factory, PORTAL_FEED_HOSTS=f"http://127.0.0.1:{port}",
                  PORTAL_FEEDS_INTERVAL_SECONDS="1") as url:
        yield url


def register(page, site, url: str, title: str) -> None:
    page.goto(site + "/portal-feeds")
    form = page.locator("#add-feed")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=url]").fill(url)
    form.locator("input[name=import_existing]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_an_operator_registers_the_portal_and_its_new_page_becomes_a_draft(as_person, site, portal_site):
    operator = as_person("jy_caozuo")
    register(operator, site, "https://evil.example.org/feed.xml", "别处")
    assert "PORTAL_FEED_HOSTS" in operator.inner_text("#add-feed .field-error")
    url = portal_site.serve("/jy.xml", atom_doc(("urn:jy:1", "市教育局印发寒假安全工作方案", "/art/1.html",
                                                   "&lt;p&gt;各校做好寒假安全工作&lt;/p&gt;")))
    register(operator, site, url, "南昌市教育局网站")
    operator.wait_for_url(re.compile(r"/portal-feeds/\d+$"))
    feed_page = operator.url

    def drafted() -> bool:
        operator.goto(feed_page)
        return operator.locator("#entries a", has_text="稿件").count() == 1
    wait_for(drafted, timeout=30, message="the worker's read of the feed")
    operator.set_viewport_size({"width": 1366, "height": 900})
    operator.screenshot(path="/tmp/portal-feed-1366.png", full_page=True)
    operator.locator("#entries a", has_text="稿件").click()
    operator.wait_for_load_state("networkidle")
    assert "【市教育局印发寒假安全工作方案】各校做好寒假安全工作" in operator.inner_text("main")
    assert f"详见：{portal_site.base}/art/1.html" in operator.inner_text("main")

    broken = portal_site.serve("/broken.xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss/>')
    register(operator, site, broken, "坏的网站源")
    operator.wait_for_url(re.compile(r"/portal-feeds/\d+$"))
    bad_page = operator.url

    def failed() -> bool:
        operator.goto(bad_page)
        return operator.locator("#feed-error").count() == 1
    wait_for(failed, timeout=30, message="the failed read")
    assert "DTD、实体或外部引用" in operator.inner_text("#feed-error")
    operator.goto(site + "/portal-feeds")
    assert "读取失败" in operator.inner_text("#feeds")
    operator.set_viewport_size({"width": 390, "height": 844})
    operator.screenshot(path="/tmp/portal-feeds-390.png", full_page=True)
    operator.set_viewport_size({"width": 1366, "height": 900})
    operator.screenshot(path="/tmp/portal-feeds-1366.png", full_page=True)


def test_the_hall_links_the_atom_feed_of_released_posts(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(site + "/hall")
        href = page.get_attribute("#posts-feed", "href")
        assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
        page.screenshot(path="/tmp/hall-390.png", full_page=False)
    finally:
        context.close()
    r = requests.get(site + href, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{A}feed" and feed.find(f"{A}title").text
    assert requests.get(site + href, headers={"If-None-Match": r.headers["ETag"]}, timeout=10).status_code == 304
    assert requests.get(site + href + "?account_id=999999", timeout=10).status_code == 404

"""A list page in the browser (the inbox; every list shares web/listing.py and its macros):
more than a page of messages, paged with the count; a search and a filter narrow it and the
address holds them; a sort heading; Back returns to the page before; an address opened anew,
and htmx's history restore, get the whole page."""
import re

import pytest
import requests

from tests.browser.test_inbox_pages import wait_for_account_copy

pytestmark = pytest.mark.browser
TEXTS = ("小区门口路灯坏了，请尽快维修", "学校门口交通拥堵，建议疏导", "感谢及时回应家长关切")


@pytest.fixture(scope="module")
def many_messages(site):
    """64 messages on the education bureau's account, entered through the inquiry API as its operator."""
    token = requests.post(site + "/registry/api/auth/sign-in",
                          json={"username": "jy_caozuo", "password": "demo2026"}, timeout=10).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    account = next(a for a in requests.get(site + "/registry/api/accounts", headers=headers, timeout=10).json()
                   if a["name"] == "南昌教育")
    for i in range(64):
        r = requests.post(site + "/inquiry/api/messages", headers=headers, timeout=10, json={
            "account_id": account["id"], "kind": "comment", "citizen_handle": f"@网友{i}",
            "text": f"{TEXTS[i % 3]}（{i}）", "platform": "sina" if i % 2 else "tencent"})
        assert r.status_code == 201, r.text
    return 64


def shown(page) -> list[str]:
    return page.locator("#inbox tbody tr td:first-child a").all_inner_texts()


def test_the_inbox_pages_filters_searches_and_keeps_it_in_the_address(as_person, site, many_messages):
    page = as_person("jy_caozuo")
    wait_for_account_copy(page, site)
    page.goto(site + "/inbox")
    count = page.inner_text("#inbox-list p.count")
    total = int(re.search(r"共 ([\d,]+) 条", count).group(1).replace(",", ""))
    assert total >= many_messages and "第 1 / 2 页" in count
    first = shown(page)
    assert len(first) == 50

    page.click("#inbox-list nav.pager a[rel=next]")
    page.wait_for_url(re.compile(r"/inbox\?page=2$"))
    second = shown(page)
    assert len(second) == total - 50 and not set(first) & set(second)  # each message on one page only

    page.fill("#inbox-list input[name=q]", "路灯")
    page.press("#inbox-list input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/inbox\?q=%E8%B7%AF%E7%81%AF$"))  # a new search starts at page 1
    found = shown(page)
    assert found and all("路灯" in t for t in found) and "共 22 条" in page.inner_text("#inbox-list p.count")

    page.select_option("#inbox-list select[name=platform]", "sina")
    page.wait_for_url(re.compile(r"platform=sina"))
    assert "共 11 条" in page.inner_text("#inbox-list p.count")
    page.click("#inbox-list th a.sort >> text=收到")
    page.wait_for_url(re.compile(r"sort=received"))
    ascending = shown(page)
    assert ascending == sorted(ascending, key=lambda t: int(re.search(r"（(\d+)）", t).group(1)))

    page.go_back()
    page.wait_for_url(re.compile(r"platform=sina$"))
    assert "共 11 条" in page.inner_text("#inbox-list p.count")
    page.go_back()
    page.wait_for_url(re.compile(r"/inbox\?q=%E8%B7%AF%E7%81%AF$"))
    assert "共 22 条" in page.inner_text("#inbox-list p.count")

    page.goto(site + "/inbox?q=%E6%84%9F%E8%B0%A2&platform=tencent")  # a bookmarked address
    assert page.input_value("#inbox-list input[name=q]") == "感谢"
    assert page.locator("h1").inner_text() == "网民留言" and "共 11 条" in page.inner_text("#inbox-list p.count")


def test_a_fragment_only_for_the_list_and_the_whole_page_for_a_history_restore(as_person, site, many_messages):
    page = as_person("jy_caozuo")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    htmx = {"HX-Request": "true", "HX-Target": "inbox-list"}
    fragment = requests.get(site + "/inbox?page=2", headers=htmx, cookies=cookies, timeout=10)
    assert fragment.text.lstrip().startswith('<section id="inbox-list"') and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers.get("Vary", "")
    restored = requests.get(site + "/inbox?page=2", headers={**htmx, "HX-History-Restore-Request": "true"},
                            cookies=cookies, timeout=10)
    assert "<html" in restored.text and 'id="inbox-list"' in restored.text


def test_a_bad_filter_is_named_beside_its_field_and_lists_nothing(as_person, site):
    page = as_person("jy_caozuo")
    page.goto(site + "/inbox?from=2026-12-01&to=2026-11-01")
    assert "结束日期不能早于开始日期" in page.inner_text("#inbox-list")
    assert page.locator("#inbox tbody tr td a").count() == 0

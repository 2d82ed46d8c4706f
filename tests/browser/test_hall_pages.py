"""A citizen leaves a message in the public hall, signed in as nobody: errors beside the
fields, a confirmation with the reply deadline in Beijing time, and the message in the
handling unit's inbox by the channel 政务微博大厅. The form keeps CSRF and a limit per address."""
import datetime as dt
import re

import pytest
import requests

from govmb.config import load
from govmb.timefmt import BEIJING
from tests.browser.test_inbox_pages import wait_for_account_copy

pytestmark = pytest.mark.browser


def beijing_in(hours: int) -> str:
    return (dt.datetime.now(BEIJING) + dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def test_a_citizen_leaves_a_message_and_the_unit_finds_it_in_its_inbox(browser, site, as_person):
    staff = as_person("jy_caozuo")
    wait_for_account_copy(staff, site)  # inquiry knows the account the citizen will pick

    citizen = browser.new_context(locale="zh-CN").new_page()  # nobody signed in
    citizen.set_default_timeout(10_000)
    citizen.goto(site + "/hall")
    assert citizen.locator("header nav a").all_inner_texts() == ["政务微博大厅"]  # no staff pages offered to a visitor
    citizen.locator("ul.hall li", has_text="南昌教育").first.locator("a.message-link").click()
    citizen.wait_for_url(re.compile(r"/hall/message\?account_id=\d+$"))
    assert citizen.locator("#hall-message select[name=account_id] option:checked").inner_text().startswith("南昌教育")

    citizen.click("#hall-message button[type=submit]")  # nothing filled in: said beside the fields
    assert citizen.inner_text("#error-citizen_handle") == "请填写您的称呼或微博昵称"
    assert citizen.inner_text("#error-text") == "请填写留言内容"
    citizen.fill("#hall-message input[name=citizen_handle]", "@红谷滩市民")
    citizen.fill("#hall-message textarea[name=text]", "x" * 5001)  # longer than the service takes
    citizen.click("#hall-message button[type=submit]")
    assert "5000" in citizen.inner_text("#error-text")
    assert citizen.input_value("#hall-message input[name=citizen_handle]") == "@红谷滩市民"  # kept

    before = beijing_in(24)
    citizen.fill("#hall-message input[name=citizen_contact]", "13700000000")
    citizen.fill("#hall-message textarea[name=text]", "孩子所在小学午餐质量下降，希望教育局过问。")
    citizen.click("#hall-message button[type=submit]")
    citizen.wait_for_url(re.compile(r"/hall/message/sent$"))
    receipt = citizen.inner_text("#receipt")
    assert "南昌教育" in receipt and "北京时间" in receipt
    assert citizen.inner_text("#reply-due") in {before, beijing_in(24)}  # 24 hours on, in Beijing time
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} 24:00", citizen.inner_text("#feedback-due"))  # the end of the 3rd working day
    number = citizen.inner_text("#receipt-id")
    citizen.context.close()

    staff.goto(site + "/inbox")
    row = staff.locator("#inbox tr", has_text="午餐质量下降")
    assert "政务微博大厅" in row.inner_text()
    row.locator("a").first.click()
    staff.wait_for_url(re.compile(rf"/inbox/{number}$"))
    assert "政务微博大厅" in staff.inner_text("#channel")
    assert "137****0000" in staff.inner_text("#citizen") and "13700000000" not in staff.inner_text("#message")
    staff.click("#show-contact")
    staff.wait_for_selector("#citizen-whole")
    assert "@红谷滩市民" in staff.inner_text("#citizen") and "13700000000" in staff.inner_text("#citizen")


def form_token(session: requests.Session, site: str) -> str:
    page = session.get(site + "/hall/message", timeout=10).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_form_needs_its_csrf_token(site):
    s = requests.Session()
    form_token(s, site)
    r = s.post(site + "/hall/message", data={"account_id": "1", "citizen_handle": "甲", "text": "内容"}, timeout=10)
    assert r.status_code == 400 and "CSRF" in r.text


def test_messages_are_limited_per_address(site, monkeypatch):
    monkeypatch.setenv("HALL_MESSAGE_LIMIT_PER_ADDRESS", "2/hour")
    load()  # read again: the apps read the environment when they started
    s = requests.Session()
    token = form_token(s, site)
    body = {"csrf_token": token, "account_id": "", "citizen_handle": "", "text": ""}
    codes = [s.post(site + "/hall/message", data=body, timeout=10, allow_redirects=False).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    third = s.post(site + "/hall/message", data=body, timeout=10)
    assert third.status_code == 429 and "留言过于频繁" in third.text

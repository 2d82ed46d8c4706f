"""What the citizen sees (issue 19): a message left in the hall gives a receipt number and a
query code (the code once); with both the citizen reads the progress and the answers, nothing
personal; once the unit has resolved it, the citizen rates it, once."""
import re

import pytest

from tests.browser.test_account_pages import act
from tests.browser.test_inbox_pages import wait_for_account_copy

pytestmark = pytest.mark.browser


def query(page, site, number: str, code: str) -> None:
    page.goto(site + f"/hall/query?number={number}")
    assert page.input_value("#hall-query input[name=number]") == number  # the link from the receipt fills it in
    page.fill("#hall-query input[name=code]", code)
    page.click("#hall-query button[type=submit]")
    page.wait_for_selector("#query-result, #form-error")


def test_a_citizen_queries_the_message_and_rates_it_once_resolved(browser, site, as_person, tmp_path):
    staff = as_person("jy_caozuo")
    wait_for_account_copy(staff, site)

    citizen = browser.new_context(locale="zh-CN").new_page()  # nobody signed in
    citizen.set_default_timeout(10_000)
    citizen.goto(site + "/hall")
    citizen.click("#query-message")
    citizen.wait_for_url(re.compile(r"/hall/query$"))
    citizen.goto(site + "/hall")
    citizen.locator("ul.hall li", has_text="南昌教育").first.locator("a.message-link").click()
    citizen.fill("#hall-message input[name=citizen_handle]", "@青云谱市民")
    citizen.fill("#hall-message input[name=citizen_contact]", "13600000000")
    citizen.fill("#hall-message textarea[name=text]", "学校旁边的人行道砖块松动，请尽快修复。")
    citizen.click("#hall-message button[type=submit]")
    citizen.wait_for_url(re.compile(r"/hall/message/sent$"))
    number, code = citizen.inner_text("#receipt-number"), citizen.inner_text("#query-code")
    assert re.fullmatch(r"\d{8}-\d{6}", number) and re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    message_id = citizen.inner_text("#receipt-id")
    citizen.reload()
    assert citizen.locator("#query-code").count() == 0 and citizen.inner_text("#receipt-number") == number  # once

    query(citizen, site, number, "2222-3333-4444")  # a wrong code: said, nothing shown
    assert "不正确" in citizen.inner_text("#form-error") and citizen.locator("#query-result").count() == 0
    query(citizen, site, number, code.lower())
    assert citizen.inner_text("#result-status") == "待回复" and citizen.inner_text("#result-unit")
    assert "办结后可以评价" in citizen.inner_text("#query-result")
    page_text = citizen.inner_text("main")
    assert "青云谱" not in page_text and "13600000000" not in page_text and "人行道砖块" not in page_text
    citizen.set_viewport_size({"width": 1366, "height": 900})
    citizen.screenshot(path=str(tmp_path / "query-1366.png"), full_page=True)

    staff.goto(site + f"/inbox/{message_id}")
    act(staff, "reply", text="您好，已收到，将安排维修人员查看。")
    act(staff, "feedback", text="已受理，本周内修复。")
    act(staff, "resolve", text="人行道砖块已于今日重新铺设。")

    query(citizen, site, number, code)
    assert citizen.inner_text("#result-status") == "已办结"
    assert "重新铺设" in citizen.inner_text("#answer-result") and "将安排维修人员" in citizen.inner_text("#answer-reply")
    citizen.click("#hall-rate button[type=submit]")  # no rating chosen: said beside it
    assert citizen.inner_text("#error-rating") == "请选择满意、基本满意或不满意"
    citizen.check("#hall-rate input[value=basically]")
    citizen.fill("#hall-rate textarea[name=comment]", "修得及时，但希望提前告知施工时间。")
    citizen.click("#hall-rate button[type=submit]")
    citizen.wait_for_selector("#result-rating")
    assert "基本满意" in citizen.inner_text("#result-rating") and citizen.inner_text("#form-notice") == "感谢您的评价"
    assert citizen.locator("#hall-rate").count() == 0  # once
    citizen.set_viewport_size({"width": 390, "height": 844})
    citizen.screenshot(path=str(tmp_path / "query-390.png"), full_page=True)
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than a phone
    citizen.context.close()
    staff.goto(site + f"/inbox/{message_id}")
    assert "基本满意" in staff.inner_text("#citizen-rating") and "提前告知施工时间" in staff.inner_text("#citizen-rating")

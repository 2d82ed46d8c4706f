"""Issue 19 in the browser: a reply on a message marked sensitive waits for the responsible
office and the leader before it is sent; a message marked invalid shows in the list supervision
reads; a duplicate merged into its main message carries the main's reply. At 1366 and 390 px."""
import re

import pytest

from tests.browser.test_account_pages import act
from tests.browser.test_inbox_pages import enter_message

pytestmark = pytest.mark.browser


def submit(page, form: str, **fields) -> None:
    """Fill a form of the message's page and post it (a full page load, then the detail again)."""
    if page.locator(f"#marks {form}").count() and page.locator("#marks").get_attribute("open") is None:
        page.locator("#marks summary").click()
    for name, value in fields.items():
        target = page.locator(f"{form} [name={name}]")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def review(page, decision: str) -> None:
    """Post the review form (htmx: the message's part of the page is swapped in place). The
    answer arriving is not the swap being done: wait until the clicked button has left the page."""
    button = page.locator(f"#review-{decision} button").element_handle()
    with page.expect_response(lambda r: f"/review/{decision}" in r.url):
        button.click()
    button.wait_for_element_state("hidden")


def fits(page) -> bool:
    """No sideways scrolling: the page is as wide as the window."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_reply_on_a_sensitive_message_goes_through_the_office_and_the_leader(as_person, site):
    operator = as_person("jy_caozuo")
    url = enter_message(operator, site, "学校食堂饭菜质量差，多名学生反映腹痛。")
    submit(operator, "#mark-sensitive", reason="涉及学生健康，舆情敏感")
    assert operator.locator("#sensitive-badge").count() == 1
    act(operator, "reply", text="您好，已收到，正在核查。")
    operator.wait_for_selector("#review")
    assert "回复待审核" in operator.inner_text("#message h1") and "待责任处室核稿" in operator.inner_text("#review")
    assert operator.locator("#action-reply").count() == 0 and operator.locator("#review-approve").count() == 0

    office = as_person("jy_hegao")
    office.goto(site + "/inbox?review_waiting=true")  # the tab 回复待审核 (and the to-do's link)
    assert office.locator("#inbox-list tbody tr", has_text="学校食堂饭菜质量差").count() == 1
    office.goto(url)
    office.fill("#review-approve textarea[name=text]", "您好，已收到，教育局正会同市场监管部门核查。")
    review(office, "approve")
    assert "待领导审批" in office.inner_text("#review") and office.locator("#review-approve").count() == 0

    leader = as_person("jy_fenguan")
    leader.goto(url)
    for width in (1366, 390):
        leader.set_viewport_size({"width": width, "height": 900})
        assert leader.locator("#review-approve").is_visible() and fits(leader)
    leader.set_viewport_size({"width": 1366, "height": 900})
    review(leader, "approve")
    assert "已回复" in leader.inner_text("#message h1") and leader.locator("#review").count() == 0
    assert "市场监管部门" in leader.inner_text("#answer-reply")
    history = leader.inner_text("#history")
    assert "回复送审" in history and "责任处室核稿通过" in history and "领导审批通过" in history


def test_an_invalid_message_in_the_list_and_a_duplicate_carrying_the_main_reply(as_person, site):
    operator = as_person("jy_caozuo")
    spam = enter_message(operator, site, "低价代办各类证件，加微信详谈。")
    submit(operator, "#mark-invalid", reason="")  # no reason: refused beside the field
    assert "请填写理由" in operator.inner_text("#mark-invalid")
    submit(operator, "#mark-invalid", kind="advertising", reason="办证广告")
    assert "已标为无效留言" in operator.inner_text("#invalid-mark")
    assert operator.locator("#action-reply").count() == 0

    supervision = as_person("ducha")
    supervision.goto(site + "/inbox/invalid")
    row = supervision.locator("#invalid-messages tbody tr", has_text="低价代办各类证件")
    assert row.count() == 1 and "广告" in row.inner_text() and "办证广告" in row.inner_text()
    for width in (1366, 390):
        supervision.set_viewport_size({"width": width, "height": 900})
        assert fits(supervision)
    assert spam.rsplit("/", 1)[1] in row.inner_text()

    main = enter_message(operator, site, "学校门口路灯不亮，晚自习放学很危险。")
    duplicate = enter_message(operator, site, "学校门口路灯坏了好几天，请修一下。")
    submit(operator, "#merge", main_id=main.rsplit("/", 1)[1])
    assert "已并入留言" in operator.inner_text("#duplicate-mark")
    operator.goto(main)
    act(operator, "reply", text="您好，路灯已报修，三日内修复。")
    operator.goto(duplicate)
    assert "已回复" in operator.inner_text("#message h1")
    assert "三日内修复" in operator.inner_text("#answer-reply")
    assert re.search(r"并入主留言", operator.inner_text("#history"))

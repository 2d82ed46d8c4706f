"""Citizens' messages in the browser: from receipt to resolution; a transfer returned with a
reason and reassigned by the office."""
import re

import pytest

from tests.browser.test_account_pages import act
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


def wait_for_account_copy(page, site, name: str = "南昌教育") -> None:
    """Until inquiry's copy of the demo accounts holds `name` (the page of a signed-in staff member)."""
    def ready():
        page.goto(site + "/inbox")
        return page.locator("#entry select[name=account_id] option", has_text=name).count() > 0
    wait_for(ready, timeout=20, interval=0.5, message="the account copy in inquiry")


def enter_message(page, site, text: str) -> str:
    wait_for_account_copy(page, site)
    page.fill("#entry input[name=citizen_handle]", "@青山湖居民")
    page.fill("#entry textarea[name=text]", text)
    page.click("#entry button[type=submit]")
    page.wait_for_url(re.compile(r"/inbox/\d+$"))
    return page.url


def choose_unit(page, form: str, name: str) -> None:
    page.locator(f"{form} select[name=to_unit_id]").first.focus()  # a desk's select takes its units when first used
    value = page.locator(f"{form} select[name=to_unit_id] option", has_text=re.compile(f"^{name}$")).first.get_attribute("value")
    page.select_option(f"{form} select[name=to_unit_id]", value)


def test_a_message_is_received_replied_fed_back_and_resolved(as_person, site):
    page = as_person("jy_caozuo")
    enter_message(page, site, "学校门口放学时段交通拥堵，建议安排交警疏导。")
    assert "待回复" in page.inner_text("#message h1")
    assert "@青***民" in page.inner_text("#citizen") and "@青山湖居民" not in page.inner_text("#message")  # masked
    page.click("#show-contact")  # the handling unit reads it whole, in place (htmx), and the read is audited
    page.wait_for_selector("#citizen-whole")
    assert "@青山湖居民" in page.inner_text("#citizen")
    assert page.locator("#deadlines .clock").count() >= 1  # the reply clock runs
    assert re.search(r"\d{4}-\d{2}-\d{2} 24:00", page.inner_text("#deadlines"))  # working days end at 24:00
    working_days = [r for r in page.inner_text("#deadlines").splitlines() if "工作日" in r]
    assert working_days and not [r for r in working_days if " 00:00" in r]  # (a 24-hour one may fall at 00:0x)
    act(page, "reply", text="您好，已收到，将协调交警部门。")
    assert "已回复" in page.inner_text("#message h1")
    act(page, "feedback", text="已受理，交警将于放学时段安排警力。")
    act(page, "resolve", text="已于本周起每日安排两名交警疏导。")
    assert "已办结" in page.inner_text("#message h1")
    page.goto(site + "/inbox")
    assert "已办结" in page.inner_text("#inbox")
    page.wait_for_function("() => !document.querySelector('#hot').textContent.includes('正在统计')")
    assert page.locator("#hot").count() == 1  # the hot topics came after the list, in its place


def test_a_transfer_is_returned_with_a_reason_and_reassigned_by_the_office(as_person, site):
    url = enter_message(as_person("jy_caozuo"), site, "东湖区某小区电梯长期故障无人维修。")
    office = as_person("lianxi")
    office.goto(url)
    assert "@青***民" in office.inner_text("#citizen")  # the office sees the matter, the citizen masked
    assert office.locator("#show-contact").count() == 0  # and cannot read the citizen whole
    choose_unit(office, "#transfer", "东湖区")
    office.fill("#transfer input[name=note]", "请东湖区核实处理")
    office.click("#transfer button[type=submit]")
    office.wait_for_url(re.compile(r"/inbox/transfers$"))

    district = as_person("dh_caozuo")
    district.goto(site + "/inbox/transfers")
    district.click("#waiting form.return button")  # no reason: refused beside the field
    assert "理由" in district.inner_text("main")
    district.fill("#waiting form.return input[name=reason]", "电梯属物业管理，应由区住建部门办理")
    district.click("#waiting form.return button")
    district.wait_for_url(re.compile(r"/inbox/transfers$"))

    office.goto(site + "/inbox/transfers")
    assert "应由区住建部门办理" in office.inner_text("#returned")
    assert "东湖区" in office.inner_text("#returns")
    choose_unit(office, "#returned", "东湖区教育体育局")
    office.click("#returned button")  # no decision written: said beside the field (issue 17), nothing sent
    assert "请写明决定" in office.inner_text("#error-note")
    choose_unit(office, "#returned", "东湖区教育体育局")
    office.fill("#returned input[name=note]", "校园周边管理属区教育体育局职责，请其办理")
    office.click("#returned button")
    office.wait_for_url(re.compile(r"/inbox/transfers$"))

    department = as_person("dhjy_caozuo")
    department.goto(site + "/inbox/transfers")
    department.click("#waiting form:not(.return) button")
    department.goto(url)
    assert department.locator("#show-contact").count() == 1  # now the handling unit: it may read the citizen whole


def test_a_resolved_messages_result_is_published_after_review_and_the_message_links_to_it(as_person, site):
    page = as_person("jy_caozuo")
    url = enter_message(page, site, "希望公布今年中小学招生划片范围。")
    act(page, "reply", text="您好，已收到。")
    act(page, "feedback", text="已受理，正在整理划片范围。")
    act(page, "resolve", text="划片范围已整理完毕。", publish="yes", post_text="【留言回复】今年中小学招生划片范围已在官网公布。")
    assert "已办结" in page.inner_text("#message h1")
    assert "已申请发布" in page.inner_text("#result-post") or "草稿" in page.inner_text("#result-post")

    def drafted():
        page.goto(url)
        return page.locator("#result-post a", has_text="稿件").count() > 0
    wait_for(drafted, timeout=20, interval=0.5, message="the draft made by publishing")
    assert "草稿" in page.inner_text("#result-post")  # a draft: it waits for the review chain
    page.click("#result-post a")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    draft_url = page.url
    assert "今年中小学招生划片范围已在官网公布" in page.inner_text("#draft")
    act(page, "submit")
    office = as_person("jy_hegao")
    office.goto(draft_url)
    act(office, "check")
    leader = as_person("jy_fenguan")
    leader.goto(draft_url)
    act(leader, "approve")
    page.goto(draft_url)
    for platform in ("ncnews", "people", "sina", "tencent", "xinhua"):
        act(page, "record_publication", platform=platform, url=f"https://{platform}.example.cn/enrolment")
    assert page.inner_text("#draft h1 .status") == "已发布"

    def released():
        page.goto(url)
        return "已发布" in page.inner_text("#result-post")
    wait_for(released, timeout=20, interval=0.5, message="inquiry to learn of the release")
    links = page.locator("#result-post li a")
    assert links.count() == 5 and "https://sina.example.cn/enrolment" in links.all_inner_texts()
    assert "新浪网" in page.inner_text("#result-post")


def issue_notice(page, site, title: str, kind: str, content: str, importance: str | None = None) -> None:
    """The office issues a notice to 东湖区教育体育局 on the notices page."""
    wait_for(lambda: page.goto(site + "/inbox/notices") and page.locator(
        "#issue-notice select[name=unit_id] option", has_text="东湖区教育体育局").count() > 0,
        timeout=20, interval=0.5, message="inquiry's copy of the units")
    page.fill("#issue-notice input[name=title]", title)
    page.fill("#issue-notice input[name=kind]", kind)
    if importance:
        page.select_option("#issue-notice select[name=importance]", value=importance)
    page.select_option("#issue-notice select[name=unit_id]", label="东湖区教育体育局")
    page.fill("#issue-notice textarea[name=content]", content)
    page.click("#issue-notice button[type=submit]")


def test_the_office_issues_a_problem_notice_and_the_list_names_the_unit(as_person, site):
    page = as_person("lianxi")
    issue_notice(page, site, "校门口占道经营", "市容", "请核查并答复")
    row = page.locator("#notices tr", has_text="校门口占道经营")
    assert row.locator("td").nth(1).inner_text() == "东湖区教育体育局" and "待答复" in row.inner_text()
    assert page.get_attribute("#notices-list th[aria-sort=descending] a", "href").endswith("sort=issued")  # newest first
    page.click("#notices-list th a.sort >> text=下发时间")
    page.wait_for_url(re.compile(r"/inbox/notices\?sort=issued$"))
    assert page.get_attribute("#notices-list th[aria-sort=ascending] a", "href").endswith("sort=-issued")


def test_the_unit_reads_the_notices_problem_and_importance_and_answers_it_on_its_page(as_person, site):
    """Issue 17's findings: a problem notice never showed its problem text or importance, to the
    office or to the unit that must answer; /inbox/notices/1 was 404; an empty answer was a 422
    with no message."""
    office = as_person("lianxi")
    issue_notice(office, site, "校车超载", "交通安全", "网民反映早上校车超载，请立即核查并答复。", "high")
    office.click("#notices a >> text=校车超载")
    assert "网民反映早上校车超载" in office.inner_text("#content") and office.inner_text("#importance") == "重要"
    unit = as_person("dhjy_hegao")
    unit.goto(site + "/inbox/notices")
    unit.click("#notices a >> text=校车超载")
    assert re.search(r"/inbox/notices/\d+$", unit.url) and "网民反映早上校车超载" in unit.inner_text("#content")
    unit.click("#reply-form button[type=submit]")  # nothing written
    assert unit.inner_text("#error-reply") == "请填写答复内容"
    unit.fill("#reply-form textarea[name=reply]", "已核查，校车已整改，不再超载。")
    unit.click("#reply-form button[type=submit]")
    assert "已核查，校车已整改" in unit.inner_text("#reply") and "已答复" in unit.inner_text("#notice h1")

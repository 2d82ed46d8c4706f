"""Issue 19 in the browser: the draft form's platform choice (N7: every platform checked, a reason
box for one left out, the reason on the draft's page and in its record); the proof-reading step
(三审三校) switched on by the unit's principal leader and taken by another than the writer; the
forwards page (X14)."""
import re

import pytest

from tests.browser.test_account_pages import act
from tests.browser.test_publishing_pages import choose_account, open_editor

pytestmark = pytest.mark.browser
EVERYWHERE = ("xinhua", "people", "tencent", "sina", "ncnews")


def test_every_platform_is_checked_and_one_left_out_needs_its_reason(as_person, site):
    page = as_person("jy_caozuo")
    open_editor(page, site)
    choose_account(page, "南昌教育")
    page.wait_for_selector("#platform-ncnews")
    for code in EVERYWHERE:
        assert page.is_checked(f"#platform-choice input[name=platforms][value={code}]")
        assert not page.is_visible(f"input[name=omit_reason_{code}]")  # no box while it is checked
    page.uncheck("#platform-choice input[name=platforms][value=people]")
    assert page.is_visible("input[name=omit_reason_people]")
    page.fill("textarea[name=text]", "南昌市中小学寒假放假时间公布，请家长留意学校通知。")
    page.click("#editor button[type=submit]")
    error = page.locator("#error-omitted_reasons\\.people")
    error.wait_for()
    assert "人民网" in error.inner_text() and "/drafts/new" in page.url
    assert not page.is_checked("#platform-choice input[name=platforms][value=people]")  # the choice kept
    page.fill("input[name=omit_reason_people]", "人民网账号本周维护，次日补发")
    page.click("#editor button[type=submit]")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    assert "人民网" in page.inner_text("#omitted") and "次日补发" in page.inner_text("#omitted")
    act(page, "submit")
    assert "不在人民网发布：人民网账号本周维护，次日补发" in page.inner_text("#steps")
    office = as_person("jy_hegao")
    office.goto(page.url)
    assert "次日补发" in office.inner_text("#omitted")  # the reviewer sees it


def test_the_principal_leader_switches_proofreading_on_and_another_proof_reads(as_person, site):
    leader = as_person("jy_zhuyao")
    leader.goto(site + "/drafts/proofreading")
    leader.click("#proofreading-unit button")
    leader.wait_for_load_state("networkidle")
    assert "稿件须校对" in leader.inner_text("#proofreading-state")
    try:
        writer = as_person("jy_caozuo")
        open_editor(writer, site)
        choose_account(writer, "南昌教育")
        writer.fill("textarea[name=text]", "南昌市教育局提醒：寒假期间注意交通安全。")
        writer.click("#editor button[type=submit]")
        writer.wait_for_url(re.compile(r"/drafts/\d+$"))
        act(writer, "submit")
        assert writer.inner_text("#draft h1 .status") == "待校对"
        assert writer.locator("#action-proofread").count() == 0  # not the writer's own
        proofreader = as_person("jy_hegao")
        proofreader.goto(site + "/drafts")
        assert "寒假期间注意交通安全" in proofreader.inner_text("#queue")
        proofreader.goto(writer.url)
        act(proofreader, "proofread", comment="已核对")
        assert proofreader.inner_text("#draft h1 .status") == "待核稿"
        assert "校对通过" in proofreader.inner_text("#steps") and "已核对" in proofreader.inner_text("#steps")
        act(proofreader, "check", acknowledge="yes")
        assert proofreader.inner_text("#draft h1 .status") == "待审批"
    finally:
        leader.goto(site + "/drafts/proofreading")
        leader.click("#proofreading-unit button")
        leader.wait_for_load_state("networkidle")
    assert "不经校对" in leader.inner_text("#proofreading-state")


def test_a_forward_is_recorded_and_counted(as_person, site):
    page = as_person("jy_caozuo")
    page.goto(site + "/forwards")
    page.select_option("#forward-form select[name=account_id]", label="南昌教育")
    page.select_option("#forward-form select[name=platform]", "sina")
    page.fill("#forward-form input[name=source_account]", "南昌发布")
    page.fill("#forward-form input[name=source_url]", "not a url")
    page.fill("#forward-form input[name=url]", "https://sina.example.cn/jy/fw1")
    page.click("#forward-form button[type=submit]")
    assert page.locator("#error-source_url").count() == 1
    page.fill("#forward-form input[name=source_url]", "https://sina.example.cn/ncfb/1")
    page.click("#forward-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "南昌发布" in page.inner_text("#forwards") and "共 1 条" in page.inner_text("#forwards-list")
    office = as_person("lianxi")
    office.goto(site + "/forwards/counts")
    assert "南昌教育" in office.inner_text("#counts") and "1" in office.inner_text("#counts")

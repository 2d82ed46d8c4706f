"""N7 on the pages: the joint-meeting office switches on the rule that accounts open on every
platform (全市账号), an operator applies leaving platforms out with a reason for each, and the
principal leader sees the reasons on the account page."""
import re

import pytest

from tests.browser.test_account_pages import plan_and_team

pytestmark = pytest.mark.browser
LEFT_OUT = {"people": "人民网暂未开放区县部门注册", "tencent": "腾讯网账号由东湖发布统一运营"}


def test_the_office_switches_it_on_and_an_application_gives_a_reason_per_platform_left_out(as_person, site):
    office = as_person("lianxi")
    office.goto(site + "/city")
    assert "未要求全部平台开通" in office.inner_text("#platform-rule-state")
    office.click("#platform-rule-form button")
    office.wait_for_url(re.compile(r"/city$"))
    assert "政务微博须在全部平台开通" in office.inner_text("#platform-rule-state")
    assert "赵磊" in office.inner_text("#platform-rule")  # who set it, and when

    operator = as_person("dhjy_caozuo")
    operator.goto(site + "/accounts/new")
    assert operator.locator("#platform-xinhua .omit-reason").is_visible()  # unchecked: its reason box shows
    operator.fill("input[name=name]", "东湖教育体育服务")
    operator.select_option("select[name=category]", "livelihood")
    for code in ("xinhua", "ncnews"):
        operator.check(f"input[name=platforms][value={code}]")
    assert not operator.locator("#platform-xinhua .omit-reason").is_visible()  # checked: hidden
    operator.fill("input[name=omit_reason_people]", LEFT_OUT["people"])  # sina's and tencent's left blank
    plan_and_team(operator, "发布教育体育服务信息")
    operator.click("#application button[type=submit]")
    operator.wait_for_selector("#platform-tencent .field-error")
    assert "腾讯网" in operator.inner_text("#platform-tencent") and "须写明理由" in operator.inner_text("#platform-sina")
    assert operator.input_value("input[name=omit_reason_people]") == LEFT_OUT["people"]  # kept for the next try
    operator.fill("input[name=omit_reason_tencent]", LEFT_OUT["tencent"])
    operator.fill("input[name=omit_reason_sina]", "新浪网账号由市教育局统一开设")
    operator.click("#application button[type=submit]")
    operator.wait_for_url(re.compile(r"/accounts/\d+$"))
    url = operator.url

    principal = as_person("dhjy_zhuyao")
    principal.goto(url)
    omitted = principal.inner_text("#omitted")
    assert "人民网" in omitted and LEFT_OUT["people"] in omitted and LEFT_OUT["tencent"] in omitted
    assert "新华网" not in omitted
    office.goto(site + "/city")
    office.click("#platform-rule-form button")  # off again: the module's other pages as they were
    office.wait_for_url(re.compile(r"/city$"))
    assert "未要求全部平台开通" in office.inner_text("#platform-rule-state")

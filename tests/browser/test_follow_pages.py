"""Issue 18 (X22): the follow list pages: an account's staff record and import follows, each judged
at once (a running account of the city, the office's register, or unrelated); an unrelated one is
explained or removed; the office keeps the register of media and experts and, with supervision,
sees the accounts whose unrelated follows are not explained. Bad input is said beside the field."""
import re

import pytest

from tests.browser.test_account_work_pages import open_account, settled

pytestmark = pytest.mark.browser


def record(page, handle: str, platform: str = "sina") -> None:
    page.select_option("#follow-record select[name=platform]", platform)
    page.fill("#follow-record input[name=handle]", handle)
    page.click("#follow-record button[type=submit]")
    settled(page)


def row(page, handle: str):
    return page.locator("#follows tbody tr", has_text=handle)


def test_a_unit_records_follows_the_office_judges_by_its_register(as_person, site, tmp_path):
    operator = as_person("dh_caozuo")
    url = open_account(operator, site, "东湖发布")
    operator.click("#follows-link a")
    operator.wait_for_url(url + "/follows")
    operator.click("#follow-record button[type=submit]")  # nothing filled: said beside the fields
    operator.wait_for_selector("#error-handle")
    assert "必填" in operator.inner_text("#error-platform")
    record(operator, "@南昌发布")
    assert "政务账号" in row(operator, "南昌发布").inner_text()
    record(operator, "娱乐八卦")
    record(operator, "江西日报")
    assert "与工作无关（待说明）" in row(operator, "娱乐八卦").inner_text()
    assert operator.inner_text("#unexplained-count strong") == "2"
    operator.set_viewport_size({"width": 1366, "height": 900})
    operator.screenshot(path=str(tmp_path / "follows-1366.png"), full_page=True)

    office = as_person("lianxi")
    office.goto(site + "/follows")
    assert "东湖发布" in office.inner_text("#follow-accounts")
    assert office.locator("#follow-accounts tbody tr", has_text="东湖发布").locator("td.num").inner_text() == "2"
    office.click("#follow-tabs a:text-is('媒体与专家名录')")
    office.wait_for_url(re.compile(r"/follows/register$"))
    office.fill("#register-entry input[name=handle]", "江西日报")
    office.click("#register-entry button[type=submit]")  # no platform, name, kind
    office.wait_for_selector("#error-name")
    office.select_option("#register-entry select[name=platform]", "sina")
    office.fill("#register-entry input[name=name]", "江西日报")
    office.select_option("#register-entry select[name=kind]", "media")
    office.click("#register-entry button[type=submit]")
    settled(office)
    assert "主流媒体" in office.inner_text("#register")
    office.screenshot(path=str(tmp_path / "register-1366.png"), full_page=True)

    operator.reload()
    assert "主流媒体" in row(operator, "江西日报").inner_text()
    gossip = row(operator, "娱乐八卦")
    gossip.locator("input[name=reason]").fill("好")
    gossip.locator(".reason-form button").click()
    operator.wait_for_selector("#error-reason")
    row(operator, "娱乐八卦").locator("input[name=reason]").fill("监测涉区域的网络舆情")
    row(operator, "娱乐八卦").locator(".reason-form button").click()
    settled(operator)
    assert "与工作无关（已说明）" in row(operator, "娱乐八卦").inner_text()
    assert operator.inner_text("#unexplained-count strong") == "0"

    table = tmp_path / "关注.csv"
    table.write_text("平台,账号,名称\n新浪网,美食探店,\n抖音,某人,\n", encoding="utf-8-sig")
    operator.set_input_files("#follow-import input[type=file]", str(table))
    operator.click("#follow-import button[type=submit]")
    settled(operator)
    report = operator.inner_text("#import-report")
    assert "新增 1 个" in report and "第 3 行" in report and "平台" in report
    row(operator, "美食探店").locator(".remove-form button").click()
    settled(operator)
    assert row(operator, "美食探店").count() == 0
    operator.set_viewport_size({"width": 390, "height": 844})
    operator.screenshot(path=str(tmp_path / "follows-390.png"), full_page=True)

    supervision = as_person("ducha")
    supervision.goto(site + "/follows")
    assert supervision.locator("#follow-accounts tbody tr", has_text="东湖发布").count() == 0
    supervision.goto(site + "/follows/register")
    assert supervision.locator("#register-entry").count() == 0 and "江西日报" in supervision.inner_text("#register")

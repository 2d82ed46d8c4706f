"""Issue 18: the pages of the people who run an account: a change filing (变更备案) applied for,
approved and filed with the pending change shown beside the current values; the team page (X17);
the security record page (X24). Bad input is said beside the field and changes nothing."""
import re

import pytest

pytestmark = pytest.mark.browser
def settled(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def open_account(page, site: str, name: str) -> str:
    page.goto(site + "/accounts")
    page.click(f"#accounts a:text-is('{name}')")
    page.wait_for_url(re.compile(r"/accounts/\d+$"))
    return page.url


def test_a_change_is_applied_approved_and_filed_on_the_account_page(as_person, site):
    operator = as_person("dh_caozuo")
    url = open_account(operator, site, "东湖发布")
    operator.click("#apply-change")
    operator.wait_for_url(url + "/change")
    operator.fill("#change-form input[name=name]", "东湖发布厅")
    operator.click("#change-form button[type=submit]")  # no reason: said beside the field
    operator.wait_for_selector("#error-reason")
    assert "理由" in operator.inner_text("#error-reason")
    assert operator.input_value("#change-form input[name=name]") == "东湖发布厅"  # kept as typed
    operator.fill("#change-form textarea[name=reason]", "按区政府通知统一更名")
    operator.click("#change-form button[type=submit]")
    operator.wait_for_url(url)
    # pending: the account keeps its name, the change is shown beside the current values
    assert operator.inner_text("#account h1").startswith("东湖发布 ")
    diff = operator.inner_text("#change-diff")
    assert "账号名称" in diff and "东湖发布厅" in diff
    assert operator.locator("#apply-change").count() == 0  # one change at a time

    principal = as_person("dh_zhuyao")
    principal.goto(url)
    principal.click("#change-approve button")
    settled(principal)
    assert "变更报上级备案中" in principal.inner_text("#pending-change")

    office = as_person("lianxi")
    office.goto(url)
    office.click("#change-return_filing button")  # a return needs a reason
    settled(office)
    assert "理由" in office.inner_text("#pending-change")
    office.click("#change-file button")
    settled(office)
    assert office.inner_text("#account h1").startswith("东湖发布厅")
    assert office.locator("#pending-change").count() == 0
    versions = office.inner_text("#versions")
    assert "第 2 版" in versions and "东湖发布 → 东湖发布厅" in versions and "陈静" in versions  # who approved


def test_the_team_and_the_security_record_pages(as_person, site):
    operator = as_person("dh_caozuo")
    url = open_account(operator, site, "东湖发布厅")  # renamed by the test above
    operator.click("text=调整工作团队")
    operator.wait_for_url(url + "/team")
    for box in operator.locator("#team-form input[name=operators]:checked").all():
        box.uncheck()
    operator.click("#team-form button[type=submit]")
    operator.wait_for_selector("#error-members, #error-team")
    assert "操作员" in operator.inner_text("#team-form") or "3 至 5 人" in operator.inner_text("#team-form")
    operator.check("#team-form input[name=operators] >> nth=0")
    operator.click("#team-form button[type=submit]")
    operator.wait_for_url(url)
    assert "已调整工作团队" in operator.inner_text("main")

    operator.click(".work-links >> text=安全登记")
    operator.wait_for_url(url + "/security")
    operator.select_option("#security-form select[name=credential_holder_id]", index=1)
    operator.fill("#security-form input[name=password_changed_on]", "2099-01-01")  # in the future
    operator.fill("#security-form input[name=device_name_0]", "宣传科办公手机")
    operator.click("#security-form button[type=submit]")
    operator.wait_for_selector("#error-password_changed_at")
    assert "晚于现在" in operator.inner_text("#error-password_changed_at")
    operator.fill("#security-form input[name=password_changed_on]", "2020-01-01")  # long ago: due
    operator.click("#security-form button[type=submit]")
    operator.wait_for_url(url)
    assert "密码到期待修改" in operator.inner_text("#security-summary")
    operator.goto(url + "/security")
    assert "宣传科办公手机" in operator.inner_text("#security-now") and operator.locator("#password-due").count() == 1
    # someone who does not run the account has no such page
    other = as_person("jy_caozuo")
    assert other.goto(url + "/security").status == 404

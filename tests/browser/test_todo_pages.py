"""工作台 · 待办 in the browser, for each working role of the demo city: the work made to wait
through the services' APIs (drafts, a message long unanswered, inspections with fixes due, the
demo's application and filing), then each person signs in, lands on the home page, sees what
waits for that role with the right counts, most urgent first, follows a link to its page, and
sees the count in the top bar's badge."""
import datetime as dt
import re

import pytest
import requests

from govmb.timefmt import BEIJING
from tests.browser.test_list_pages import signed_in
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


def call(site, who: str, method: str, path: str, expected: int = 200, **body) -> dict:
    r = requests.request(method, site + path, headers=signed_in(site, who), json=body or None, timeout=10)
    assert r.status_code == expected, (path, r.text)
    return r.json()


def copied(site, who: str, service: str, account_id: int) -> None:
    """Until the service's copy of the accounts (fed by the bus) holds the account."""
    wait_for(lambda: any(a["id"] == account_id for a in requests.get(
        f"{site}/{service}/api/accounts", headers=signed_in(site, who), timeout=10).json()),
        timeout=30, interval=0.5, message=f"{service}'s copy of the account")


def draft(site, account_id: int, text: str, *steps: tuple[str, str, dict]) -> int:
    d = call(site, "jy_caozuo", "POST", "/publishing/api/drafts", 201, account_id=account_id, text=text,
             info_type="disclosure")
    for who, action, body in steps:
        call(site, who, "POST", f"/publishing/api/drafts/{d['id']}/actions/{action}", **body)
    return d["id"]


@pytest.fixture(scope="module")
def waiting(site):
    """The work: for 南昌市教育局 (jy_*) a draft to check, one to approve, a message 30 hours old
    (its 24-hour reply overdue), a fix overdue and one due in ten days, a fix reported for
    supervision; the demo itself has an application waiting for 刘洋 and a filing for the office."""
    units = {u["name"]: u["id"] for u in call(site, "ducha", "GET", "/registry/api/units?page_size=500")}
    account = next(a for a in call(site, "jy_caozuo", "GET", "/registry/api/accounts") if a["name"] == "南昌教育")
    copied(site, "jy_caozuo", "publishing", account["id"])
    copied(site, "jy_caozuo", "inquiry", account["id"])
    submit = ("jy_caozuo", "submit", {})
    to_check = draft(site, account["id"], "待核稿：本周五举行招生政策解读会。", submit)
    to_approve = draft(site, account["id"], "待审批：中小学寒假安全提示。", submit,
                       ("jy_hegao", "check", {"acknowledge": True}))
    received = (dt.datetime.now(BEIJING) - dt.timedelta(hours=30)).isoformat()
    message = call(site, "jy_caozuo", "POST", "/inquiry/api/messages", 201, account_id=account["id"], kind="comment",
                   citizen_handle="@待办测试网民", text="待办测试：学校食堂价格偏高，请核查。", received_at=received)
    wait_for(lambda: call(site, "ducha", "GET", "/assessment/api/units"), message="the units in assessment")
    today = dt.datetime.now(BEIJING).date()
    fixes = [call(site, "ducha", "POST", "/assessment/api/inspections", 201, unit_id=units["南昌市教育局"],
                  inspected_on=str(today - dt.timedelta(days=20)), checked="网民留言回复情况", found=found,
                  required="逐条整改", fix_by=str(today + dt.timedelta(days=days)))["id"]
             for found, days in (("逾期未整改：留言超时未回复", -1), ("十天内整改：栏目更新不及时", 10),
                                 ("已报告整改：发布审核记录不全", 5))]
    call(site, "jy_caozuo", "POST", f"/assessment/api/inspections/{fixes[2]}/report", text="已补齐审核记录",
         fixed_on=str(today))
    return {"to_check": to_check, "to_approve": to_approve, "message": message["id"], "fixes": fixes}


def group(page, kind: str) -> tuple[int, str]:
    """A group on the home page: its count and its text."""
    section = page.locator(f"#todo-{kind}")
    return int(section.locator("h2 .status[data-count]").get_attribute("data-count")), section.inner_text()


def kinds(page) -> list[str]:
    return page.eval_on_selector_all("section.todo-group", "els => els.map(e => e.dataset.kind)")


def badge(page) -> int:
    """The top bar's count, once htmx has loaded it."""
    page.wait_for_function("() => document.querySelector('#todo-badge .todo-count') !== null")
    return int(page.inner_text("#todo-badge .todo-count"))


def summary_total(page) -> int:
    return int(re.search(r"共 (\d+) 项", page.inner_text("#todo-summary")).group(1))


def test_the_operator_sees_the_overdue_message_and_fix_first_and_opens_the_message(as_person, site, waiting):
    page = as_person("jy_caozuo")
    assert page.url.endswith("/todo")
    order = kinds(page)
    assert order.index("messages") < order.index("applications_returned")  # overdue before what has no deadline
    assert order.index("fixes") < order.index("applications_returned")
    count, text = group(page, "messages")
    assert count == 1 and "待办测试：学校食堂价格偏高" in text and "已逾期 1" in text
    count, text = group(page, "fixes")
    assert count == 2 and "已逾期 1" in text and text.index("逾期未整改") < text.index("十天内整改")
    assert "已报告整改" not in text  # reported: supervision's now
    assert "drafts_to_check" not in order and "applications" not in order  # not an operator's to do
    assert badge(page) == summary_total(page) >= 4
    page.click("#todo-messages tbody a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/inbox/{waiting['message']}") and "待办测试：学校食堂价格偏高" in page.inner_text("main")


def test_the_responsible_office_checks_and_the_leader_approves(as_person, site, waiting):
    page = as_person("jy_hegao")
    count, text = group(page, "drafts_to_check")
    assert count == 1 and "待核稿：本周五举行招生政策解读会" in text
    assert "drafts_to_approve" not in kinds(page)
    page.click("#todo-drafts_to_check h2 a")  # the list, filtered to those drafts
    page.wait_for_load_state("networkidle")
    assert "status=submitted" in page.url and "待核稿：本周五举行招生政策解读会" in page.inner_text("main")

    page = as_person("jy_fenguan")
    count, text = group(page, "drafts_to_approve")
    assert count == 1 and "待审批：中小学寒假安全提示" in text
    assert "drafts_to_check" not in kinds(page) and "messages" not in kinds(page)
    assert badge(page) == summary_total(page)
    page.click("#todo-drafts_to_approve tbody a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/drafts/{waiting['to_approve']}")


def test_the_principal_leader_sees_the_application_to_approve(as_person, site, waiting):
    page = as_person("jy_zhuyao")
    count, text = group(page, "applications")
    assert count == 1 and "南昌教育招生考试" in text
    assert badge(page) >= 1
    page.click("#todo-applications tbody a")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/accounts/\d+$", page.url) and "南昌教育招生考试" in page.inner_text("main")


def test_the_joint_office_sees_the_filing_and_the_city_s_overdue_message(as_person, site, waiting):
    page = as_person("lianxi")
    count, text = group(page, "filings")
    assert count == 1 and "东湖教育体育" in text
    count, text = group(page, "messages_overdue")
    assert count >= 1 and "待办测试：学校食堂价格偏高" in text
    assert kinds(page).index("messages_overdue") < kinds(page).index("filings")  # overdue first
    assert "drafts_to_check" not in kinds(page)
    assert badge(page) == summary_total(page)
    page.click("#todo-filings h2 a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/filings") and "东湖教育体育" in page.inner_text("main")


def test_supervision_sees_the_reported_fix_to_accept(as_person, site, waiting):
    page = as_person("ducha")
    count, text = group(page, "fixes_to_review")
    assert count == 1 and "已报告整改：发布审核记录不全" in text
    assert "fixes" not in kinds(page)  # the units' to fix, not supervision's
    assert badge(page) == summary_total(page)
    with page.expect_request(lambda r: r.url.endswith("/todo/badge")) as polled:
        page.reload()
    assert polled.value.headers.get("x-poll") == "1"  # a poll: not the person's activity (web/session.py)
    page.click("#todo-fixes_to_review tbody a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/inspections/{waiting['fixes'][2]}")


def test_the_administrator_keeps_his_own_first_page_and_has_no_badge(as_person, site):
    page = as_person("admin")
    assert not page.url.endswith("/todo") and page.locator("#todo-badge").count() == 0

"""僵尸号 in the browser (G123.4): an account of 南昌市教育局 has left a citizen's message unanswered
for 100 days; the office finds it on the 僵尸号 list, issues a rectification order (its bad input
refused beside the fields), the unit finds it in its 待办 and answers, supervision rejects the
answer with a comment, the unit answers again, the office accepts it; the steps and the unit's
counts show."""
import datetime as dt
import re

import pytest
import requests

from govmb.timefmt import BEIJING
from tests.browser.test_list_pages import signed_in
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dormant_account(site) -> dict:
    """南昌教育, with a citizen's message received 100 days ago and never answered."""
    headers = signed_in(site, "jy_caozuo")
    account = next(a for a in requests.get(f"{site}/registry/api/accounts", headers=headers, timeout=10).json()
                   if a["name"] == "南昌教育")
    wait_for(lambda: any(a["id"] == account["id"] for a in requests.get(
        f"{site}/inquiry/api/accounts", headers=headers, timeout=10).json()), timeout=30, interval=0.5,
        message="inquiry's copy of the account")
    received = (dt.datetime.now(BEIJING) - dt.timedelta(days=100)).isoformat()
    r = requests.post(f"{site}/inquiry/api/messages", headers=headers, timeout=10, json={
        "account_id": account["id"], "kind": "comment", "citizen_handle": "@僵尸号测试网民",
        "text": "学校门口的减速带坏了三个月，一直没人回复。", "received_at": received})
    assert r.status_code == 201, r.text
    return account


def test_the_office_orders_the_unit_answers_supervision_rejects_and_the_office_accepts(as_person, site, dormant_account):
    office = as_person("lianxi")
    office.goto(site + "/")
    assert office.locator("header nav a[href='/dormant']").text_content().strip() == "僵尸号"  # under 考核与督查

    def listed():
        office.goto(site + "/dormant")
        return office.locator("#dormant tbody tr", has_text="南昌教育").count() == 1
    wait_for(listed, timeout=30, interval=1, message="assessment to learn of the unanswered message")
    row = office.locator("#dormant tbody tr", has_text="南昌教育")
    assert "留言长期未回复" in row.inner_text() and "南昌市教育局" in row.inner_text()
    assert re.search(r"共 \d+ 个僵尸号", office.inner_text("#dormant-list .count"))
    office.select_option("#dormant-list select[name=kind]", "unanswered")  # the filter, by htmx
    office.wait_for_url(re.compile(r"kind=unanswered"))
    assert office.locator("#dormant tbody tr", has_text="南昌教育").count() == 1

    office.locator("#dormant tbody tr", has_text="南昌教育").locator("a", has_text="下发整改通知").click()
    office.wait_for_url(re.compile(r"/dormant/orders/new\?account_id=\d+"))
    assert "条留言超过 3 个月未回复" in office.inner_text("dl.facts")
    today = dt.datetime.now(BEIJING).date()
    office.fill("#issue input[name=deadline]", str(today))
    office.click("#issue button[type=submit]")
    assert "此项必填" in office.inner_text("#issue #error-reason")
    office.fill("#issue textarea[name=reason]", "一周内逐条回复超期留言，并建立回复台账")
    office.click("#issue button[type=submit]")
    assert "晚于今天" in office.inner_text("#issue #error-deadline")
    assert office.input_value("#issue textarea[name=reason]") == "一周内逐条回复超期留言，并建立回复台账"  # kept
    office.fill("#issue input[name=deadline]", str(today + dt.timedelta(days=7)))
    office.click("#issue button[type=submit]")
    office.wait_for_url(re.compile(r"/dormant/orders/\d+$"))
    order_url = office.url
    assert "待单位答复" in office.inner_text("#order h1")
    assert office.locator("#answer").count() == 0 and office.locator("#review").count() == 0

    unit = as_person("jy_caozuo")
    unit.goto(site + "/todo")
    assert "僵尸号整改通知待答复" in unit.inner_text("main")
    unit.goto(site + "/dormant/orders")
    unit.locator("#orders tbody a", has_text="南昌教育").first.click()
    unit.wait_for_url(order_url)
    unit.click("#answer button[type=submit]")
    assert "请填写整改情况" in unit.inner_text("#answer .field-error")
    unit.fill("#answer textarea[name=text]", "已逐条回复超期留言，指定专人每日查看")
    unit.click("#answer button[type=submit]")
    unit.wait_for_url(order_url)
    assert "已答复，待审核" in unit.inner_text("#order h1")

    supervision = as_person("ducha")
    supervision.goto(order_url)
    supervision.click("#review button[value=no]")
    assert "不通过须写明意见" in supervision.inner_text("#review .field-error")
    supervision.fill("#review textarea[name=comment]", "请附回复台账")
    supervision.click("#review button[value=no]")
    supervision.wait_for_url(order_url)
    assert "整改未通过，待重新答复" in supervision.inner_text("#order h1")

    unit.goto(order_url)
    unit.fill("#answer textarea[name=text]", "已补充回复台账")
    unit.click("#answer button[type=submit]")
    unit.wait_for_url(order_url)
    office.goto(order_url)
    office.click("#review button[value=yes]")
    office.wait_for_url(order_url)
    assert "整改通过" in office.inner_text("#order h1")
    steps = [r.split("\t")[2] for r in office.locator("#history tr").all_inner_texts()]
    assert steps == ["下发整改通知", "单位答复整改情况", "整改未通过", "单位答复整改情况", "整改通过"]

    office.goto(site + "/dormant/counts")
    counts = office.locator("#counts tbody tr", has_text="南昌市教育局").inner_text().split("\t")
    assert [c.strip() for c in counts[1:]] == ["1", "1", "0", "0", "0"]

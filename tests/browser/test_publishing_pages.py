"""Drafts in the browser: findings shown in the text; a clean draft through the chain to
every platform; a unified-messaging directive filling in."""
import re

import pytest

from tests.browser.test_account_pages import act
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


def choose_account(page, name: str) -> None:
    value = page.locator("select[name=account_id] option", has_text=name).get_attribute("value")
    page.select_option("select[name=account_id]", value)


def open_editor(page, site, account: str = "南昌教育"):
    def ready():
        page.goto(site + "/drafts/new")
        return page.locator("select[name=account_id] option", has_text=account).count() > 0
    wait_for(ready, timeout=20, interval=0.5, message="the account copy in publishing")


def write_draft(page, site, text: str) -> str:
    """A draft of 南昌教育 written on the page and saved; its page's address."""
    open_editor(page, site)
    choose_account(page, "南昌教育")
    page.fill("textarea[name=text]", text)
    page.click("#editor button[type=submit]")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    return page.url


def test_a_draft_with_a_sensitive_word_and_an_id_number_is_shown_its_findings(as_person, site):
    page = as_person("jy_caozuo")
    open_editor(page, site)
    choose_account(page, "南昌教育")
    page.fill("textarea[name=text]", "网传有人示威，当事人身份证11010519491231002X。")
    page.locator("textarea[name=text]").press("End")
    page.wait_for_selector("#findings mark.block")
    assert page.inner_text("#findings mark.warn") == "示威"
    assert page.inner_text("#findings mark.block") == "11010519491231002X"
    assert "身份证" in page.inner_text("#findings") and "敏感" in page.inner_text("#findings")
    page.click("#editor button[type=submit]")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    act(page, "submit")
    assert "必须修改" in page.inner_text("#action-error") and "身份证" in page.inner_text("#action-error")
    assert page.inner_text("#draft h1 .status") == "草稿"


def test_a_clean_draft_goes_through_the_chain_and_is_released_on_every_platform(as_person, site):
    operator = as_person("jy_caozuo")
    url = write_draft(operator, site, "南昌市中小学秋季运动会将于下周举行，欢迎家长观摩。")
    act(operator, "submit")
    assert operator.inner_text("#draft h1 .status") == "待核稿"

    office = as_person("jy_hegao")
    office.goto(site + "/drafts")
    assert "秋季运动会" in office.inner_text("#queue")  # the office's review queue
    office.goto(url)
    act(office, "check", acknowledge="yes")
    leader = as_person("jy_fenguan")
    leader.goto(url)
    act(leader, "approve")
    assert leader.inner_text("#draft h1 .status") == "已审批，待发布"

    operator.goto(url)
    for platform in ("ncnews", "people", "sina", "tencent", "xinhua"):
        act(operator, "record_publication", platform=platform, url=f"https://{platform}.example.cn/sports")
    assert operator.inner_text("#draft h1 .status") == "已发布"
    assert operator.locator("#steps tbody tr").count() == 9  # write, submit, check, approve, 5 releases

    office_of_city = as_person("lianxi")
    office_of_city.goto(site + "/directives")
    office_of_city.fill("#issue input[name=title]", "转发秋季运动会通知")
    office_of_city.select_option("#issue select[name=lead_draft_id]", url.rsplit("/", 1)[1])
    office_of_city.fill("#issue input[name=due_at]", "2099-12-31T18:00")
    office_of_city.click("#issue button[type=submit]")
    office_of_city.wait_for_selector(".directive")
    assert "待转发：2" in office_of_city.inner_text(".directive .counts")
    assert office_of_city.inner_text("#directives-list .sorts a.current") == "下发时间 ↓"  # the newest first

    district = as_person("dh_caozuo")
    district.goto(site + "/directives")
    row = district.locator(".directive tr", has_text="东湖发布")
    row.locator("input[name=url]").fill("https://weibo.com/donghu/forward/1")
    with district.expect_response(lambda r: "/forward" in r.url):
        row.locator("button").click()
    district.wait_for_function("() => document.querySelector('.directive').innerText.includes('按时转发：1')")
    office_of_city.reload()
    assert "按时转发：1" in office_of_city.inner_text(".directive .counts")


def test_the_office_edits_the_lexicon(as_person, site):
    page = as_person("lianxi")
    page.goto(site + "/lexicon")
    page.fill("#add-words textarea[name=words]", "集会")
    page.click("#add-words button[type=submit]")
    page.wait_for_selector("#words >> text=集会")
    page.click("#lexicon-list th a.sort >> text=加入时间")  # by word by default; now by the time added
    page.wait_for_url(re.compile(r"/lexicon\?sort=added$"))
    page.click("#lexicon-list th a.sort >> text=加入时间")  # the latest first
    page.wait_for_url(re.compile(r"/lexicon\?sort=-added$"))
    assert page.locator("#words tbody td").first.inner_text() == "集会"
    operator = as_person("jy_caozuo")
    response = operator.goto(site + "/lexicon")
    assert response.status == 403


def test_a_blocked_draft_and_then_a_returned_one_are_changed_on_the_page_and_submitted_again(as_person, site):
    operator = as_person("jy_caozuo")
    url = write_draft(operator, site, "请家长联系班主任，身份证11010519491231002X。")
    act(operator, "submit")
    assert "身份证" in operator.inner_text("#action-error")  # blocked: it must be changed first
    operator.click("#edit-draft")
    assert operator.input_value("textarea[name=text]").startswith("请家长联系班主任")  # the draft as it was
    operator.fill("textarea[name=text]", "")
    operator.click("#editor button[type=submit]")
    operator.wait_for_selector("#editor #error-text")  # said beside the field; nothing saved
    operator.fill("textarea[name=text]", "请家长于本周五前联系班主任确认返校时间。")
    operator.click("#editor button[type=submit]")
    operator.wait_for_url(url)
    assert "稿件已修改" in operator.content() and "确认返校时间" in operator.inner_text("#draft")
    act(operator, "submit")
    assert operator.inner_text("#draft h1 .status") == "待核稿"
    assert operator.locator("#edit-draft").count() == 0  # in review: not for changing

    office = as_person("jy_hegao")
    office.goto(url)
    act(office, "return", comment="请写明具体日期")
    operator.goto(url)
    operator.click("#edit-draft")
    assert "请写明具体日期" in operator.inner_text("main")  # the return's comment beside the editor
    operator.fill("textarea[name=text]", "请家长于11月28日前联系班主任确认返校时间。")
    operator.click("#editor button[type=submit]")
    operator.wait_for_url(url)
    act(operator, "submit")
    assert operator.inner_text("#draft h1 .status") == "待核稿" and "11月28日" in operator.inner_text("#draft")


def test_a_correction_is_changed_on_the_page_and_keeps_its_apology(as_person, site):
    import requests

    from tests.conftest import auth
    admin = auth(1, "/1/", "admin")
    people = {p["username"]: p for p in requests.get(site + "/registry/api/people", headers=admin).json()}
    paths = {u["id"]: u["path"] for u in requests.get(site + "/registry/api/units", headers=admin).json()}

    def who(username):
        p = people[username]
        return auth(p["unit_id"], paths[p["unit_id"]], *p["roles"], person=p["id"])

    def post(path, headers, **body):
        r = requests.post(site + "/publishing/api" + path, json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r.json()
    account = wait_for(lambda: next((a for a in requests.get(site + "/publishing/api/accounts", headers=admin).json()
                                     if a["name"] == "南昌教育" and a["status"] == "active"), None),
                       timeout=20, message="the account in publishing")
    wrong = post("/drafts", who("jy_caozuo"), account_id=account["id"], text="植树活动周六举行。", info_type="disclosure")
    for step, username in (("submit", "jy_caozuo"), ("check", "jy_hegao"), ("approve", "jy_fenguan")):
        wrong = post(f"/drafts/{wrong['id']}/actions/{step}", who(username), acknowledge=True)
    for platform in wrong["platforms"]:
        post(f"/drafts/{wrong['id']}/actions/record_publication", who("jy_caozuo"), platform=platform,
             url=f"https://{platform}.example.cn/{wrong['id']}")
    fix = post("/drafts", who("jy_caozuo"), account_id=account["id"], text="更正：植树活动改在周日。",
               info_type="disclosure", corrects_id=wrong["id"], apology="此前信息有误，特此致歉。")

    page = as_person("jy_caozuo")
    page.goto(site + f"/drafts/{fix['id']}/edit")
    assert page.input_value("textarea[name=apology]") == "此前信息有误，特此致歉。"
    page.fill("textarea[name=text]", "更正：植树活动改在周日上午九时。")
    page.click("#editor button[type=submit]")
    page.wait_for_url(re.compile(rf"/drafts/{fix['id']}$"))
    text = page.inner_text("#draft")
    assert "周日上午九时" in text and "特此致歉" in text and f"稿件 {wrong['id']}" in text


def test_the_office_adds_a_typo_and_the_writer_is_shown_it_where_it_is_written(as_person, site):
    """Issue 16: the office's corrections on their page, and a draft's findings at once after."""
    office = as_person("lianxi")
    office.goto(site + "/lexicon/corrections")
    office.fill("#add-correction input[name=wrong]", "赣江新区管委员会")
    office.fill("#add-correction input[name=right]", "赣江新区管委会")
    office.click("#add-correction button[type=submit]")
    office.wait_for_load_state("networkidle")
    office.goto(site + "/lexicon/corrections?q=赣江新区")  # two hundred shipped with the product: found by search
    office.wait_for_selector("#corrections >> text=赣江新区管委员会")
    page = as_person("jy_hegao")  # a writer of the unit (jy_caozuo has spent this minute's sign-ins in this module)
    open_editor(page, site)
    choose_account(page, "南昌教育")
    page.fill("textarea[name=text]", "赣江新区管\u200b委员会召开会议。")
    page.locator("textarea[name=text]").press("End")
    page.wait_for_selector("#findings mark.warn")
    assert page.inner_text("#findings mark.warn").replace("\u200b", "") == "赣江新区管委员会"
    assert "赣江新区管委会" in page.inner_text("#findings")

"""Emergencies by type (X20.6, N11) in the browser: a unit's operator declares an event, sees its
three clocks in Beijing time, ticks a step, writes a post for it whose release stops the first
clocks, links a citizen's message to it from the inbox and closes it with a summary; the office
edits a kind's procedure."""
import datetime as dt
import re

import pytest
import requests

from tests.conftest import auth, wait_for

pytestmark = pytest.mark.browser
BEIJING = dt.timezone(dt.timedelta(hours=8))


def people_of(site: str) -> tuple[dict, dict]:
    admin = auth(1, "/1/", "admin")
    people = {p["username"]: p for p in requests.get(site + "/registry/api/people", headers=admin).json()}
    paths = {u["id"]: u["path"] for u in requests.get(site + "/registry/api/units", headers=admin).json()}
    return people, paths


def as_api(site: str, username: str):
    people, paths = people_of(site)
    p = people[username]
    headers = auth(p["unit_id"], paths[p["unit_id"]], *p["roles"], person=p["id"])

    def call(method: str, path: str, **body) -> dict:
        r = requests.request(method, site + path, json=body or None, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r.json()
    return call


def release(site: str, draft_id: int) -> None:
    for step, username in (("submit", "jy_caozuo"), ("check", "jy_hegao"), ("approve", "jy_fenguan")):
        d = as_api(site, username)("POST", f"/publishing/api/drafts/{draft_id}/actions/{step}", acknowledge=True)
    for platform in d["platforms"]:
        as_api(site, "jy_caozuo")("POST", f"/publishing/api/drafts/{draft_id}/actions/record_publication",
                                  platform=platform, url=f"https://{platform}.example.cn/{draft_id}")


def test_an_operator_declares_an_event_and_follows_its_clocks_posts_and_messages(as_person, site, tmp_path):
    page = as_person("jy_caozuo")
    page.goto(site + "/emergencies")
    occurred = dt.datetime.now(BEIJING).replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    page.select_option("#declare select[name=procedure_id]", label="公共卫生事件")
    page.fill("#declare input[name=title]", "某中学食物中毒")
    page.fill("#declare input[name=occurred_at]", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.click("#declare button[type=submit]")
    page.wait_for_url(re.compile(r"/emergencies/\d+$"))
    event_id = int(page.url.rsplit("/", 1)[1])
    first = page.locator("[data-clock=first]")
    assert (occurred + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M") in first.inner_text()
    assert (occurred + dt.timedelta(hours=24)).strftime("%Y-%m-%d %H:%M") in page.inner_text("[data-clock=followup]")
    assert first.get_attribute("data-state") == "open"
    for width, name in ((1366, "emergency-1366"), (390, "emergency-390")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)  # to look at
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(site + "/todo")  # the first clock waits in the to-do, and leads to the event
    page.click(f"a[href='/emergencies/{event_id}']")
    page.wait_for_url(re.compile(rf"/emergencies/{event_id}$"))
    page.click("#steps li[data-step='0'] button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#steps li[data-step='0']").get_attribute("data-done") == "yes"

    page.fill("#write textarea[name=text]", "某中学发生疑似食物中毒事件，学生已送医救治，原因正在调查。")
    page.click("#write button[type=submit]")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    release(site, int(page.url.rsplit("/", 1)[1]))

    staff = as_api(site, "jy_caozuo")
    accounts = [a for a in staff("GET", "/publishing/api/accounts") if a["status"] == "active"]
    m = staff("POST", "/inquiry/api/messages", account_id=accounts[0]["id"], kind="comment",
              citizen_handle="@家长", text="孩子在学校吃了午饭后肚子疼，学校怎么回事？")
    wait_for(lambda: any(e["id"] == event_id for e in staff("GET", "/inquiry/api/emergencies")),
             timeout=20, message="inquiry's copy of the event")
    page.goto(site + f"/inbox/{m['id']}")
    page.select_option("#emergency-link select", value=str(event_id))
    page.click("#emergency-link button[type=submit]")
    page.wait_for_selector("#emergency-link a")
    assert "某中学食物中毒" in page.inner_text("#emergency-link")
    page.screenshot(path=str(tmp_path / "message-link.png"), full_page=True)

    def first_done():
        page.goto(site + f"/emergencies/{event_id}")
        return page.locator("[data-clock=first]").get_attribute("data-state") == "on_time"
    wait_for(first_done, timeout=20, message="the release stopping the first clock")
    assert page.locator("[data-clock=national]").get_attribute("data-state") == "on_time"
    assert page.locator("[data-clock=followup]").get_attribute("data-state") == "open"
    assert "孩子在学校吃了午饭" in page.inner_text("#messages") and "@家长" not in page.inner_text("#messages")
    assert "已发布" in page.inner_text("#posts")

    page.click("#close button[type=submit]")  # no summary: said beside the field, nothing closed
    assert page.locator("#close .field-error").count() == 1
    page.fill("#close textarea[name=summary]", "学生均已康复出院，原因为食堂食材变质，已处理相关责任人。")
    page.click("#close button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已结束" in page.inner_text("h1") and "康复出院" in page.inner_text("#summary")
    page.goto(site + "/emergencies?status=closed")
    assert "某中学食物中毒" in page.inner_text("#events")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"list-{width}.png"), full_page=True)


def test_the_office_saves_a_new_version_of_a_procedure(as_person, site, tmp_path):
    office = as_person("lianxi")
    office.goto(site + "/emergencies/procedures")
    form = office.locator("#kind-accident form")
    form.locator("input[name=first_minutes]").fill("5")
    form.locator("button[type=submit]").click()
    assert "10 分钟" in office.inner_text("#kind-accident .field-error")
    form = office.locator("#kind-accident form")
    form.locator("input[name=first_minutes]").fill("60")
    form.locator("button[type=submit]").click()
    office.wait_for_url(re.compile(r"/emergencies/procedures$"))
    assert "第 2 版" in office.inner_text("#kind-accident h2")
    office.screenshot(path=str(tmp_path / "procedures.png"), full_page=True)
    operator = as_person("jy_caozuo")
    operator.goto(site + "/emergencies/procedures")
    assert operator.locator("#kind-accident form").count() == 0 and "60 分钟" in operator.inner_text("#kind-accident")

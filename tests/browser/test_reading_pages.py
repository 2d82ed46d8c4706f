"""Daily reading (X18) in the browser: the principal leader sees today's posts on the 稿件 page
and in the to-do, marks them read, and the office sees the mark and the unit's reading rate."""
import re

import pytest
import requests

from tests.conftest import auth, wait_for

pytestmark = pytest.mark.browser


def release_a_post(site: str, text: str) -> None:
    """A post of 南昌教育 released today, through the services' APIs as the unit's people."""
    admin = auth(1, "/1/", "admin")
    people = {p["username"]: p for p in requests.get(site + "/registry/api/people", headers=admin).json()}
    paths = {u["id"]: u["path"] for u in requests.get(site + "/registry/api/units", headers=admin).json()}

    def call(path: str, username: str, **body) -> dict:
        p = people[username]
        r = requests.post(site + "/publishing/api" + path, json=body,
                          headers=auth(p["unit_id"], paths[p["unit_id"]], *p["roles"], person=p["id"]))
        assert r.status_code in (200, 201), r.text
        return r.json()
    account = wait_for(lambda: next((a for a in requests.get(site + "/publishing/api/accounts", headers=admin).json()
                                     if a["name"] == "南昌教育" and a["status"] == "active"), None),
                       timeout=20, message="the account in publishing")
    d = call("/drafts", "jy_caozuo", account_id=account["id"], text=text, info_type="disclosure")
    for step, username in (("submit", "jy_caozuo"), ("check", "jy_hegao"), ("approve", "jy_fenguan")):
        d = call(f"/drafts/{d['id']}/actions/{step}", username, acknowledge=True)
    for platform in d["platforms"]:
        call(f"/drafts/{d['id']}/actions/record_publication", "jy_caozuo", platform=platform,
             url=f"https://{platform}.example.cn/{d['id']}")


def test_the_principal_leader_marks_todays_posts_read_and_the_office_sees_it(as_person, site):
    release_a_post(site, "市教育局发布寒假安全提示。")
    leader = as_person("jy_zhuyao")
    leader.goto(site + "/todo")
    assert "今日博文待阅" in leader.inner_text("main")
    leader.goto(site + "/drafts")
    box = leader.locator("#reading-today")
    assert "今天本单位已发布博文" in box.inner_text()
    box.locator("button[type=submit]").click()
    leader.wait_for_url(re.compile(r"/drafts$"))
    assert "已阅" in leader.inner_text("#reading-today")
    assert leader.locator("#reading-today button").count() == 0  # once a day

    office = as_person("lianxi")
    office.goto(site + "/reading")
    assert "南昌市教育局" in office.locator("#marks tbody tr").first.inner_text()
    row = office.locator("#rates tbody tr", has_text="南昌市教育局").first
    assert row.inner_text().split("\t")[-1].strip() == "100%"
    office.fill("#span input[name=from]", "2026-01-01")
    office.fill("#span input[name=to]", "2026-12-31")
    office.click("#span button[type=submit]")
    assert "一次至多统计 31 天" in office.inner_text("#span .field-error")  # beside the dates, nothing counted

"""N7 (南昌发布厅: 各单位按要求注册开通…同时在五个平台发布): the joint-meeting office's city-wide
rule that an institutional account opens on every configured platform or gives a reason for each
one it leaves out, through the API: at application, resubmission and change filing."""
import json

import pytest

from services.registry.models import Account, AccountChange, PlatformRule
from tests.conftest import audit_trail
from tests.registry.conftest import application, events
from tests.registry.test_account_changes import act, activate, change, detail, step

FIVE = ("xinhua", "people", "tencent", "sina", "ncnews")
REASONS = {"xinhua": "新华网账号由市新闻办统一开设后移交", "people": "人民网暂未开放区县部门注册", "ncnews": "南昌新闻网账号已由上级统一发布"}


def rule(client, city, on: bool, who="office"):
    return client.put("/api/platform-rule", json={"every_platform": on}, headers=city.headers(who))


def apply(client, city, **overrides):
    return client.post("/api/accounts", json=application(city, **overrides), headers=city.headers("dept_operator"))


def test_the_rule_is_off_until_the_office_switches_it_and_records_who_and_when(client, city):
    r = client.get("/api/platform-rule", headers=city.headers("dept_operator"))
    assert r.status_code == 200 and r.json["every_platform"] is False and r.json["may_set"] is False
    assert [p["code"] for p in r.json["platforms"]] == list(FIVE)
    for who in ("dept_operator", "dept_principal_leader", "east_leader", "admin", "security"):
        assert rule(client, city, True, who).status_code == 403
    assert PlatformRule.select().count() == 0
    r = rule(client, city, True)
    assert r.status_code == 200 and r.json["every_platform"] is True and r.json["set_by"] == "office"
    assert r.json["set_by_unit"] == "南昌市人民政府新闻办公室" and r.json["set_at"]
    assert client.get("/api/platform-rule", headers=city.headers("east_leader")).json["every_platform"] is True
    rule(client, city, True)  # the same again: no second audit row
    rows = audit_trail(client, city.headers("auditor"), action="platform_rule.set")
    assert [(r["action"], r["detail"]) for r in rows] == [("platform_rule.set", "开启：政务微博须在全部平台开通（N7）")]
    assert rule(client, city, False).json["every_platform"] is False
    assert client.put("/api/platform-rule", json={"every_platform": "maybe"},
                      headers=city.headers("office")).status_code == 422
    assert client.get("/api/platform-rule").status_code == 401


def test_while_off_an_application_may_leave_platforms_out_and_its_reasons_are_kept(client, city):
    r = apply(client, city)  # sina and tencent, no reasons: as before
    assert r.status_code == 201, r.json
    assert r.json["omitted"] == [] and r.json["every_platform"] is False
    r = apply(client, city, name="东湖教育体育", platforms=["xinhua"], omitted_reasons={"ncnews": "由上级统一发布"})
    assert r.status_code == 201, r.json
    assert r.json["omitted"] == [{"platform": "ncnews", "platform_name": "南昌新闻网", "reason": "由上级统一发布"}]


def test_while_on_each_platform_left_out_needs_its_reason_named(client, city):
    rule(client, city, True)
    r = apply(client, city, omitted_reasons={"xinhua": REASONS["xinhua"]})
    assert r.status_code == 422
    missing = r.json["errors"]["omitted_reasons"]
    assert set(missing) == {"people", "ncnews"} and "人民网" in missing["people"][0] and "南昌新闻网" in missing["ncnews"][0]
    assert Account.select().count() == 0 and "registry.account.changed" not in events()
    r = apply(client, city, omitted_reasons=REASONS)
    assert r.status_code == 201, r.json
    assert {o["platform"]: o["reason"] for o in r.json["omitted"]} == REASONS and r.json["every_platform"] is True
    # the principal leader who approves and the superior who files see the reasons
    for who in ("dept_principal_leader", "east_leader"):
        assert {o["platform"] for o in detail(client, city, r.json["id"], who)["omitted"]} == set(REASONS)


def test_every_platform_needs_no_reason_and_other_kinds_are_not_held_to_it(client, city):
    rule(client, city, True)
    assert apply(client, city, platforms=list(FIVE)).status_code == 201
    r = apply(client, city, kind="official", name="东湖教育马丽", owner_id=city.people["dept_operator"].id)
    assert r.status_code == 201, r.json
    body = {"name": "小马的微博", "kind": "private", "owner_id": city.people["dept_operator"].id,
            "platforms": ["sina"], "profile": "喜欢读书和跑步"}
    assert client.post("/api/accounts", json=body, headers=city.headers("dept_operator")).status_code == 201


@pytest.mark.parametrize("reasons,platform,words", [
    ({"myspace": "没有"}, "myspace", "不是可开设账号的平台"),
    ({"xinhua": "长" * 201}, "xinhua", "至多 200 字"),
    ({"xinhua": "   "}, "xinhua", "须写明理由"),
])
def test_bad_reasons_are_refused_by_platform_and_change_nothing(client, city, reasons, platform, words):
    rule(client, city, True)
    r = apply(client, city, omitted_reasons={**REASONS, **reasons})
    assert r.status_code == 422 and words in r.json["errors"]["omitted_reasons"][platform][0], r.json
    assert Account.select().count() == 0 and "registry.account.changed" not in events()


def test_the_schema_refuses_what_is_not_a_map_of_reasons(client, city):
    r = apply(client, city, omitted_reasons=["xinhua"])
    assert r.status_code == 422 and "omitted_reasons" in r.json["errors"]
    r = apply(client, city, omitted_reasons={"xinhua": 5})
    assert r.status_code == 422 and "omitted_reasons" in r.json["errors"]
    assert Account.select().count() == 0


def test_a_resubmission_gives_the_reasons_the_rule_now_asks_for(client, city):
    aid = apply(client, city).json["id"]  # applied while off, without reasons
    assert act(client, city, "dept_principal_leader", aid, "return", comment="请补充").json["status"] == "returned"
    rule(client, city, True)
    r = act(client, city, "dept_operator", aid, "resubmit", omitted_reasons={"xinhua": REASONS["xinhua"]})
    assert r.status_code == 422 and set(r.json["errors"]["omitted_reasons"]) == {"people", "ncnews"}
    assert Account.get_by_id(aid).status == "returned" and json.loads(Account.get_by_id(aid).omitted_reasons) == {}
    r = act(client, city, "dept_operator", aid, "resubmit", omitted_reasons=REASONS)
    assert r.status_code == 200 and r.json["status"] == "applied", r.json
    assert {o["platform"]: o["reason"] for o in r.json["omitted"]} == REASONS


def test_a_change_filing_that_removes_a_platform_needs_its_reason_and_the_version_keeps_it(client, city):
    aid = activate(client, city, application(city, platforms=["sina", "tencent", "xinhua", "people", "ncnews"]))
    rule(client, city, True)
    rows = [{"platform": code, "handle": "东湖教育", "url": f"https://{code}.example/dhjy"} for code in ("sina", "xinhua",
                                                                                                      "people", "ncnews")]
    r = change(client, city, aid, reason="腾讯网停止运营", platforms=rows)
    assert r.status_code == 422 and list(r.json["errors"]["omitted_reasons"]) == ["tencent"]
    assert AccountChange.select().count() == 0
    r = change(client, city, aid, reason="腾讯网停止运营", platforms=rows, omitted_reasons={"tencent": "平台停止运营"})
    assert r.status_code == 201, r.json
    cid = r.json["id"]
    assert r.json["proposed"]["omitted_reasons"] == {"tencent": "平台停止运营"}
    assert {d["field"]: d["after"] for d in r.json["diff"]}["omitted_reasons"] == "腾讯网：平台停止运营"
    step(client, city, "dept_principal_leader", aid, cid, "approve")
    r = step(client, city, "east_leader", aid, cid, "file")
    assert r.status_code == 200 and r.json["version"] == 1
    assert detail(client, city, aid, "east_leader")["omitted"] == [
        {"platform": "tencent", "platform_name": "腾讯网", "reason": "平台停止运营"}]


def test_a_change_that_adds_the_platform_back_drops_its_reason(client, city):
    aid = activate(client, city, application(city, platforms=["sina"], omitted_reasons={"tencent": "暂缓开设"}))
    rule(client, city, True)
    rows = [{"platform": code, "handle": "东湖教育", "url": f"https://{code}.example/dhjy"} for code in ("sina", "tencent")]
    r = change(client, city, aid, reason="开通腾讯网", platforms=rows)
    assert r.status_code == 422 and set(r.json["errors"]["omitted_reasons"]) == {"xinhua", "people", "ncnews"}
    r = change(client, city, aid, reason="开通腾讯网", platforms=rows, omitted_reasons=REASONS)
    assert r.status_code == 201, r.json
    assert r.json["proposed"]["omitted_reasons"] == REASONS  # tencent's reason gone with the platform back
    step(client, city, "dept_principal_leader", aid, r.json["id"], "approve")
    step(client, city, "east_leader", aid, r.json["id"], "file")
    assert json.loads(Account.get_by_id(aid).omitted_reasons) == REASONS

"""The rules an application must keep, each refused with a message for its field."""
import pytest

from services.registry.models import Account
from tests.registry.conftest import application, events


def apply(client, city, who="dept_operator", **overrides):
    return client.post("/api/accounts", json=application(city, **overrides), headers=city.headers(who))


@pytest.mark.parametrize("overrides,field,problem", [
    ({"name": "教育之声"}, "name", "关联"),  # X5: not tied to the unit or the region
    ({"name": "东湖 教育!"}, "name", "不含空格"),
    ({"category": None}, "category", "民生类"),
    ({"positioning": ""}, "positioning", "功能定位"),
    ({"platforms": ["myspace"]}, "platforms", "已批准的平台"),
    ({"platforms": []}, "platforms", "已批准的平台"),
    ({"kind": "leader"}, "owner_id", "指明本人"),
])
def test_an_application_breaking_a_rule_is_refused_and_changes_nothing(client, city, overrides, field, problem):
    r = apply(client, city, **overrides)
    assert r.status_code == 422
    assert problem in r.json["errors"][field][0], r.json
    assert Account.select().count() == 0 and events().count("registry.account.changed") == 0


def test_the_team_has_three_to_five_with_each_role(client, city):
    from tests.registry.conftest import team
    two = team(city)[:2]
    r = apply(client, city, team=two)
    assert r.status_code == 422 and "3 至 5 人" in r.json["errors"]["team"][0]
    no_operator = team(city)[:2] + [{"person_id": city.people["dept_principal_leader"].id, "role": "leader_in_charge"}]
    r = apply(client, city, team=no_operator)
    assert "微博操作员" in r.json["errors"]["team"][0]
    outsider = team(city)[:2] + [{"person_id": city.people["west_operator"].id, "role": "operator"}]
    r = apply(client, city, team=outsider)
    assert "不属于本单位" in r.json["errors"]["team"][0]


def test_a_leader_account_needs_county_rank(client, city):
    r = apply(client, city, kind="leader", owner_id=city.people["dept_principal_leader"].id, name="东湖教育局长")
    assert r.status_code == 422 and "县处级" in r.json["errors"]["owner_id"][0]
    r = client.post("/api/accounts", headers=city.headers("east_operator"), json={
        **application(city, team=None), "kind": "leader", "name": "东湖区林峰", "owner_id": city.people["east_leader"].id,
        "team": [{"person_id": city.people["east_leader"].id, "role": "leader_in_charge"},
                 {"person_id": city.people["east_principal"].id, "role": "responsible_office"},
                 {"person_id": city.people["east_operator"].id, "role": "operator"}]})
    assert r.status_code == 201, r.json


def test_an_official_account_names_its_official_and_walks_the_institutional_path(client, city):
    """公务人员微博 (X7, X15): the official is named, of the unit or below, any rank; then the same
    approval and filing as an institutional account."""
    r = apply(client, city, kind="official", name="东湖教育马丽")
    assert r.status_code == 422 and "本人" in r.json["errors"]["owner_id"][0]
    r = apply(client, city, kind="official", name="东湖教育马丽", owner_id=city.people["west_operator"].id)
    assert r.status_code == 422 and "不属于本单位" in r.json["errors"]["owner_id"][0]
    assert Account.select().count() == 0
    r = apply(client, city, kind="official", name="东湖教育马丽", owner_id=city.people["dept_operator"].id)
    assert r.status_code == 201, r.json
    assert (r.json["status"], r.json["kind"]) == ("applied", "official")  # not merely declared, as a private one
    aid = r.json["id"]
    assert client.post(f"/api/accounts/{aid}/actions/approve", json={},
                       headers=city.headers("dept_principal_leader")).json["status"] == "filing"
    assert client.post(f"/api/accounts/{aid}/actions/acknowledge_filing", json={},
                       headers=city.headers("east_leader")).json["status"] == "filed"


@pytest.mark.parametrize("profile,word", [("东湖区教育体育局办公室主任", "主任"), ("分管宣传工作", "分管"),
                                          ("就职于东湖区教育体育局", "东湖区教育体育局")])
def test_a_private_account_profile_names_no_unit_post_or_duty(client, city, profile, word):
    body = {"name": "小马的微博", "kind": "private", "owner_id": city.people["dept_operator"].id,
            "platforms": ["sina"], "profile": profile}
    r = client.post("/api/accounts", json=body, headers=city.headers("dept_operator"))
    assert r.status_code == 422 and word in r.json["errors"]["profile"][0]
    body["profile"] = "喜欢读书和跑步"
    r = client.post("/api/accounts", json=body, headers=city.headers("dept_operator"))
    assert r.status_code == 201 and r.json["status"] == "declared"


def test_one_account_per_unit_per_platform_unless_the_superior_approves(client, city):
    assert apply(client, city).status_code == 201
    r = apply(client, city, name="东湖教育服务", platforms=["sina"])
    assert r.status_code == 422 and "例外理由" in r.json["errors"]["platforms"][0]
    r = apply(client, city, name="东湖教育服务", platforms=["sina"], exception_reason="招生考试服务")
    assert r.status_code == 201
    aid = r.json["id"]
    client.post(f"/api/accounts/{aid}/actions/approve", json={}, headers=city.headers("dept_principal_leader"))
    r = client.post(f"/api/accounts/{aid}/actions/acknowledge_filing", json={}, headers=city.headers("east_leader"))
    assert r.json["exception_approved"] is True
    assert "同意例外开设" in r.json["steps"][-1]["detail"]


def test_an_applicant_applies_for_their_own_unit_only(client, city):
    r = apply(client, city, unit_id=city.units["west"].id)
    assert r.status_code == 422 and "本人所在单位" in r.json["errors"]["unit_id"][0]

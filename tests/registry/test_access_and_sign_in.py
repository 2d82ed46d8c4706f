"""Who sees what; sign-in; the security record that never holds a password."""
import datetime as dt

from tests.registry.conftest import PASSWORD, application


def test_a_person_of_one_county_cannot_see_or_change_another_countys_accounts(client, city):
    r = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator"))
    aid = r.json["id"]
    assert client.get("/api/accounts", headers=city.headers("west_leader")).json == []
    assert client.get(f"/api/accounts/{aid}", headers=city.headers("west_leader")).status_code == 404
    assert client.post(f"/api/accounts/{aid}/actions/withdraw", json={},
                       headers=city.headers("west_operator")).status_code == 404
    assert [a["id"] for a in client.get("/api/accounts", headers=city.headers("east_leader")).json] == [aid]
    assert [a["id"] for a in client.get("/api/accounts", headers=city.headers("office")).json] == [aid]


def test_people_are_listed_within_the_callers_subtree(client, city):
    names = {p["username"] for p in client.get("/api/people", headers=city.headers("east_leader")).json}
    assert "dept_operator" in names and "west_leader" not in names
    assert all("password" not in p for p in client.get("/api/people", headers=city.headers("office")).json)


def test_sign_in_gives_a_token_that_every_service_accepts(client, city):
    r = client.post("/api/auth/sign-in", json={"username": "dept_operator", "password": PASSWORD})
    assert r.status_code == 200
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json['token']}"}).json
    assert me["username"] == "dept_operator" and me["roles"] == ["operator"] and me["unit_name"] == "东湖区教育体育局"


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client, city):
    a = client.post("/api/auth/sign-in", json={"username": "east_leader", "password": "wrong"})
    b = client.post("/api/auth/sign-in", json={"username": "nobody", "password": "wrong"})
    assert a.status_code == b.status_code == 401 and a.json["detail"] == b.json["detail"]


def test_sign_in_attempts_are_rate_limited_per_name_from_one_address(client, city):
    codes = [client.post("/api/auth/sign-in", json={"username": "west_operator", "password": "x"}).status_code
             for _ in range(6)]
    assert codes == [401] * 3 + [422] * 2 + [429]  # the third failure asks a captcha; the sixth try waits
    r = client.post("/api/auth/sign-in", json={"username": "west_operator", "password": PASSWORD})
    assert r.status_code == 429  # from this address, even the right password waits: the name is being guessed here


def test_the_security_record_refuses_a_password_and_keeps_the_rest(client, city):
    aid = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator")).json["id"]
    body = {"credential_holder_id": city.people["dept_responsible_office"].id,
            "devices": [{"name": "办公室iPad", "kind": "tablet"}], "password_changed_at": "2026-11-01T09:00:00+08:00"}
    r = client.put(f"/api/accounts/{aid}/security", json={**body, "password": "weibo123"}, headers=city.headers("dept_operator"))
    assert r.status_code == 422 and "password" in r.json["errors"]
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat()
    r = client.put(f"/api/accounts/{aid}/security", json={**body, "password_changed_at": future},
                   headers=city.headers("dept_operator"))
    assert r.status_code == 422 and "password_changed_at" in r.json["errors"]
    r = client.put(f"/api/accounts/{aid}/security", json=body, headers=city.headers("dept_operator"))
    assert r.status_code == 200
    shown = r.json["security"]
    assert {k: shown[k] for k in ("credential_holder", "devices", "password_changed_at")} == {
        "credential_holder": "dept_responsible_office", "devices": [{"name": "办公室iPad", "kind": "tablet"}],
        "password_changed_at": "2026-11-01T01:00:00+00:00"}
    assert shown["credential_holder_id"] == city.people["dept_responsible_office"].id


def test_the_public_hall_needs_no_sign_in_and_shows_only_active_accounts(client, city):
    aid = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator")).json["id"]
    assert client.get("/api/hall").json == []
    for who, action, body in [("dept_principal_leader", "approve", {}), ("east_leader", "acknowledge_filing", {}),
                              ("dept_operator", "register_platform", {"platform": "sina", "handle": "东湖教育", "url": "https://weibo.com/a"}),
                              ("dept_operator", "register_platform", {"platform": "tencent", "handle": "东湖教育", "url": "https://t.qq.com/a"}),
                              ("dept_operator", "activate", {})]:
        client.post(f"/api/accounts/{aid}/actions/{action}", json=body, headers=city.headers(who))
    by_region = client.get("/api/hall").json
    assert by_region[0]["group"] == "东湖区" and by_region[0]["name"] == "东湖教育"
    assert {p["platform_name"] for p in by_region[0]["platforms"]} == {"新浪网", "腾讯网"}
    assert client.get("/api/hall?group=system").json[0]["group"] == "教育系统"
    assert client.get("/api/hall/groups").json == [{"group": "东湖区", "count": 1}]
    assert client.get("/api/hall/groups?group=system").json == [{"group": "教育系统", "count": 1}]
    assert [a["name"] for a in client.get("/api/hall?key=东湖区").json] == ["东湖教育"]
    assert client.get("/api/hall?key=西湖区").json == [] and client.get("/api/hall?q=西湖").json == []
    assert [a["name"] for a in client.get("/api/hall?q=东湖").json] == ["东湖教育"]
    assert client.get("/api/hall?group=nonsense").status_code == 422


def test_each_unit_falls_in_its_system_for_the_hall():
    from govmb.systems import system_of
    from services.registry.models import Unit
    for name, kind, system in (("南昌市人民政府新闻办公室", "office", "新闻宣传系统"), ("南昌市民政局", "department", "民政系统"),
                               ("东湖区教育体育局", "department", "教育系统"), ("东湖区", "district", "政府系统"),
                               ("南昌市档案馆", "department", "其他")):
        assert system_of(Unit(name=name, kind=kind)) == system, name


def test_production_mode_refuses_the_demo_password(tmp_path, city):
    from dataclasses import replace

    from govmb.service import create_service_app
    from services.registry.app import SPEC
    from services.registry.models import Person
    from services.registry.people import DEMO_PASSWORD, hash_password
    Person.update(password_hash=hash_password(DEMO_PASSWORD)).where(Person.username == "east_leader").execute()
    from tests.system import settings_for
    settings = settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}")
    embedded = create_service_app(SPEC, settings).test_client()
    production = create_service_app(SPEC, replace(settings, mode="production")).test_client()
    body = {"username": "east_leader", "password": DEMO_PASSWORD}
    assert embedded.post("/api/auth/sign-in", json=body).status_code == 200
    assert production.post("/api/auth/sign-in", json=body).status_code == 401

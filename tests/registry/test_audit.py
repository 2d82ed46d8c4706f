"""The registry's audit trail: every account step, unit, person and client system change
leaves exactly one row naming who did it; a refused action leaves none; only the city-wide
roles read it, and nobody can change it."""
import datetime as dt

import peewee
import pytest

from govmb.timefmt import beijing_today
from services.registry.models import Account, AccountStep, audit
from tests.conftest import audit_trail, auth
from tests.registry.conftest import application
from tests.registry.test_account_life import act

SUPERVISION = auth(1, "/1/", "supervision", person=900)
ADMIN = auth(1, "/1/", "admin", person=901)
AUDITOR = auth(1, "/1/", "audit_admin", person=902)


def office_reads(client, city, **params):
    return audit_trail(client, city.headers("office"), **params)


def test_each_step_of_an_account_leaves_one_row_naming_who_took_it(client, city):
    r = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator"))
    aid = r.json["id"]
    steps = [("dept_principal_leader", "return", {"comment": "工作方案缺少值班安排"}),
             ("dept_operator", "resubmit", {}),
             ("dept_principal_leader", "approve", {}),
             ("east_leader", "acknowledge_filing", {}),
             ("dept_operator", "register_platform", {"platform": "sina", "handle": "东湖教育", "url": "https://weibo.com/d"}),
             ("dept_operator", "register_platform", {"platform": "tencent", "handle": "东湖教育", "url": "https://t.qq.com/d"}),
             ("dept_operator", "activate", {}),
             ("dept_operator", "request_close", {"reason": "职能调整"}),
             ("dept_principal_leader", "approve_close", {})]
    for who, action, body in steps:
        before = office_reads(client, city, subject_type="account", subject_id=aid)
        assert act(client, city, who, aid, action, **body).status_code == 200, action
        after = office_reads(client, city, subject_type="account", subject_id=aid)
        assert len(after) == len(before) + 1, action
        row, person = after[0], city.people[who]
        assert (row["action"], row["actor_id"], row["actor_name"]) == (f"account.{action}", person.id, who)
        assert row["actor_unit_name"] == person.unit.name and row["actor_roles"] == sorted(person.role_set)
        assert row["subject_name"] == "东湖教育" and row["unit_name"] == "东湖区教育体育局"
        assert row["unit_path"] == city.units["dept"].path and row["at"].endswith("+08:00")
    rows = office_reads(client, city, subject_type="account", subject_id=aid)
    assert [r["action"] for r in reversed(rows)] == ["account.apply"] + [f"account.{s[1]}" for s in steps]
    returned = next(r for r in rows if r["action"] == "account.return")
    assert returned["detail"] == "待主要领导审批 → 主要领导退回；意见：工作方案缺少值班安排"
    assert returned["action_name"] == "账号：主要领导退回" and returned["subject_type_name"] == "账号"
    filed = next(r for r in rows if r["action"] == "account.acknowledge_filing")
    assert filed["detail"] == "报上级备案中 → 已备案，待平台注册" and filed["actor_unit_name"] == "东湖区"
    assert len(rows) == AccountStep.select().where(AccountStep.account == aid).count()  # one row per recorded step


@pytest.mark.parametrize("who,action,body,code", [
    ("dept_principal_leader", "return", {}, 422),  # a return without its reason
    ("dept_operator", "approve", {}, 403),  # an operator does not approve
    ("west_leader", "approve", {}, 404),  # another district does not even see it
    ("east_leader", "acknowledge_filing", {}, 409),  # filing before approval
])
def test_a_refused_step_leaves_no_row(client, city, who, action, body, code):
    aid = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator")).json["id"]
    before = office_reads(client, city)
    assert act(client, city, who, aid, action, **body).status_code == code
    assert office_reads(client, city) == before


def test_a_step_whose_row_cannot_be_written_does_not_happen(client, city, monkeypatch):
    aid = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator")).json["id"]
    before = office_reads(client, city)

    def fail(*_row, **_fields):
        raise peewee.OperationalError("disk full")
    monkeypatch.setattr(audit.Entry, "insert", fail)
    assert act(client, city, "dept_principal_leader", aid, "approve").status_code == 503
    monkeypatch.undo()
    assert Account.get_by_id(aid).status == "applied"  # the approval rolled back with its row
    assert AccountStep.select().where(AccountStep.account == aid).count() == 1
    assert office_reads(client, city) == before


def test_units_people_and_client_systems_are_recorded_without_any_secret(client, city):
    office, dept = city.people["office"], city.units["dept"]
    r = client.post("/api/units", json={"name": "东湖区民政局", "kind": "department", "parent_id": city.units["east"].id},
                    headers=city.headers("office"))
    uid = r.json["id"]
    r = client.patch(f"/api/units/{uid}", json={"name": "西湖区民政局", "parent_id": city.units["west"].id},
                     headers=city.headers("office"))
    assert r.status_code == 200
    created, changed = office_reads(client, city, subject_type="unit", subject_id=uid)[::-1]
    assert (created["action"], created["actor_id"], created["detail"]) == ("unit.create", office.id, "上级单位：东湖区")
    assert (changed["action"], changed["actor_id"], changed["actor_name"]) == ("unit.update", office.id, "测试用户")
    assert changed["detail"] == "名称：东湖区民政局 → 西湖区民政局；上级单位：东湖区 → 西湖区"
    assert changed["unit_path"] == f"{city.units['west'].path}{uid}/"
    before = office_reads(client, city)
    taken = client.post("/api/units", json={"name": "东湖区教育体育局", "kind": "department",
                                            "parent_id": city.units["east"].id}, headers=city.headers("office"))
    assert taken.status_code == 422 and office_reads(client, city) == before  # refused: no row

    r = client.post("/api/people", headers=city.headers("office"),
                    json={"unit_id": dept.id, "name": "新同事", "username": "xin", "password": "S3cret-passw0rd",
                          "roles": ["operator"]})
    assert r.status_code == 201
    person = office_reads(client, city, action="person.create")
    assert [(p["subject_id"], p["subject_name"], p["actor_id"]) for p in person] == [(str(r.json["id"]), "新同事", office.id)]
    assert "用户名：xin" in person[0]["detail"] and "operator" in person[0]["detail"]

    r = client.post("/api/clients", json={"name": "12345热线", "unit_id": dept.id}, headers=ADMIN)
    secret, cid = r.json["client_secret"], r.json["id"]
    assert client.post(f"/api/clients/{cid}/revoke", headers=ADMIN).status_code == 200
    assert client.post(f"/api/clients/{cid}/revoke", headers=ADMIN).status_code == 409  # revoked once: one row
    rows = office_reads(client, city, subject_type="client_system", subject_id=cid)
    assert [(c["action"], c["actor_id"]) for c in rows] == [("client.revoke", 901), ("client.register", 901)]
    everything = str(office_reads(client, city))
    assert secret not in everything and "S3cret-passw0rd" not in everything and "argon2" not in everything


@pytest.mark.parametrize("who", ["dept_operator", "dept_principal_leader", "east_leader"])
def test_only_the_city_wide_roles_read_the_trail(client, city, who):
    assert client.get("/api/audit", headers=city.headers(who)).status_code == 403
    assert client.get("/api/audit").status_code == 401
    for reader in (city.headers("office"), SUPERVISION, AUDITOR):
        assert client.get("/api/audit", headers=reader).status_code == 200
    for administrator in ("admin", "security_admin"):  # 三员分立: the audit administrator reads the trail
        assert client.get("/api/audit", headers=auth(1, "/1/", administrator, person=903)).status_code == 403


def test_nobody_changes_the_trail_through_the_api(client, city):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/api/audit", json={}, headers=ADMIN).status_code == 405
    spec = client.get("/openapi.json").json["paths"]["/api/audit"]
    assert set(spec) == {"get"}
    assert {"action", "subject_type", "subject_id", "unit_id", "person_id", "from", "to", "page", "per_page"} <= {
        p["name"] for p in spec["get"]["parameters"]}


def test_the_trail_is_filtered_and_paged(client, city):
    for name in ("一", "二", "三"):
        client.post("/api/units", json={"name": f"东湖区{name}局", "kind": "department",
                                        "parent_id": city.units["east"].id}, headers=city.headers("office"))
    client.post("/api/units", json={"name": "西湖区一局", "kind": "department", "parent_id": city.units["west"].id},
                headers=city.headers("office"))
    east = office_reads(client, city, action="unit.create", unit_id=city.units["east"].id)
    assert {r["subject_name"] for r in east} == {"东湖区", "东湖区教育体育局", "东湖区一局", "东湖区二局", "东湖区三局"}
    mine = office_reads(client, city, person_id=city.people["office"].id)
    assert len(mine) == 4 and {r["actor_unit_name"] for r in mine} == {"南昌市人民政府新闻办公室"}
    assert {r["actor_name"] for r in office_reads(client, city, person_id=0)} == {"系统"}  # the fixture's units
    today = beijing_today()
    assert len(office_reads(client, city, **{"from": today.isoformat(), "to": today.isoformat()})) == len(
        office_reads(client, city))
    assert office_reads(client, city, to=(today - dt.timedelta(days=1)).isoformat()) == []
    page = client.get("/api/audit?action=unit.create&per_page=2&page=2", headers=city.headers("office")).json
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (9, 2, 2, 2)
    whole = office_reads(client, city, action="unit.create")
    assert [r["id"] for r in page["items"]] == [r["id"] for r in whole[2:4]]  # newest first, page by page


@pytest.mark.parametrize("query,field", [
    ("action=account.fly", "action"),
    ("subject_id=3", "subject_type"),
    ("from=2026-10-02&to=2026-10-01", "to"),
    ("from=2026-13-01", "from"),
    ("unit_id=99999", "unit_id"),
    ("per_page=1000", "per_page"),
    ("page=0", "page"),
])
def test_a_bad_filter_is_refused_naming_its_field(client, city, query, field):
    r = client.get(f"/api/audit?{query}", headers=city.headers("office"))
    assert r.status_code == 422 and field in r.json["errors"], r.json

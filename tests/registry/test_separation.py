"""Issue 15, 三员分立: a system administrator (units, people, configuration), a security
administrator (roles) and an audit administrator (reads the trail, changes nothing); none holds
two roles; only the security administrator grants roles, the joint-meeting office a unit's staff
roles only. The finding: the office created a person with admin, joint_office and supervision."""
from __future__ import annotations

import pytest

from govmb.domain import Conflict
from services.registry import people
from services.registry.models import Person
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.registry.test_sessions import bearer, sign_in

BODY = {"unit_id": 1, "name": "王明", "username": "wang_ming", "password": "Hqz-7rTm-wplk"}


def roles_of(username: str) -> set[str]:
    return set(Person.get(Person.username == username).role_set)


def put_roles(client, city, who: str, username: str, roles: list[str]):  # noqa: F811
    return client.put(f"/api/people/{city.people[username].id}/roles", headers=city.headers(who), json={"roles": roles})


@pytest.mark.parametrize("roles", [["admin", "joint_office", "supervision"], ["admin"], ["supervision"],
                                   ["joint_office"], ["security_admin"], ["audit_admin"]])
def test_the_office_grants_no_city_wide_or_administrator_role(client, city, roles):  # noqa: F811
    r = client.post("/api/people", headers=city.headers("office"), json={**BODY, "roles": roles})
    assert r.status_code == 403 and "安全管理员" in r.json["detail"]  # the finding: it made an administrator
    assert Person.get_or_none(Person.username == "wang_ming") is None


def test_the_office_grants_a_units_staff_roles(client, city):  # noqa: F811
    r = client.post("/api/people", headers=city.headers("office"), json={**BODY, "roles": ["operator", "leader"]})
    assert r.status_code == 201 and sorted(r.json["roles"]) == ["leader", "operator"]
    assert put_roles(client, city, "office", "east_operator", ["operator", "responsible_office"]).status_code == 200
    assert roles_of("east_operator") == {"operator", "responsible_office"}
    assert put_roles(client, city, "office", "east_operator", ["supervision"]).status_code == 403
    assert put_roles(client, city, "office", "auditor", ["operator"]).status_code == 403  # takes no role away either
    assert roles_of("auditor") == {"audit_admin"}


def test_the_system_administrator_creates_people_without_roles_which_open_nothing(client, city):  # noqa: F811
    admin = city.headers("admin")
    assert client.post("/api/people", headers=admin, json={**BODY, "roles": ["operator"]}).status_code == 403
    r = client.post("/api/people", headers=admin, json=BODY)
    assert r.status_code == 201 and r.json["roles"] == []
    body = sign_in(client, "wang_ming", BODY["password"])
    assert body["person"]["roles"] == []
    assert client.get("/api/accounts", headers=bearer(body)).status_code == 403
    assert client.get("/api/auth/me", headers=bearer(body)).status_code == 200  # but knows who they are


def test_the_security_administrator_grants_every_role_and_the_trail_says_who_to_whom(client, city):  # noqa: F811
    r = put_roles(client, city, "security", "east_operator", ["supervision"])
    assert r.status_code == 200 and r.json["roles"] == ["supervision"]
    assert put_roles(client, city, "security", "west_operator", ["audit_admin"]).status_code == 200
    rows = client.get("/api/audit?action=role.change", headers=city.headers("auditor")).json["items"]
    assert [(e["subject_name"], e["actor_id"]) for e in rows] == [
        ("west_operator", city.people["security"].id), ("east_operator", city.people["security"].id)]
    assert rows[1]["detail"] == "用户名：east_operator；角色：operator → supervision"
    office = client.get("/api/audit?action=role.change", headers=city.headers("office"))
    assert office.status_code == 200 and office.json["items"] == []  # security events: the audit administrator's


@pytest.mark.parametrize("roles", [["admin", "leader"], ["security_admin", "audit_admin"], ["audit_admin", "operator"],
                                   ["admin", "security_admin"]])
def test_nobody_holds_an_administrators_role_with_another(client, city, roles):  # noqa: F811
    r = put_roles(client, city, "security", "east_operator", roles)
    assert r.status_code == 422 and list(r.json["errors"]) == ["roles"] and "三员分立" in r.json["errors"]["roles"][0]
    assert roles_of("east_operator") == {"operator"}


def test_nobody_changes_their_own_roles(client, city):  # noqa: F811
    assert put_roles(client, city, "security", "security", ["security_admin", "supervision"]).status_code == 403
    assert put_roles(client, city, "security", "security", ["supervision"]).status_code == 403
    assert roles_of("security") == {"security_admin"}


@pytest.mark.parametrize("who", ["admin", "auditor", "dept_principal_leader", "east_leader"])
def test_only_the_security_administrator_and_the_office_reach_the_roles(client, city, who):  # noqa: F811
    assert put_roles(client, city, who, "east_operator", ["leader"]).status_code == 403
    assert roles_of("east_operator") == {"operator"}


def test_a_withdrawn_role_ends_the_persons_sessions_at_once(client, city):  # noqa: F811
    body = sign_in(client, "east_operator", PASSWORD)
    assert client.get("/api/accounts", headers=bearer(body)).status_code == 200
    assert put_roles(client, city, "security", "east_operator", ["operator", "leader"]).status_code == 200
    assert client.get("/api/accounts", headers=bearer(body)).status_code == 200  # a grant ends nothing
    assert put_roles(client, city, "security", "east_operator", ["leader"]).status_code == 200
    assert client.get("/api/accounts", headers=bearer(body)).status_code == 401
    ended = client.get("/api/audit?action=session.roles", headers=city.headers("auditor")).json["items"]
    assert [e["subject_name"] for e in ended] == ["east_operator"]


@pytest.mark.parametrize("who", ["security", "auditor"])
def test_the_security_and_audit_administrators_reach_only_their_own_work(client, city, who):  # noqa: F811
    h = city.headers(who)
    assert client.get("/api/accounts", headers=h).status_code == 403
    assert client.get("/api/units/1", headers=h).status_code == 200  # the unit tree, for their filters
    assert client.post("/api/units", headers=h, json={"name": "新区", "kind": "district", "parent_id": 1}).status_code == 403
    target = city.people["east_operator"].id
    assert client.put(f"/api/people/{target}/password", headers=h, json={"password": "Hqz-7rTm-wplk2"}).status_code == 403
    assert client.put(f"/api/people/{target}/active", headers=h, json={"active": False}).status_code == 403
    assert client.get("/api/audit", headers=h).status_code == (200 if who == "auditor" else 403)
    assert client.get("/api/people", headers=h).status_code == (200 if who == "security" else 403)


def test_a_grant_made_meanwhile_is_not_overwritten_unseen(app, city):  # noqa: F811
    """The review's finding: the roles read before the update were not those the update replaced.
    The office's request read east_operator's roles; the security administrator then granted one."""
    stale = Person.get_by_id(city.people["east_operator"].id)  # what the office's request read
    Person.update(roles="operator,supervision").where(Person.id == stale.id).execute()  # meanwhile
    office = people.identity_of(city.people["office"])
    with pytest.raises(Conflict):
        people.set_roles(stale, ["operator", "leader"], office, app.config["GOVMB_SETTINGS"])
    assert roles_of("east_operator") == {"operator", "supervision"}

"""Issue 15, passwords: a policy (length, kinds of characters, not common, not the user name),
changing one's own, the administrator's reset that forces a change, expiry, no reuse of the
last five."""
from __future__ import annotations

import datetime as dt

import pytest

from services.registry.models import Person, audit
from tests.conftest import auth
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.registry.test_sessions import bearer, inquiry, sign_in  # noqa: F401

ADMIN = auth(1, "/1/", "admin", person=9999)
OFFICE = auth(1, "/1/", "joint_office", person=9998)


def new_person(client, password, username="wang_ming"):  # noqa: F811
    return client.post("/api/people", headers=OFFICE, json={
        "unit_id": 1, "name": "王明", "username": username, "password": password, "roles": ["operator"]})


@pytest.mark.parametrize("weak", ["12345678", "password", "aaaaaaaa", "P@ssw0rd", "Qwer1234!", "Password1!",
                                  "abcdefgh12", "wang_ming-Xq9!", "demo2026", "Short1!"])
def test_weak_passwords_are_refused_naming_the_field(client, city, weak):  # noqa: F811
    r = new_person(client, weak)
    assert r.status_code == 422 and list(r.json["errors"]) == ["password"], r.json
    assert Person.get_or_none(Person.username == "wang_ming") is None


@pytest.mark.parametrize("good", ["Hqz-7rTm-wplk", "晨光-Kx93-清风", "correct-horse-1"])
def test_a_strong_password_is_taken(client, city, good):  # noqa: F811
    assert new_person(client, good).status_code == 201


def change(client, body, current, new):  # noqa: F811
    return client.post("/api/auth/password", headers=bearer(body), json={"current_password": current,
                                                                         "new_password": new})


def test_changing_ones_own_password_ends_the_other_sign_ins_and_keeps_this_one(client, inquiry, city):  # noqa: F811
    here, elsewhere = sign_in(client), sign_in(client)
    assert change(client, here, "wrong-Password-9", "Hqz-7rTm-wplk").status_code == 401
    weak = change(client, here, PASSWORD, "Password1!")
    assert weak.status_code == 422 and list(weak.json["errors"]) == ["new_password"]
    r = change(client, here, PASSWORD, "Hqz-7rTm-wplk")
    assert r.status_code == 200
    assert client.get("/api/auth/me", headers=bearer(here)).status_code == 200  # this session goes on
    assert client.get("/api/auth/me", headers=bearer(elsewhere)).status_code == 401  # the others end
    assert client.post("/api/auth/sign-in", json={"username": "dept_operator", "password": PASSWORD}).status_code == 401
    sign_in(client, password="Hqz-7rTm-wplk")
    person = city.people["dept_operator"]
    assert audit.Entry.select().where(audit.Entry.action == "person.password_change",
                                      audit.Entry.subject_id == person.id).count() == 1


def test_none_of_the_last_five_passwords_may_come_back(client, city):  # noqa: F811
    body = sign_in(client)
    used = [PASSWORD] + [f"Hqz-7rTm-wpl{c}" for c in "abcde"]
    for old, new in zip(used, used[1:]):
        assert change(client, body, old, new).status_code == 200
    for recent in used[1:]:  # the current one and the four before it
        r = change(client, body, used[-1], recent)
        assert r.status_code == 422 and "最近 5 次" in r.json["errors"]["new_password"][0], recent
    assert change(client, body, used[-1], used[0]).status_code == 200  # six changes ago: allowed again


def test_a_reset_password_must_be_changed_before_anything_else(client, inquiry, city):  # noqa: F811
    person = city.people["east_operator"]
    before = sign_in(client, "east_operator")
    r = client.put(f"/api/people/{person.id}/password", headers=ADMIN, json={"password": "Temp-4821-Reset"})
    assert r.status_code == 200
    assert client.get("/api/auth/me", headers=bearer(before)).status_code == 401  # every session ended
    body = sign_in(client, "east_operator", "Temp-4821-Reset")
    assert body["password_change"] == "reset"
    assert client.get("/api/units", headers=bearer(body)).status_code == 403  # the token opens nothing
    assert inquiry.get("/api/messages", headers=bearer(body)).status_code == 403
    renewed = change(client, body, "Temp-4821-Reset", "Own-7391-pass")
    assert renewed.status_code == 200
    assert client.get("/api/units", headers={"Authorization": f"Bearer {renewed.json['token']}"}).status_code == 200
    assert sign_in(client, "east_operator", "Own-7391-pass")["password_change"] is None
    assert client.put(f"/api/people/{person.id}/password", headers=city.headers("office"),
                      json={"password": "Temp-4821-Reset"}).status_code == 403  # the administrator's alone


def test_a_password_older_than_its_age_must_be_changed(client, city):  # noqa: F811
    person = Person.get(Person.username == "dept_operator")
    Person.update(password_changed_at=person.password_changed_at - dt.timedelta(days=91)).where(
        Person.id == person.id).execute()
    body = sign_in(client)
    assert body["password_change"] == "expired"
    assert client.get("/api/units", headers=bearer(body)).status_code == 403
    assert change(client, body, PASSWORD, "Hqz-7rTm-wplk").status_code == 200
    assert sign_in(client, password="Hqz-7rTm-wplk")["password_change"] is None


def test_a_person_who_must_change_their_password_can_still_sign_out(client, city):  # noqa: F811
    person = city.people["east_operator"]
    client.put(f"/api/people/{person.id}/password", headers=ADMIN, json={"password": "Temp-4821-Reset"})
    body = sign_in(client, "east_operator", "Temp-4821-Reset")
    assert client.get("/api/auth/sessions", headers=bearer(body)).status_code == 200
    assert client.post("/api/auth/sign-out", headers=bearer(body)).json == {"ended": 1}

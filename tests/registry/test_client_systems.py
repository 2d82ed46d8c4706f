"""Client systems: registered by the administrator for a subtree, a secret shown once and
kept as an Argon2 hash, exchanged for a short-lived intake token; wrong secrets rate-limited
like sign-in; a revoked system gets no token."""
from govmb.auth import read_token
from govmb.config import Settings
from services.registry.models import ClientSystem, Person
from tests.conftest import auth
from tests.inquiry.conftest import inquiry_app
from tests.keys import KEYS

ADMIN = auth(1, "/1/", "admin", person=1)


def register(client, city, name="12345热线", unit="east", headers=ADMIN):
    return client.post("/api/clients", json={"name": name, "unit_id": city.units[unit].id}, headers=headers)


def exchange(client, client_id, secret):
    return client.post("/api/auth/token", json={"client_id": client_id, "client_secret": secret})


def test_the_secret_is_shown_once_and_kept_only_as_an_argon2_hash(client, city):
    r = register(client, city)
    assert r.status_code == 201, r.json
    created = r.json
    assert created["client_id"].startswith("cs-") and len(created["client_secret"]) >= 40
    assert created["unit_name"] == "东湖区" and created["roles"] == ["intake"] and created["active"] is True
    row = ClientSystem.get_by_id(created["id"])
    assert row.secret_hash.startswith("$argon2id$") and created["client_secret"] not in row.secret_hash
    listed = client.get("/api/clients", headers=ADMIN).json
    assert [c["client_id"] for c in listed] == [created["client_id"]]
    assert all("client_secret" not in c and "secret_hash" not in c for c in listed)
    assert "client_secret" not in client.get(f"/api/clients/{created['id']}", headers=ADMIN).json


def test_only_the_administrator_registers_lists_and_revokes(client, city):
    office = city.headers("office")  # the joint-meeting office: city-wide, yet not the administrator
    assert register(client, city, headers=office).status_code == 403
    assert client.get("/api/clients", headers=office).status_code == 403
    created = register(client, city).json
    assert client.post(f"/api/clients/{created['id']}/revoke", headers=office).status_code == 403
    assert client.get("/api/clients").status_code == 401
    bad = client.post("/api/clients", json={"name": " ", "unit_id": 999}, headers=ADMIN)
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"unit_id"}
    assert register(client, city, name="  ").json["errors"] == {"name": ["请填写系统名称，例如“12345 热线”"]}
    assert client.get("/api/clients/999", headers=ADMIN).status_code == 404


def test_the_secret_buys_a_short_lived_intake_token_for_the_subtree(client, city, monkeypatch):
    monkeypatch.setenv("CLIENT_TOKEN_TTL_SECONDS", "600")  # read once, at start-up, with the rest
    settings = Settings.from_env("registry")
    assert settings.client_token_ttl_seconds == 600
    client.application.config["GOVMB_SETTINGS"] = settings
    created = register(client, city).json
    r = exchange(client, created["client_id"], created["client_secret"])
    assert r.status_code == 200, r.json
    assert r.json["token_type"] == "Bearer" and r.json["expires_in"] == 600 and r.json["roles"] == ["intake"]
    who = read_token(r.json["token"], KEYS)
    assert who.roles == frozenset({"intake"}) and who.person_id == 0 and who.name == "12345热线"
    assert (who.unit_id, who.unit_path, who.client) == (city.units["east"].id, city.units["east"].path,
                                                         f"system:{created['id']}")
    assert client.get(f"/api/clients/{created['id']}", headers=ADMIN).json["last_token_at"]
    # the token is a system's: the registry's own routes refuse it (sign-in aside, which needs none)
    headers = {"Authorization": f"Bearer {r.json['token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 403
    assert client.get("/api/units", headers=headers).status_code == 403


def test_a_wrong_secret_and_an_unknown_id_get_the_same_answer_and_are_rate_limited(client, city):
    created = register(client, city).json
    a = exchange(client, created["client_id"], "wrong")
    b = exchange(client, "cs-nobody", "wrong")
    assert a.status_code == b.status_code == 401 and a.json["detail"] == b.json["detail"] == "客户端标识或密钥不正确"
    codes = [exchange(client, created["client_id"], "wrong").status_code for _ in range(5)]
    assert codes == [401] * 4 + [429]  # five tries a minute, as for sign-in
    assert exchange(client, created["client_id"], created["client_secret"]).status_code == 429  # guessed at: it waits
    assert exchange(client, "cs-another", "wrong").status_code == 401  # another id is not held up


def test_a_revoked_client_system_gets_no_token(client, city):
    created = register(client, city).json
    r = client.post(f"/api/clients/{created['id']}/revoke", headers=ADMIN)
    assert r.status_code == 200 and r.json["active"] is False and r.json["revoked_by"] == "测试用户"
    refused = exchange(client, created["client_id"], created["client_secret"])
    assert refused.status_code == 401 and "撤销" in refused.json["detail"]
    assert client.post(f"/api/clients/{created['id']}/revoke", headers=ADMIN).status_code == 409


def test_a_person_cannot_be_given_the_intake_role(client, city):
    r = client.post("/api/people", headers=ADMIN, json={"unit_id": city.units["east"].id, "name": "甲", "username": "jia",
                                                        "password": "pass-word-1", "roles": ["intake"]})
    assert r.status_code == 422 and "roles" in r.json["errors"]
    assert not Person.select().where(Person.username == "jia").exists()


def test_the_registrys_token_posts_a_message_into_the_subtree_in_inquiry(client, city, tmp_path):
    """The whole way: registered in the registry, a token from it, a message into inquiry
    (the same unit ids as the inquiry tests' accounts: 东湖区 3, its department 4, 西湖区 5)."""
    assert (city.units["east"].id, city.units["dept"].id, city.units["west"].id) == (3, 4, 5)
    created = register(client, city).json
    token = exchange(client, created["client_id"], created["client_secret"]).json["token"]
    inquiry = inquiry_app(tmp_path).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"account_id": 1, "kind": "private", "citizen_handle": "来电市民", "text": "反映小区噪音扰民。"}
    inside = inquiry.post("/api/intake/messages", json=body, headers=headers)
    assert inside.status_code == 201 and inside.json["source"] == "api"
    outside = inquiry.post("/api/intake/messages", json={**body, "account_id": 3}, headers=headers)
    assert outside.status_code == 422 and "account_id" in outside.json["errors"]
    assert inquiry.get("/api/messages", headers=headers).status_code == 403

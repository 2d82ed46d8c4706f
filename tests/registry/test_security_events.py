"""Issue 15's finding "No security events in the audit trail: sign-ins, failures, sign-outs, role
and password changes … are not recorded": each is now a row of the registry's trail, with the
address and the browser where a sign-in is concerned, read by the audit administrator alone."""
from __future__ import annotations

from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.registry.test_sessions import bearer

BROWSER = "Mozilla/5.0 (Windows NT 10.0) 审计测试"


def rows(client, city, action=None):  # noqa: F811
    r = client.get("/api/audit", query_string={"action": action} if action else {"per_page": 200},
                   headers=city.headers("auditor"))
    assert r.status_code == 200
    return r.json["items"]


def sign_in(client, username, password, address):  # noqa: F811
    return client.post("/api/auth/sign-in", json={"username": username, "password": password},
                       headers={"User-Agent": BROWSER}, environ_base={"REMOTE_ADDR": address})


def test_sign_ins_failures_sign_outs_and_changes_are_in_the_trail(client, city):  # noqa: F811
    assert sign_in(client, "east_operator", "wrong-password", "198.51.100.7").status_code == 401
    assert sign_in(client, "nobody_at_all", "wrong-password", "198.51.100.8").status_code == 401
    body = sign_in(client, "east_operator", PASSWORD, "198.51.100.9").json
    failed = {r["subject_name"]: r for r in rows(client, city, "signin.failure")}
    assert set(failed) == {"east_operator", "（不存在的用户名）"}  # what was typed for a name that is nobody's: not kept
    assert "地址：198.51.100.7" in failed["east_operator"]["detail"] and BROWSER in failed["east_operator"]["detail"]
    assert failed["east_operator"]["subject_id"] == str(city.people["east_operator"].id)
    assert failed["（不存在的用户名）"]["subject_id"] == "0" and "nobody_at_all" not in str(failed)
    [ok] = rows(client, city, "signin.success")
    assert ok["actor_name"] == "east_operator" and "地址：198.51.100.9" in ok["detail"] and BROWSER in ok["detail"]

    changed = client.post("/api/auth/password", headers=bearer(body),
                          json={"current_password": PASSWORD, "new_password": "Hqz-7rTm-wplk-2"})
    assert changed.status_code == 200
    assert client.post("/api/auth/sign-out", headers={"Authorization": f"Bearer {changed.json['token']}"}).json == {
        "ended": 1}
    assert [r["subject_name"] for r in rows(client, city, "person.password_change")] == ["east_operator"]
    assert [r["subject_name"] for r in rows(client, city, "session.sign_out")] == ["east_operator"]

    assert client.put(f"/api/people/{city.people['west_operator'].id}/roles", headers=city.headers("security"),
                      json={"roles": ["leader"]}).status_code == 200
    assert [r["subject_name"] for r in rows(client, city, "role.change")] == ["west_operator"]
    everything = str(rows(client, city))  # no row holds a password
    assert PASSWORD not in everything and "Hqz-7rTm-wplk-2" not in everything and "wrong-password" not in everything


def test_the_security_events_are_the_audit_administrators_to_read(client, city):  # noqa: F811
    sign_in(client, "east_operator", "wrong-password", "198.51.100.7")
    assert client.get("/api/audit?action=signin.failure", headers=city.headers("office")).json["items"] == []
    assert len(rows(client, city, "signin.failure")) == 1

"""Issue 15, sessions: a person's token lives minutes and is renewed through the sign-in session;
sign-out, sign-out everywhere, idle and absolute timeouts and disabling a person end it, and its
tokens are refused at once by every service (here: the registry and inquiry, sharing the
process's revocation store as the embedded mode does)."""
from __future__ import annotations

import datetime as dt

import pytest

from govmb.auth import read_token
from services.registry.models import Person, SignInSession, audit
from tests.conftest import auth
from tests.keys import VERIFYING
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.system import migrated_app, settings_for


@pytest.fixture
def inquiry(tmp_path):
    return migrated_app("inquiry", settings_for("inquiry", f"sqlite:///{tmp_path / 'inquiry.db'}")).test_client()


def sign_in(client, username="dept_operator", password=PASSWORD):  # noqa: F811
    r = client.post("/api/auth/sign-in", json={"username": username, "password": password},
                    headers={"User-Agent": "Mozilla/5.0 测试浏览器"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json


def bearer(body: dict) -> dict:
    return {"Authorization": f"Bearer {body['token']}"}


def opens(client, inquiry, body) -> tuple[int, int]:  # noqa: F811
    """What the registry and another service answer the token: 200 while the session lasts."""
    return (client.get("/api/auth/me", headers=bearer(body)).status_code,
            inquiry.get("/api/messages", headers=bearer(body)).status_code)


def test_sign_in_gives_a_short_token_of_a_session_and_a_refresh_secret_that_renews_it(client, city):  # noqa: F811
    body = sign_in(client)
    assert body["expires_in"] == 300 and len(body["refresh"]) >= 40
    who = read_token(body["token"], VERIFYING)
    assert who.session == body["session"] and who.person_id == city.people["dept_operator"].id
    row = SignInSession.get_by_id(body["session"])
    assert row.refresh_hash != body["refresh"] and body["refresh"] not in row.refresh_hash  # only its hash is kept
    assert row.expires_at - row.created_at == dt.timedelta(hours=8) and row.user_agent == "Mozilla/5.0 测试浏览器"
    renewed = client.post("/api/auth/refresh", json={"refresh": body["refresh"]})
    assert renewed.status_code == 200 and read_token(renewed.json["token"], VERIFYING).session == body["session"]
    assert client.post("/api/auth/refresh", json={"refresh": "x" * 43}).status_code == 401


def test_sign_out_ends_the_session_in_every_service_at_once(client, inquiry, city):  # noqa: F811
    body, other = sign_in(client), sign_in(client)
    assert opens(client, inquiry, body) == (200, 200)
    assert client.post("/api/auth/sign-out", headers=bearer(body)).json == {"ended": 1}
    assert opens(client, inquiry, body) == (401, 401)  # the token has minutes left: refused all the same
    assert client.post("/api/auth/refresh", json={"refresh": body["refresh"]}).status_code == 401
    assert opens(client, inquiry, other) == (200, 200)  # the person's other sign-in goes on
    assert SignInSession.get_by_id(body["session"]).ended_reason == "sign_out"
    assert audit.Entry.select().where(audit.Entry.action == "session.sign_out").count() == 1


@pytest.mark.parametrize("field,moved,reason", [("last_seen_at", dt.timedelta(minutes=31), "idle"),
                                                ("expires_at", dt.timedelta(hours=8, minutes=1), "expired")])
def test_an_idle_or_too_old_session_is_not_renewed(client, inquiry, city, field, moved, reason):  # noqa: F811
    body = sign_in(client)
    row = SignInSession.get_by_id(body["session"])
    SignInSession.update({field: getattr(row, field) - moved}).where(SignInSession.sid == row.sid).execute()
    r = client.post("/api/auth/refresh", json={"refresh": body["refresh"]})
    assert r.status_code == 401 and ("长时间未操作" if reason == "idle" else "超过登录时限") in r.json["detail"]
    assert SignInSession.get_by_id(row.sid).ended_reason == reason
    assert opens(client, inquiry, body) == (401, 401)  # ended, so its last token is refused too


def test_a_session_used_within_the_idle_time_is_renewed_again_and_again(client, city):  # noqa: F811
    body = sign_in(client)
    for _ in range(3):
        row = SignInSession.get_by_id(body["session"])
        SignInSession.update(last_seen_at=row.last_seen_at - dt.timedelta(minutes=29)).where(
            SignInSession.sid == row.sid).execute()
        assert client.post("/api/auth/refresh", json={"refresh": body["refresh"]}).status_code == 200


def test_disabling_a_person_ends_their_sessions_and_keeps_them_out_until_enabled(client, inquiry, city):  # noqa: F811
    body = sign_in(client, "east_operator")
    person = city.people["east_operator"]
    admin = auth(1, "/1/", "admin", person=9999)
    assert client.put(f"/api/people/{person.id}/active", json={"active": False}, headers=city.headers("office")
                      ).status_code == 403  # the joint-meeting office may not
    r = client.put(f"/api/people/{person.id}/active", json={"active": False}, headers=admin)
    assert r.status_code == 200 and r.json["active"] is False
    assert opens(client, inquiry, body) == (401, 401)
    assert client.post("/api/auth/refresh", json={"refresh": body["refresh"]}).status_code == 401
    assert client.post("/api/auth/sign-in", json={"username": "east_operator", "password": PASSWORD}).status_code == 401
    assert client.put(f"/api/people/{person.id}/active", json={"active": True}, headers=admin).json["active"] is True
    assert opens(client, inquiry, sign_in(client, "east_operator")) == (200, 200)
    actions = [a for (a,) in audit.Entry.select(audit.Entry.action).where(audit.Entry.subject_id == person.id)
               .order_by(audit.Entry.id).tuples() if not a.startswith("signin.")]
    assert actions == ["person.disable", "session.disabled", "person.enable"]


def test_an_administrator_cannot_disable_themselves(client, city):  # noqa: F811
    me = Person.create(unit=city.units["city"], name="管理员", username="admin1", password_hash="x", roles="admin")
    r = client.put(f"/api/people/{me.id}/active", json={"active": False}, headers=auth(1, "/1/", "admin", person=me.id))
    assert r.status_code == 422 and "active" in r.json["errors"]


def test_a_person_sees_their_open_sessions_and_signs_out_everywhere(client, inquiry, city):  # noqa: F811
    first, second = sign_in(client), sign_in(client)
    sign_in(client, "east_operator")  # someone else's
    listed = client.get("/api/auth/sessions", headers=bearer(second)).json
    assert [s["session"] for s in listed] == [second["session"], first["session"]]
    assert [s["current"] for s in listed] == [True, False] and listed[0]["user_agent"] == "Mozilla/5.0 测试浏览器"
    assert client.post("/api/auth/sessions/end-all", headers=bearer(first)).json == {"ended": 2}
    assert opens(client, inquiry, first) == (401, 401) and opens(client, inquiry, second) == (401, 401)


def test_a_revoked_client_systems_token_is_refused_at_once(client, inquiry, city):  # noqa: F811
    admin = auth(1, "/1/", "admin")
    made = client.post("/api/clients", json={"name": "12345 热线", "unit_id": city.units["east"].id}, headers=admin).json
    token = client.post("/api/auth/token", json={"client_id": made["client_id"],
                                                 "client_secret": made["client_secret"]}).json["token"]
    message = {"account_id": 1, "citizen_handle": "市民", "text": "路灯坏了"}
    before = inquiry.post("/api/intake/messages", json=message, headers={"Authorization": f"Bearer {token}"})
    assert before.status_code != 401
    assert client.post(f"/api/clients/{made['id']}/revoke", headers=admin).status_code == 200
    after = inquiry.post("/api/intake/messages", json=message, headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401  # not 15 minutes later: now


def test_a_session_left_alone_is_ended_by_the_worker_and_the_trail_says_so(app, client, city):  # noqa: F811
    """The review's finding: a timeout was in the trail only when someone came back to renew."""
    import datetime as dt

    from services.registry import sessions
    from services.registry.models import SignInSession
    idle = sign_in(client, "east_operator")
    old = sign_in(client, "west_operator")
    fresh = sign_in(client, "dept_operator")
    settings = app.config["GOVMB_SETTINGS"]
    at = dt.datetime.utcnow()
    SignInSession.update(last_seen_at=at - dt.timedelta(seconds=settings.session_idle_seconds + 5)).where(
        SignInSession.sid == idle["session"]).execute()
    SignInSession.update(expires_at=at - dt.timedelta(seconds=1)).where(SignInSession.sid == old["session"]).execute()
    with app.app_context():
        assert sessions.end_timed_out(settings) == 2
        assert sessions.end_timed_out(settings) == 0  # safe to run again
    ended = {a: n for a, n in audit.Entry.select(audit.Entry.action, audit.Entry.subject_name)
             .where(audit.Entry.action.startswith("session.")).tuples()}
    assert ended == {"session.idle": "east_operator", "session.expired": "west_operator"}
    assert client.get("/api/auth/me", headers=bearer(idle)).status_code == 401  # revoked at once
    assert client.get("/api/auth/me", headers=bearer(fresh)).status_code == 200

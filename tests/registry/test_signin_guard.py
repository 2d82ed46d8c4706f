"""Issue 15, sign-in protection a stranger cannot turn into a lockout: limits per name and
address, a captcha after repeated failures under a name, every attempt recorded, a burst
reported to the audit trail."""
from __future__ import annotations

import datetime as dt

from services.registry import signin_guard
from services.registry.models import Captcha, SignInAttempt, audit
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)


def attempt(client, password, address, username="west_leader", **extra):  # noqa: F811
    return client.post("/api/auth/sign-in", json={"username": username, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": address}, headers={"User-Agent": "TestBrowser/1.0"})


def test_a_stranger_guessing_under_an_officials_name_does_not_lock_the_official_out(client, app, city):  # noqa: F811
    stranger = [attempt(client, "wrong-Guess-1", "203.0.113.9").status_code for _ in range(6)]
    assert stranger[:3] == [401, 401, 401] and stranger[-1] == 429  # stopped: that name from that address
    official = attempt(client, PASSWORD, "198.51.100.7")
    assert official.status_code == 422 and list(official.json["errors"]) == ["captcha_answer"]  # not 429
    shown = client.get("/api/auth/captcha?username=west_leader").json
    assert shown["required"] is True and shown["image"].startswith("data:image/png;base64,")
    with app.app_context():
        captcha_id, _png = signin_guard.new_captcha("K7QA")
    r = attempt(client, PASSWORD, "198.51.100.7", captcha_id=captcha_id, captcha_answer="k7qa")
    assert r.status_code == 200 and r.json["person"]["username"] == "west_leader"


def test_a_captcha_is_answered_once_and_only_in_time(client, app, city):  # noqa: F811
    for _ in range(3):
        attempt(client, "wrong-Guess-1", "203.0.113.10")
    with app.app_context():
        good, _ = signin_guard.new_captcha("K7QA")
        old, _ = signin_guard.new_captcha("PXMT")
        Captcha.update(expires_at=Captcha.get_by_id(old).expires_at - dt.timedelta(minutes=6)).where(
            Captcha.id == old).execute()
    wrong = attempt(client, PASSWORD, "198.51.100.8", captcha_id=good, captcha_answer="K7QB")
    assert wrong.status_code == 422 and "captcha_answer" in wrong.json["errors"]
    again = attempt(client, PASSWORD, "198.51.100.8", captcha_id=good, captcha_answer="K7QA")
    assert again.status_code == 422  # used up by the wrong answer
    late = attempt(client, PASSWORD, "198.51.100.8", captcha_id=old, captcha_answer="PXMT")
    assert late.status_code == 422
    assert client.get("/api/auth/captcha?username=east_leader").json == {"required": False}  # only that name


def test_every_attempt_is_recorded_with_its_address_and_browser(client, city):  # noqa: F811
    attempt(client, "wrong-Guess-1", "203.0.113.11", username="east_leader")
    attempt(client, PASSWORD, "203.0.113.12", username="east_leader")
    rows = [(a.username, a.address, a.user_agent, a.succeeded) for a in SignInAttempt.select().order_by(SignInAttempt.id)]
    assert rows == [("east_leader", "203.0.113.11", "TestBrowser/1.0", False),
                    ("east_leader", "203.0.113.12", "TestBrowser/1.0", True)]
    assert "wrong-Guess-1" not in str(rows) and PASSWORD not in str(rows)  # never a password


def test_a_burst_of_failures_under_one_name_is_reported_once(client, city):  # noqa: F811
    for i in range(signin_guard.BURST + 5):
        attempt(client, "wrong-Guess-1", f"203.0.113.{100 + i}", username="dept_leader")
    alerts = list(audit.Entry.select().where(audit.Entry.action == "security.signin_burst"))
    assert len(alerts) == 1 and "dept_leader" in alerts[0].detail and "登录失败20次" in alerts[0].detail
    shown = client.get("/api/auth/alerts", headers=city.headers("security"))  # the security administrator is told
    assert shown.status_code == 200 and [a["username"] for a in shown.json] == ["dept_leader"]
    assert "登录失败20次" in shown.json[0]["detail"] and shown.json[0]["at"].endswith("+08:00")
    for other in ("admin", "auditor", "office"):
        assert client.get("/api/auth/alerts", headers=city.headers(other)).status_code == 403


def test_spent_captchas_do_not_pile_up(app, city):  # noqa: F811
    with app.app_context():
        old, _ = signin_guard.new_captcha("K7QA")
        Captcha.update(expires_at=Captcha.get_by_id(old).expires_at - dt.timedelta(minutes=11)).where(
            Captcha.id == old).execute()
        fresh, _ = signin_guard.new_captcha("PXMT")
        assert [c.id for c in Captcha.select()] == [fresh]

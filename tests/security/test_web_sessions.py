"""Issue 15, sessions in the web app: a cookie copied before sign-out opens nothing after it; a
session ends after its idle time (the pages' polls do not count) and its absolute time; the
short token is renewed through the registry before it runs out; one signs out everywhere from
the page of one's sign-ins."""
from __future__ import annotations

import time

import pytest

from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.security.test_hardening import address, csrf_token, registry, sign_in_form, web_app  # noqa: F401


@pytest.fixture
def web(registry):  # noqa: F811
    return web_app({"registry": registry})


def signed_in(web, username="dept_operator"):
    browser = web.test_client()
    r = sign_in_form(browser, username, PASSWORD, address(), **{"User-Agent": "Mozilla/5.0 (X11; Linux) Test"})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return browser


def cookie_of(browser) -> str:
    return browser.get_cookie("session").value


def sent_to_sign_in(r) -> bool:
    return r.status_code in (302, 303) and "/sign-in" in r.headers["Location"]


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(web, city):  # noqa: F811
    browser = signed_in(web)
    thief = web.test_client()
    thief.set_cookie("session", cookie_of(browser))
    assert thief.get("/me/sessions").status_code == 200  # the copy works while the session lasts
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser)})
    r = thief.get("/me/sessions")
    assert sent_to_sign_in(r)  # the registry refused the ended session's token: the copy is signed out
    page = thief.get(r.headers["Location"]).get_data(as_text=True)
    assert "登录已结束" in page


def _age(browser, **fields):
    with browser.session_transaction() as session:
        for name, seconds in fields.items():
            session[name] = session[name] - seconds


def test_an_idle_session_ends_and_its_token_with_it(web, city):  # noqa: F811
    browser = signed_in(web)
    with browser.session_transaction() as session:
        token = session["token"]
    _age(browser, seen=31 * 60)
    r = browser.get("/me/sessions")
    assert sent_to_sign_in(r)
    assert "长时间未操作" in browser.get(r.headers["Location"]).get_data(as_text=True)
    other = web.test_client()  # the ended session's token, in a cookie of its own: refused by the registry
    other.set_cookie("session", cookie_of(signed_in(web)))
    with other.session_transaction() as session:
        session["token"] = token
    assert sent_to_sign_in(other.get("/me/sessions"))


def test_the_pages_polls_do_not_keep_a_session_alive(web, city):  # noqa: F811
    browser = signed_in(web)
    _age(browser, seen=29 * 60)
    with browser.session_transaction() as session:
        seen = session["seen"]
    assert browser.get("/me/sessions", headers={"X-Poll": "1"}).status_code == 200
    with browser.session_transaction() as session:
        assert session["seen"] == seen  # a poll is not the person's activity
    _age(browser, seen=2 * 60)
    assert sent_to_sign_in(browser.get("/me/sessions"))


def test_a_session_ends_after_its_absolute_time_however_active(web, city):  # noqa: F811
    assert web.permanent_session_lifetime.total_seconds() == 8 * 3600  # the cookie outlives the idle time
    browser = signed_in(web)
    with browser.session_transaction() as session:
        assert 8 * 3600 - 5 < session["until"] - time.time() <= 8 * 3600
        session["until"] = time.time() - 1
    r = browser.get("/me/sessions")
    assert sent_to_sign_in(r) and "登录已超过时限" in browser.get(r.headers["Location"]).get_data(as_text=True)


def test_the_short_token_is_renewed_before_it_runs_out(web, city):  # noqa: F811
    browser = signed_in(web)
    with browser.session_transaction() as session:
        old = session["token"]
        assert 290 < session["expires"] - time.time() <= 300  # the registry's five minutes
        session["expires"] = time.time() + 30  # within the last minute
    assert browser.get("/me/sessions").status_code == 200
    with browser.session_transaction() as session:
        assert session["token"] != old and session["expires"] - time.time() > 290


def test_a_browser_name_beyond_latin_1_signs_in_all_the_same(web, city):  # noqa: F811
    r = sign_in_form(web.test_client(), "dept_operator", PASSWORD, address(), **{"User-Agent": "Mozilla/5.0 浏览器"})
    assert r.status_code == 303


def test_the_page_of_ones_sign_ins_and_signing_out_everywhere(web, city):  # noqa: F811
    first, second = signed_in(web), signed_in(web)
    page = second.get("/me/sessions").get_data(as_text=True)
    assert page.count("Mozilla/5.0 (X11; Linux) Test") == 2 and "本次登录" in page
    r = second.post("/me/sessions/end-all", data={"csrf_token": csrf_token(second)})
    assert sent_to_sign_in(r)
    assert "已退出全部登录（2 处）" in second.get(r.headers["Location"]).get_data(as_text=True)
    assert sent_to_sign_in(first.get("/me/sessions"))


def test_a_reset_password_sends_the_person_to_change_it_before_any_page(web, client, city):  # noqa: F811
    from tests.conftest import auth
    person = city.people["dept_leader"]
    assert client.put(f"/api/people/{person.id}/password", headers=auth(1, "/1/", "admin", person=9999),
                      json={"password": "Temp-4821-Reset"}).status_code == 200
    browser = web.test_client()
    r = sign_in_form(browser, "dept_leader", "Temp-4821-Reset", address())
    assert r.status_code == 303 and r.headers["Location"].endswith("/me/password")
    assert browser.get("/me/sessions").headers["Location"].endswith("/me/password")  # nothing else opens
    page = browser.get("/me/password").get_data(as_text=True)
    assert "已由系统管理员重置" in page

    def post(current, new, confirm):
        return browser.post("/me/password", data={"csrf_token": csrf_token(browser), "current_password": current,
                                                  "new_password": new, "confirm": confirm})
    assert "两次输入的新密码不一致" in post("Temp-4821-Reset", "Own-7391-pass", "Own-7391-pasx").get_data(as_text=True)
    assert "当前密码不正确" in post("wrong-One-123", "Own-7391-pass", "Own-7391-pass").get_data(as_text=True)
    weak = post("Temp-4821-Reset", "Password1!", "Password1!")
    assert weak.status_code == 422 and "太常见" in weak.get_data(as_text=True)
    done = post("Temp-4821-Reset", "Own-7391-pass", "Own-7391-pass")
    assert done.status_code == 303 and browser.get("/me/sessions").status_code == 200

"""Issue 15, two-factor sign-in on the pages: one whose roles need it is taken to the enrolment
after the password and reaches nothing else until it is done; the QR code and the secret are
shown once, the recovery codes once; later sign-ins ask for the code after the password."""
from __future__ import annotations

import re

import pyotp
import pytest

from services.registry.models import SecondFactor
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.registry.test_second_factor import a_minute_passes
from tests.security.test_hardening import address, csrf_token, registry, sign_in_form, web_app  # noqa: F401


@pytest.fixture
def web(registry):  # noqa: F811
    return web_app({"registry": registry})


def post(browser, path, **data):
    return browser.post(path, data={"csrf_token": csrf_token(browser), **data})


def enrolled(web, username="office"):
    """A browser signed in as `username` after enrolling on the pages, and the secret it scanned."""
    browser = web.test_client()
    r = sign_in_form(browser, username, PASSWORD, address())
    assert r.status_code == 303 and r.headers["Location"].endswith("/me/second-factor")
    for page in ("/inbox", "/me/sessions"):  # nothing else until enrolled
        assert browser.get(page).headers["Location"].endswith("/me/second-factor")
    refused = post(browser, "/me/second-factor/start", current_password="not-my-password")
    assert refused.status_code == 422 and 'id="error-current_password"' in refused.get_data(as_text=True)
    started = post(browser, "/me/second-factor/start", current_password=PASSWORD)
    assert started.headers["Cache-Control"] == "no-store"  # the secret: in no cache
    page = started.get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, drawn by the registry, no outside service
    secret = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    wrong = post(browser, "/me/second-factor/confirm", code="000000")
    assert wrong.status_code == 422 and 'id="error-code"' in wrong.get_data(as_text=True)
    done = post(browser, "/me/second-factor/confirm", code=pyotp.TOTP(secret).now()).get_data(as_text=True)
    assert done.count("<li><code>") == 10 and "只显示这一次" in done
    return browser, secret


def test_a_required_role_enrols_on_the_pages_before_anything_else(web, city):  # noqa: F811
    browser, secret = enrolled(web)
    assert browser.get("/me/sessions").status_code == 200  # free to go on (its other services are not up here)
    assert "已启用两步验证" in browser.get("/me/second-factor").get_data(as_text=True)
    assert secret not in browser.get("/me/second-factor").get_data(as_text=True)  # shown once


def test_a_later_sign_in_asks_for_the_code_after_the_password(web, city):  # noqa: F811
    enrolled(web)
    browser, place = web.test_client(), address()
    r = sign_in_form(browser, "office", PASSWORD, place)
    assert r.status_code == 303 and r.headers["Location"].endswith("/sign-in/code")
    assert browser.get("/inbox").headers["Location"].startswith("/sign-in")  # no session yet
    wrong = post(browser, "/sign-in/code", code="123456")
    assert wrong.status_code == 401 and 'id="error-code"' in wrong.get_data(as_text=True)
    a_minute_passes()
    secret = pyotp.TOTP(_secret_of(web)).now()
    r = post(browser, "/sign-in/code", code=secret)
    assert r.status_code == 303 and browser.get("/me/sessions").status_code == 200


def _secret_of(web) -> str:
    from govmb import personal
    from services.registry.second_factor import PURPOSE
    return personal.open_(SecondFactor.select().first().secret, PURPOSE)


def test_five_wrong_codes_send_the_person_back_to_the_password(web, city):  # noqa: F811
    enrolled(web)
    browser = web.test_client()
    sign_in_form(browser, "office", PASSWORD, address())
    for _ in range(5):
        assert post(browser, "/sign-in/code", code="000000").status_code == 401
    r = post(browser, "/sign-in/code", code="000000")
    assert r.status_code == 303 and r.headers["Location"].endswith("/sign-in")
    assert "重新输入用户名和密码" in browser.get("/sign-in").get_data(as_text=True)


def test_a_role_granted_since_sign_in_takes_the_person_to_the_enrolment(web, city, client):  # noqa: F811
    browser = web.test_client()
    assert sign_in_form(browser, "east_operator", PASSWORD, address()).status_code == 303
    assert browser.get("/me/sessions").status_code == 200
    client.put(f"/api/people/{city.people['east_operator'].id}/roles", headers=city.headers("security"),
               json={"roles": ["operator", "supervision"]})
    with browser.session_transaction() as session:
        session["expires"] = 0  # the token's minutes are up: the next page renews it
    assert browser.get("/me/sessions").headers["Location"].endswith("/me/second-factor")

"""人员与角色 on the pages (三员分立): the system administrator adds a person without roles and
sees what is wrong beside each field; the security administrator grants roles, sees a refusal
beside the roles, and is shown the sign-in burst alerts."""
from __future__ import annotations

from dataclasses import replace

import pytest

from services.registry import signin_guard
from services.registry.models import Person
from tests.registry.conftest import PASSWORD, city, client  # noqa: F401 (fixtures)
from tests.security.test_hardening import address, csrf_token, registry, sign_in_form, web_app  # noqa: F401
from tests.system import migrated_app, settings_for


@pytest.fixture
def app(tmp_path):
    """The registry asking no second factor: these pages are what is tested here
    (test_web_second_factor.py tests the second factor's)."""
    settings = settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}")
    return migrated_app("registry", replace(settings, second_factor_roles=frozenset()))


@pytest.fixture
def web(registry):  # noqa: F811
    return web_app({"registry": registry})


def as_(web, username):
    browser = web.test_client()
    assert sign_in_form(browser, username, PASSWORD, address()).status_code == 303
    return browser


def test_the_system_administrator_adds_a_person_without_roles(web, city):  # noqa: F811
    admin = as_(web, "admin")
    bad = admin.post("/people", data={"csrf_token": csrf_token(admin), "name": "新同事", "username": "x"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="error-username"' in page and 'id="error-unit_id"' in page
    assert Person.get_or_none(Person.name == "新同事") is None
    r = admin.post("/people", data={"csrf_token": csrf_token(admin), "unit_id": str(city.units["dept"].id),
                                    "name": "新同事", "username": "xin_tongshi", "password": "Hqz-7rTm-wplk"})
    assert r.status_code == 303
    detail = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "无角色（待安全管理员授权）" in detail and 'id="roles"' not in detail  # roles are not the admin's
    assert Person.get(Person.username == "xin_tongshi").roles == ""


def test_the_security_administrator_grants_roles_and_sees_the_refusal_beside_them(web, city):  # noqa: F811
    security = as_(web, "security")
    target = city.people["east_operator"].id
    r = security.post(f"/people/{target}/roles", data={"csrf_token": csrf_token(security),
                                                       "roles": ["operator", "leader"]})
    assert r.status_code == 303 and Person.get_by_id(target).role_set == {"operator", "leader"}
    refused = security.post(f"/people/{target}/roles", data={"csrf_token": csrf_token(security),
                                                             "roles": ["admin", "leader"]})
    assert refused.status_code == 422 and "三员分立" in refused.get_data(as_text=True)
    assert Person.get_by_id(target).role_set == {"operator", "leader"}


def test_the_security_administrator_is_shown_the_burst_alerts(web, city, client):  # noqa: F811
    for i in range(signin_guard.BURST):
        client.post("/api/auth/sign-in", json={"username": "dept_leader", "password": "wrong-Guess-1"},
                    environ_base={"REMOTE_ADDR": f"203.0.113.{100 + i}"})
    page = as_(web, "security").get("/people").get_data(as_text=True)
    assert 'id="security-alerts"' in page and "dept_leader" in page
    assert 'id="security-alerts"' not in as_(web, "admin").get("/people").get_data(as_text=True)


def test_every_page_names_its_icon_and_the_icon_is_served(web):  # noqa: F811
    """Issue 17's finding: no favicon, a 404 on every page (the browser asked /favicon.ico)."""
    browser = web.test_client()
    page = browser.get("/sign-in").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    icon = browser.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data

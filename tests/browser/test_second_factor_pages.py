"""Issue 15, two-factor sign-in in a real browser: the joint-meeting office, whose role needs a
second factor, enrols on the pages after its password (QR code, secret, first code, recovery
codes), signs in again with a code, and loses its session when the security administrator resets
a lost phone on 人员与角色."""
import datetime as dt

import pyotp
import pytest

from services.registry.people import DEMO_PASSWORD
from tests.browser.conftest import embedded

REQUIRED = "admin,security_admin,audit_admin,joint_office,supervision"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The embedded demo asking the second factor of the roles production asks it of."""
    with embedded(tmp_path_factory, SECOND_FACTOR_ROLES=REQUIRED) as url:
        yield url


def password_step(browser, site, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    page.goto(site + "/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    return page


def later(secret: str, steps: int) -> str:
    return pyotp.TOTP(secret).at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30 * steps))


def enrol(page) -> str:
    assert page.url.endswith("/me/second-factor")
    page.fill("#not-enrolled input[name=current_password]", DEMO_PASSWORD)
    page.click("#not-enrolled button")
    assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    secret = page.inner_text("#secret").replace(" ", "")
    page.fill("#enrol input[name=code]", pyotp.TOTP(secret).now())
    page.click("#enrol button")
    assert page.locator("ol.codes li").count() == 10
    page.click("text=我已保存，继续")
    return secret


def test_the_office_enrols_then_signs_in_with_a_code_and_a_reset_ends_its_session(browser, site):
    office = password_step(browser, site, "lianxi")
    office.goto(site + "/city")
    assert office.url.endswith("/me/second-factor")  # nothing else until enrolled
    secret = enrol(office)
    office.goto(site + "/city")
    assert office.url.endswith("/city") and "全市政务微博" in office.inner_text("main")

    again = password_step(browser, site, "lianxi")
    assert again.url.endswith("/sign-in/code")
    again.fill("input[name=code]", "000000")
    again.click("form button[type=submit]")
    assert "验证码不正确" in again.inner_text("#error-code")
    again.fill("input[name=code]", later(secret, 1))
    again.click("form button[type=submit]")
    assert not again.url.endswith("/sign-in/code") and "赵磊" in again.inner_text("header .who")

    security = password_step(browser, site, "anquan")
    enrol(security)
    security.goto(site + "/people?q=lianxi")
    security.click("#people a >> nth=0")
    assert security.inner_text("#second-factor") == "已启用"
    security.click("#second-factor-reset button")
    assert "两步验证已重置" in security.inner_text("main")
    office.goto(site + "/city")
    assert "/sign-in" in office.url  # its sessions ended with the reset

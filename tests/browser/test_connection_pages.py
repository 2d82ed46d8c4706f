"""Issue 20: connecting an account to a platform's API on its security record page: the credentials
its adapter asks for as password inputs, a refusal beside its field, connected; the platform says
the credential expired and the page warns of it (publishing → registry on the bus) and the team is
told; disconnected with a confirmation. At 1366 and 390 px wide."""
import re

import pytest

from services.publishing import connections
from services.publishing.models import PlatformConnection
from services.registry.models import Notification
from tests.browser.conftest import embedded
from tests.conftest import wait_for
from tests.platform_adapter import TARGET
from tests.system import spec_of

pytestmark = pytest.mark.browser
SECRET = "tok-browser-5f4e3d2c1b"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with embedded(tmp_path_factory, GOVMB_PLATFORM_ADAPTERS=f"sina:{TARGET}") as url:
        yield url


def settled(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def test_connect_expire_warn_and_disconnect_on_the_security_page(as_person, site, tmp_path):
    operator = as_person("dh_caozuo")
    operator.goto(site + "/accounts")
    operator.click("#accounts a:text-is('东湖发布')")
    operator.wait_for_url(re.compile(r"/accounts/\d+$"))
    account_id = int(operator.url.rsplit("/", 1)[1])
    operator.goto(f"{site}/accounts/{account_id}/security")
    sina = "#connection-sina"
    assert "未连接" in operator.inner_text(sina) and "没有接口" in operator.inner_text("#connection-xinhua")
    assert operator.locator(f"{sina} input[type=password]").count() == 2  # 访问令牌, 应用密钥
    operator.fill(f"{sina} input[name=credential_access_token]", SECRET)
    operator.click(f"{sina} .connect-form button[type=submit]")  # no uid, no app secret: said beside each
    settled(operator)
    assert "请填写应用密钥" in operator.inner_text(f"{sina} #error-credentials\\.app_secret")
    assert operator.locator(f"{sina} #error-account_uid").count() == 1
    assert operator.input_value(f"{sina} input[name=credential_access_token]") == ""  # never sent back
    operator.fill(f"{sina} input[name=account_uid]", "5012345678")
    operator.fill(f"{sina} input[name=credential_access_token]", SECRET)
    operator.fill(f"{sina} input[name=credential_app_secret]", "app-secret-77")
    operator.click(f"{sina} .connect-form button[type=submit]")
    settled(operator)
    operator.wait_for_selector(f"{sina} .s-connected")
    assert "已连接平台接口" in operator.inner_text("main") and SECRET not in operator.content()
    assert "已加密保存" in operator.inner_text(sina)
    for width, height in ((1366, 900), (390, 844)):
        operator.set_viewport_size({"width": width, "height": height})
        assert operator.evaluate("document.documentElement.scrollWidth") <= width
        operator.screenshot(path=str(tmp_path / f"connections-{width}.png"), full_page=True)
    operator.set_viewport_size({"width": 1366, "height": 900})

    with spec_of("publishing").db.connection_context():  # the platform refuses the token
        row = PlatformConnection.get(PlatformConnection.account_id == account_id, PlatformConnection.platform == "sina")
        assert connections.expired(row, "expired_token (21327)")

    def warned():
        operator.goto(f"{site}/accounts/{account_id}/security")
        return operator.locator(".connection-warning").count()
    wait_for(warned, message="the expiry warning on the security record")
    assert operator.inner_text(".connection-warning").startswith("平台接口凭据已失效：新浪网，expired_token (21327)")
    assert "凭据已失效" in operator.inner_text(sina)
    operator.screenshot(path=str(tmp_path / "connections-expired.png"), full_page=True)
    with spec_of("registry").db.connection_context():
        assert Notification.select().where(Notification.kind == "connection_expired").count() >= 1

    operator.once("dialog", lambda dialog: dialog.accept())
    operator.click(f"{sina} .disconnect-form button")
    settled(operator)
    operator.wait_for_selector(f"{sina} .s-none")
    assert "已断开平台接口" in operator.inner_text("main")

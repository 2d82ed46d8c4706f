"""Browser tests: the real pages of the embedded system in headless Chromium (Debian's
package, installed by `make test`), driven by Playwright."""
import shutil

import pytest

from ops.embedded import EmbeddedSystem
from services.registry.people import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The embedded system with its demo city, for one test module."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVMB_DATA_DIR", str(tmp_path_factory.mktemp("site")))
    for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
        mp.delenv(var, raising=False)
    system = EmbeddedSystem(port=0).start()
    yield f"http://127.0.0.1:{system.port}"
    system.stop()
    mp.undo()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def signed_in_page(browser, site: str, username: str, width: int = 1280):
    """A page of a new browser context, signed in as a demo person (close its context after)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(site + "/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/sign-in" not in page.url, page.content()[:500]
    return page


@pytest.fixture
def as_person(browser, site):
    """A signed-in page for a demo person: as_person("jy_caozuo")."""
    contexts = []

    def open_as(username: str):
        page = signed_in_page(browser, site, username)
        contexts.append(page.context)
        return page

    yield open_as
    for c in contexts:
        c.close()

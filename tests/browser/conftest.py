"""Browser tests: the real pages of the embedded system in headless Chromium (Debian's
package, installed by `make test`), driven by Playwright."""
import contextlib
import shutil

import pytest

from govmb.config import load
from ops.embedded import EmbeddedSystem
from services.registry.people import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def embedded(tmp_path_factory, connections: tuple = (), **env: str):
    """The embedded system with its demo city and these environment variables (and the demo's
    accounts connected to the platforms `connections` name); its address."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVMB_DATA_DIR", str(tmp_path_factory.mktemp("site")))
    for name, value in env.items():
        mp.setenv(name, value)
    for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
        mp.delenv(var, raising=False)
    system = EmbeddedSystem(port=0).start(connections=connections)
    try:
        yield f"http://127.0.0.1:{system.port}"
    finally:
        system.stop()
        mp.undo()
        if env:
            load()  # the next module's system reads the environment as it was


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The embedded system with its demo city, for one test module."""
    with embedded(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser, site: str, username: str, contexts: list):
    """A page of a new browser context (added to `contexts`, for the caller to close) signed in as
    the demo person."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    contexts.append(context)
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
    yield lambda username: sign_in(browser, site, username, contexts)
    for c in contexts:
        c.close()

"""The Uyghur interface in the browser (issue 21): a visitor whose browser asks for Uyghur reads the
hall right to left; a person chooses Uyghur in the footer and keeps it at the next sign-in; the main
pages of each role read in Uyghur, mirrored, in the served Uyghur font, without scrolling sideways
at 1366 pixels or on a phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_layout import overflow
from tests.browser.test_publishing_pages import choose_account, open_editor

pytestmark = pytest.mark.browser

ARABIC = re.compile(r"[\u0600-\u06ff]")
HAN = re.compile(r"[\u3400-\u9fff]")
# The main pages of each role (one sign-in a person: the service allows five a minute).
MAIN_PAGES = {
    "jy_caozuo": ("/todo", "/accounts", "/drafts", "/drafts/new", "/inbox", "/roster"),
    "jy_hegao": ("/drafts", "/inbox/notices"),
    "jy_fenguan": ("/drafts", "/kaohe"),
    "lianxi": ("/city", "/directives", "/kaohe", "/inbox/transfers", "/lexicon"),
    "ducha": ("/inspections", "/kaohe/reports", "/audit"),
    "admin": ("/people", "/units", "/status"),
}


def uyghur_font_loaded(page) -> bool:
    """Whether the page drew its Uyghur letters in Noto Sans Arabic, served by the web app."""
    return page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].some(f => f.family.includes("Noto Sans Arabic") && f.status === "loaded"); }""")


def reads_right_to_left(page) -> None:
    """The page declares Uyghur and right to left, its title is Uyghur, the brand sits at the right
    end of the bar, and nothing scrolls sideways."""
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ug", "rtl"], page.url
    assert ARABIC.search(page.inner_text("main h1")), (page.url, page.inner_text("main h1"))
    width = page.viewport_size["width"]
    brand = page.locator("header .navbar-brand").bounding_box()
    assert brand["x"] + brand["width"] > width * 0.6, (page.url, brand)  # mirrored: the brand at the right
    assert overflow(page) <= 0, page.url


def choose(page, locale: str) -> None:
    page.click(f"footer form.language-switch button[value={locale}]")
    page.wait_for_load_state("networkidle")


def signed_in(browser, site: str, username: str, contexts: list):
    """A page signed in as the demo person, in a browser asking for Chinese, 1366 pixels wide."""
    page = sign_in(browser, site, username, contexts)
    page.set_viewport_size({"width": 1366, "height": 900})
    return page


@pytest.fixture
def contexts():
    opened = []
    yield opened
    for context in opened:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_visitor_whose_browser_asks_for_uyghur_reads_the_hall_right_to_left(browser, site, contexts, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ug")
    contexts.append(context)
    citizen = context.new_page()
    citizen.goto(site + "/hall")
    reads_right_to_left(citizen)
    assert uyghur_font_loaded(citizen)
    assert citizen.locator("footer form.language-switch button[value=ug]").get_attribute("aria-pressed") == "true"
    citizen.goto(site + "/hall/message")
    citizen.click("#hall-message button[type=submit]")  # nothing filled in
    error = citizen.locator("#hall-message #error-text")
    expect(error).to_be_visible()
    assert ARABIC.search(error.inner_text()) and not HAN.search(error.inner_text())  # beside the field, in Uyghur


def test_an_operator_chooses_uyghur_writes_a_draft_and_keeps_the_language_at_the_next_sign_in(browser, site, contexts):
    page = signed_in(browser, site, "jy_caozuo", contexts)
    assert page.evaluate("document.documentElement.dir") == "ltr"
    choose(page, "ug")
    reads_right_to_left(page)
    assert not HAN.search(page.inner_text("header nav"))  # the whole menu in Uyghur

    open_editor(page, site)
    choose_account(page, "南昌教育")
    page.fill("textarea[name=text]", "ئاتا-ئانىلار دىققىتىگە: تىزىملىتىش 9-ئاينىڭ 1-كۈنى باشلىنىدۇ. كىملىك نومۇرى 11010519491231002X")
    page.locator("textarea[name=text]").press("End")  # the checks run as one types
    finding = page.locator("#findings mark.block").first
    expect(finding).to_be_visible()
    assert ARABIC.search(page.inner_text("#findings")) and not HAN.search(page.inner_text("#findings"))
    page.click("#editor button[type=submit]")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    assert "ئاتا-ئانىلار" in page.inner_text("#draft")  # the Uyghur text kept whole
    assert ARABIC.search(page.inner_text("#draft h1 .status"))  # 草稿, in Uyghur

    page.click("header form[action$='/sign-out'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    again = signed_in(browser, site, "jy_caozuo", contexts)  # another browser, which asks for Chinese
    assert again.evaluate("document.documentElement.lang") == "ug"  # the person's own choice, kept by the registry
    choose(again, "zh_Hans")
    assert again.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["zh-Hans", "ltr"]
    assert "发布" in again.inner_text("header nav")


@pytest.mark.parametrize("username", sorted(MAIN_PAGES))
def test_each_roles_main_pages_read_in_uyghur_mirrored(browser, site, contexts, username):
    page = signed_in(browser, site, username, contexts)
    choose(page, "ug")
    for path in MAIN_PAGES[username]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        reads_right_to_left(page)
        assert not HAN.search(page.inner_text("header nav")), path
    assert uyghur_font_loaded(page)
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone: the menu folds into its button
    page.reload()
    reads_right_to_left(page)
    toggler = page.locator("header .navbar-toggler")
    toggler.click()
    expect(page.locator("header nav")).to_be_visible()

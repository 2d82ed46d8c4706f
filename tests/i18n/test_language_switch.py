"""Issue 21, the language switch of the web app: the footer's form on every page sets the session's
language and, for a signed-in person, saves it at the registry; a new sign-in brings it back; a
visitor gets the browser's language among those offered until they choose; a language not offered
is refused beside the field and changes nothing; the switch sends back to a path of this site only.

The web app here has a small Uyghur catalogue of the test's own (the real one is being translated),
beside the real Chinese one: what the app reads its catalogues from, as web.i18n.init_app does."""
from __future__ import annotations

import re
import shutil

import pytest

from govmb.locales import Catalogues, read_catalogues
from services.registry.models import Person
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)
from tests.security.test_hardening import address, csrf_token, registry, sign_in_form, web_app  # noqa: F401
from web.app import TRANSLATIONS

PLATFORM_UG = "ھۆكۈمەت مىكروبلوگىنى باشقۇرۇش سۇپىسى"  # 政务微博管理平台, the title of every page
UG_PO = f'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "政务微博管理平台"
msgstr "{PLATFORM_UG}"
'''


@pytest.fixture
def web(registry, tmp_path):  # noqa: F811
    """The web app on the test's registry, offering Chinese and (a few texts of) Uyghur."""
    shutil.copytree(TRANSLATIONS / "zh_Hans", tmp_path / "zh_Hans")
    (tmp_path / "ug/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "ug/LC_MESSAGES/messages.po").write_text(UG_PO, encoding="utf-8")
    pages = web_app({"registry": registry})
    pages.extensions["govmb_catalogues"] = Catalogues(read_catalogues(str(tmp_path)))
    return pages


def switch(browser, locale: str, next_page: str = "/hall"):
    return browser.post("/language", data={"csrf_token": csrf_token(browser), "locale": locale, "next": next_page})


def in_uyghur(browser, path: str = "/hall", **headers) -> bool:
    page = browser.get(path, headers=headers).get_data(as_text=True)
    assert "政务微博管理平台" in page or PLATFORM_UG in page, page[:300]
    return PLATFORM_UG in page


def saved_locale(app, username: str) -> str:  # noqa: F811
    with app.app_context():
        return Person.get(Person.username == username).locale


def session_locale(browser) -> str | None:
    with browser.session_transaction() as session:
        return session.get("locale")


def signed_in(web, username: str = "dept_operator"):
    browser = web.test_client()
    r = sign_in_form(browser, username, PASSWORD, address())
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return browser


def test_every_page_offers_each_language_named_in_itself(web, city):  # noqa: F811
    page = web.test_client().get("/hall").get_data(as_text=True)
    footer = page[page.index("<footer"):]
    assert 'action="/language"' in footer and 'name="csrf_token"' in footer and 'name="next" value="/hall"' in footer
    assert re.search(r'<button type="submit" name="locale" value="zh_Hans" lang="zh-Hans" dir="ltr"[^>]*'
                     r'aria-pressed="true">中文</button>', footer)
    assert re.search(r'<button type="submit" name="locale" value="ug" lang="ug" dir="rtl"[^>]*'
                     r'aria-pressed="false">ئۇيغۇرچە</button>', footer)
    page = web.test_client().get("/hall", headers={"Accept-Language": "ug"}).get_data(as_text=True)
    assert ">中文</button>" in page and ">ئۇيغۇرچە</button>" in page  # not translated: each says itself


def test_a_visitor_gets_the_browsers_language_until_they_choose(web, city):  # noqa: F811
    browser = web.test_client()
    assert in_uyghur(browser, **{"Accept-Language": "ug, zh-CN;q=0.5"})
    assert not in_uyghur(browser, **{"Accept-Language": "zh-CN, ug;q=0.5"})
    assert not in_uyghur(browser, **{"Accept-Language": "fr"})  # not offered: Chinese
    r = switch(browser, "ug", "/hall?page=2")
    assert r.status_code == 303 and r.headers["Location"] == "/hall?page=2"
    assert session_locale(browser) == "ug"
    assert in_uyghur(browser, **{"Accept-Language": "zh-CN"})  # the choice wins over the browser's
    assert in_uyghur(browser, "/sign-in")


def test_the_switch_saves_a_signed_in_persons_language_and_a_new_sign_in_brings_it_back(web, app, city):  # noqa: F811
    browser = signed_in(web)
    assert not in_uyghur(browser, "/me/sessions")
    r = switch(browser, "ug", "/me/sessions")
    assert r.status_code == 303 and r.headers["Location"] == "/me/sessions"
    assert session_locale(browser) == "ug" and saved_locale(app, "dept_operator") == "ug"
    assert in_uyghur(browser, "/me/sessions")
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser)})
    assert in_uyghur(browser, "/sign-in")  # signed out: the sign-in page speaks it still
    elsewhere = signed_in(web)  # another browser, which asks for Chinese
    assert session_locale(elsewhere) == "ug"
    assert in_uyghur(elsewhere, "/me/sessions", **{"Accept-Language": "zh-CN"})
    assert saved_locale(app, "dept_leader") == "zh_Hans"  # nobody else's changed


def test_a_sign_in_takes_the_saved_language_over_the_visitors_choice(web, app, city):  # noqa: F811
    browser = web.test_client()
    switch(browser, "ug")
    r = sign_in_form(browser, "dept_leader", PASSWORD, address())
    assert r.status_code == 303 and session_locale(browser) == "zh_Hans"
    assert not in_uyghur(browser, "/me/sessions")


@pytest.mark.parametrize("locale", ["fr", "", "zh_CN", "ug<script>"])
def test_a_language_not_offered_is_refused_beside_the_field_and_changes_nothing(web, app, city, locale):  # noqa: F811
    browser = signed_in(web)
    switch(browser, "ug")
    r = switch(browser, locale)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(r'value="ug"[^>]*>ئۇيغۇرچە</button>.*</span><span class="field-error" id="error-locale">',
                     page, re.S), page[page.index("<main"):][:1500]
    assert "<script>" not in page.split("<main", 1)[1].split("</main>")[0]
    assert session_locale(browser) == "ug" and saved_locale(app, "dept_operator") == "ug"


def test_a_visitors_wrong_language_changes_nothing_either(web, city):  # noqa: F811
    browser = web.test_client()
    r = switch(browser, "de")
    assert r.status_code == 422 and 'id="error-locale"' in r.get_data(as_text=True)
    assert session_locale(browser) is None


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "/\\/evil.example", "https://evil.example/",
                                    "http:/evil.example", "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)",
                                    "evil.example", "", "/%0a/evil.example"])
def test_the_switch_sends_back_to_a_path_of_this_site_only(web, city, target):  # noqa: F811
    browser = web.test_client()
    r = switch(browser, "ug", target)
    expected = target if target == "/%0a/evil.example" else "/"  # an escaped line break is a path here
    assert r.status_code == 303 and r.headers["Location"] == expected
    assert session_locale(browser) == "ug"


def test_the_sign_in_sends_on_to_a_path_of_this_site_only(web, city):  # noqa: F811
    # the same check as the switch's (web/views/forms.py::safe_path): a backslash was let through
    for target, expected in (("/\\evil.example", "/"), ("//evil.example", "/"), ("/me/sessions", "/me/sessions")):
        browser = web.test_client()
        token = csrf_token(browser)
        r = browser.post("/sign-in", query_string={"next": target}, environ_base={"REMOTE_ADDR": address()},
                         data={"csrf_token": token, "username": "dept_operator", "password": PASSWORD})
        assert r.status_code == 303 and r.headers["Location"] == expected, target


def test_the_choice_page_offers_the_same_form(web, city):  # noqa: F811
    page = web.test_client().get("/language?next=/hall").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert 'name="next" value="/hall"' in main and ">ئۇيغۇرچە</button>" in main
    page = web.test_client().get("/language?next=//evil.example").get_data(as_text=True)
    assert 'name="next" value="/"' in page[page.index("<main"):page.index("</main>")]

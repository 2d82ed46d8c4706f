"""The units' pages in the browser (issue 21): the system administrator gives a unit its Uyghur
name, which a wrong script refuses beside the field (nothing saved) and a right one keeps, shown
right to left on the unit's page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_administrator_records_a_units_uyghur_name_and_a_wrong_one_is_refused_beside_the_field(as_person, site):
    page = as_person("admin")
    page.goto(site + "/units")
    page.locator("#units-list a, table a", has_text="南昌市教育局").first.click()
    page.wait_for_load_state("networkidle")
    edit = page.locator("#unit-edit")
    edit.locator("input[name=name_ug]").fill("Education Bureau")  # Latin letters: not Uyghur script
    edit.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    error = page.locator("#unit-edit #error-name_ug")
    expect(error).to_be_visible()
    assert page.locator("#name-ug").count() == 0  # nothing saved
    page.locator("#unit-edit input[name=name_ug]").fill("نەنچاڭ شەھەرلىك مائارىپ ئىدارىسى")
    page.locator("#unit-edit button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    shown = page.locator("#name-ug")
    expect(shown).to_have_text("نەنچاڭ شەھەرلىك مائارىپ ئىدارىسى")
    assert shown.get_attribute("dir") == "rtl" and shown.get_attribute("lang") == "ug"
    page.reload()  # kept by the registry
    expect(page.locator("#name-ug")).to_have_text("نەنچاڭ شەھەرلىك مائارىپ ئىدارىسى")

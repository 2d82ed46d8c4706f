"""暂停发布 in the browser (issue 20): the joint-meeting office freezes the city's scheduled and
automatic releases with a reason (a missing reason is refused beside the field), sees the freeze
in force, and lifts it; the page does not scroll sideways at 390 or 1366 pixels."""
import pytest

from tests.browser.test_layout import overflow

pytestmark = pytest.mark.browser


def test_the_office_freezes_the_citys_releases_and_lifts_the_freeze(as_person, site):
    office = as_person("lianxi")
    office.goto(site + "/release-freezes")
    assert "目前没有暂停发布" in office.inner_text("#freezes")
    form = office.locator("#add-freeze")
    form.locator("input[name=reason]").fill(" ")
    form.locator("input[name=reason]").evaluate("e => e.removeAttribute('required')")
    form.locator("button[type=submit]").click()
    office.wait_for_load_state("networkidle")
    assert "原因" in office.inner_text("#add-freeze .field-error")
    form = office.locator("#add-freeze")
    form.locator("input[name=reason]").fill("全国哀悼日")
    form.locator("button[type=submit]").click()
    office.wait_for_load_state("networkidle")
    assert "全国哀悼日" in office.inner_text("#freezes") and "暂停中" in office.inner_text("#freezes")
    for width in (390, 1366):
        office.set_viewport_size({"width": width, "height": 900})
        assert overflow(office) == 0
        office.screenshot(path=f"/tmp/release-freezes-{width}.png", full_page=True)
    office.locator("#freezes button", has_text="解除暂停").click()
    office.wait_for_load_state("networkidle")
    assert "已解除" in office.inner_text("#freezes") and "暂停中" not in office.inner_text("#freezes")

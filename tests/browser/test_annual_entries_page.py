"""Issue 18 in the browser: the joint-meeting office enters the city's figures from outside the
product on /bulletins/annual (a bad number refused beside its field, nothing changed); the form
then shows them with who entered them, and the entry form holds them; a unit's operator enters
their own unit's. The year is 2025, so the annual form test (2026) still sees nothing entered."""
import pytest

pytestmark = pytest.mark.browser

ITEMS = ("征集调查期数（期）", "访谈期数（期）", "是否提供智能问答", "安全检测评估次数（次）")


def _rows(page) -> dict:
    return {r.split("\t")[1]: r.split("\t")[2:] for r in page.locator("#annual tbody tr").all_inner_texts()}


def test_the_office_enters_the_work_outside_and_the_form_shows_it(as_person, site, tmp_path):
    office = as_person("lianxi")
    office.goto(site + "/bulletins/annual?year=2025")
    office.fill("#annual-entries input[name=surveys]", "-3")
    office.fill("#annual-entries input[name=interviews]", "6")
    office.select_option("#annual-entries select[name=smart_qa]", "true")
    office.fill("#annual-entries input[name=security_assessments]", "2")
    office.click("#annual-entries button[type=submit]")
    assert "100000" in office.inner_text("#annual-entries #error-surveys")
    assert office.input_value("#annual-entries input[name=interviews]") == "6"  # as typed
    assert _rows(office)["访谈期数（期）"][0] in ("未填报", "6")  # nothing changed by the refusal
    office.fill("#annual-entries input[name=surveys]", "4")
    office.click("#annual-entries button[type=submit]")
    office.wait_for_url("**/bulletins/annual?year=2025")
    rows = _rows(office)
    assert [rows[i][0] for i in ITEMS] == ["4", "6", "是", "2"]
    assert rows["征集调查期数（期）"][1].startswith("由") and rows["征集调查期数（期）"][1].endswith("填报")
    assert office.input_value("#annual-entries input[name=surveys]") == "4"
    assert office.input_value("#annual-entries select[name=smart_qa]") == "true"
    for width in (1366, 390):
        office.set_viewport_size({"width": width, "height": 900})
        office.screenshot(path=str(tmp_path / f"annual-{width}.png"), full_page=True)

    unit = as_person("jy_caozuo")
    unit.goto(site + "/bulletins/annual?year=2025")
    assert _rows(unit)["征集调查期数（期）"][0] == "未填报"  # its own unit's form, not the city's
    unit.fill("#annual-entries input[name=surveys]", "1")
    unit.fill("#annual-entries input[name=interviews]", "0")
    unit.select_option("#annual-entries select[name=smart_qa]", "false")
    unit.fill("#annual-entries input[name=security_assessments]", "1")
    unit.click("#annual-entries button[type=submit]")
    unit.wait_for_url("**/bulletins/annual?year=2025")
    assert [_rows(unit)[i][0] for i in ITEMS] == ["1", "0", "否", "1"]
    office.goto(site + "/bulletins/annual?year=2025")
    assert _rows(office)["征集调查期数（期）"][0] == "4"

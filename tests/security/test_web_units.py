"""单位 on the pages (issue 21): the system administrator and the joint-meeting office create a unit
and change one, its name in Uyghur among its fields (written right to left), the registry's refusal
beside the field and nothing changed; the unit's page shows it; nobody else opens the pages."""
from __future__ import annotations

import re

import pytest

from services.registry.models import Unit
from tests.registry.conftest import city, client  # noqa: F401 (fixtures)
from tests.security.test_hardening import csrf_token, registry  # noqa: F401
from tests.security.test_web_people import app, as_, web  # noqa: F401 (the registry asking no second factor)

EAST_UG = "دۇڭخۇ رايونى"
TIANSHAN_UG = "تيانشان رايونى"


def test_the_office_creates_a_unit_with_its_uyghur_name(web, city):  # noqa: F811
    office = as_(web, "office")
    page = office.get("/units").get_data(as_text=True)
    assert re.search(r'<input name="name_ug" value="" maxlength="100" dir="rtl" lang="ug"', page)
    assert "东湖区教育体育局" in page and "维吾尔文名称" in page
    r = office.post("/units", data={"csrf_token": csrf_token(office), "name": "天山区", "name_ug": TIANSHAN_UG,
                                    "kind": "district", "parent_id": str(city.units["city"].id)})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    made = Unit.get(Unit.name == "天山区")
    assert made.name_ug == TIANSHAN_UG and made.parent_id == city.units["city"].id
    shown = office.get(r.headers["Location"]).get_data(as_text=True)
    assert f'<p class="lead" id="name-ug" lang="ug" dir="rtl">{TIANSHAN_UG}</p>' in shown
    assert f'<span lang="ug" dir="rtl">{TIANSHAN_UG}</span>' in office.get("/units?q=天山").get_data(as_text=True)


def test_a_uyghur_name_the_registry_refuses_is_shown_beside_its_field_and_nothing_is_made(web, city):  # noqa: F811
    admin = as_(web, "admin")
    r = admin.post("/units", data={"csrf_token": csrf_token(admin), "name": "青山湖区", "name_ug": "天山 district",
                                   "kind": "district", "parent_id": str(city.units["city"].id)})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(r'dir="rtl" lang="ug"[^>]*><span class="field-error" id="error-name_ug">[^<]*维吾尔文字母', page)
    assert 'value="青山湖区"' in page  # what was typed is kept
    assert not Unit.select().where(Unit.name == "青山湖区").exists()


def test_a_unit_is_given_its_uyghur_name_on_its_page_without_moving(web, city):  # noqa: F811
    office = as_(web, "office")
    east = city.units["east"]
    page = office.get(f"/units/{east.id}").get_data(as_text=True)
    assert 'id="unit-edit"' in page and "东湖区教育体育局" in page  # its units below
    form = {"csrf_token": csrf_token(office), "name": "东湖区", "name_ug": EAST_UG, "parent_id": str(east.parent_id)}
    r = office.post(f"/units/{east.id}", data=form)
    assert r.status_code == 303
    after = Unit.get_by_id(east.id)
    assert (after.name_ug, after.path, after.revision) == (EAST_UG, east.path, east.revision + 1)
    bad = office.post(f"/units/{east.id}", data={**form, "name_ug": "دۇڭخۇ  رايونى!"})
    assert bad.status_code == 422 and 'id="error-name_ug"' in bad.get_data(as_text=True)
    assert Unit.get_by_id(east.id).name_ug == EAST_UG
    r = office.post(f"/units/{east.id}", data={**form, "name_ug": ""})  # emptied: removed
    assert r.status_code == 303 and Unit.get_by_id(east.id).name_ug == ""


@pytest.mark.parametrize("username", ["dept_operator", "east_leader", "security"])
def test_only_those_who_change_the_tree_open_the_pages(web, city, username):  # noqa: F811
    browser = as_(web, username)
    assert browser.get("/units").status_code == 403
    r = browser.post(f"/units/{city.units['east'].id}", data={"csrf_token": csrf_token(browser), "name": "改名"})
    assert r.status_code == 403 and Unit.get_by_id(city.units["east"].id).name == "东湖区"

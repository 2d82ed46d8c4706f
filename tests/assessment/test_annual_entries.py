"""Issue 18: the annual 年度报表's figures that happen outside the product (征集调查, 访谈, 智能问答,
安全检测评估), entered by the office for the city and by a unit's staff for their unit; bad input
is refused by field with nothing changed; the values show in the JSON form and the XLSX; entering
again replaces, audited."""
import io

import pytest
from openpyxl import load_workbook

from services.assessment.models import AnnualEntry
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.assessment.test_inspections import SUPERVISION
from tests.conftest import audit_trail, auth

GOOD = {"surveys": 4, "interviews": 6, "smart_qa": True, "security_assessments": 2}
ITEMS = ("征集调查期数（期）", "访谈期数（期）", "是否提供智能问答", "安全检测评估次数（次）")


def _enter(client, headers=OFFICE, year=2026, **body):
    return client.put(f"/api/reports/annual/{year}/entries", json={**GOOD, **body}, headers=headers)


def _shown(client, headers=OFFICE, **params) -> dict:
    r = client.get("/api/reports/annual/2026", query_string=params, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return {r["item"]: (r["value"], r["note"]) for r in r.json["rows"]}


def _entries(app) -> list[tuple]:
    with app.app_context():
        return list(AnnualEntry.select(AnnualEntry.year, AnnualEntry.unit_id, AnnualEntry.surveys,
                                       AnnualEntry.interviews, AnnualEntry.smart_qa,
                                       AnnualEntry.security_assessments).order_by(AnnualEntry.unit_id).tuples())


def test_the_office_enters_the_city_and_a_unit_its_own(app, client):
    assert [_shown(client)[i][0] for i in ITEMS] == ["未填报"] * 4
    r = _enter(client)
    assert r.status_code == 200, r.json
    assert (r.json["unit_id"], r.json["surveys"], r.json["smart_qa"]) == (0, 4, True) and r.json["entered_by"]
    city = _shown(client)
    assert [city[i][0] for i in ITEMS] == [4, 6, "是", 2]
    assert city["访谈期数（期）"][1].startswith("由") and city["访谈期数（期）"][1].endswith("填报")
    assert [_shown(client, headers=DEPT)[i][0] for i in ITEMS] == ["未填报"] * 4  # the unit's own form
    assert _enter(client, headers=DEPT, surveys=1, smart_qa=False).status_code == 200
    assert [_shown(client, headers=DEPT)[i][0] for i in ITEMS] == [1, 6, "否", 2]
    assert [_shown(client, unit_id=4)[i][0] for i in ITEMS] == [1, 6, "否", 2]  # the office opens the unit's
    assert [_shown(client)[i][0] for i in ITEMS] == [4, 6, "是", 2]  # the city's unchanged
    assert _enter(client, headers=SUPERVISION, interviews=7).status_code == 200
    assert _shown(client)["访谈期数（期）"][0] == 7
    assert _entries(app) == [(2026, 0, 4, 7, True, 2), (2026, 4, 1, 6, False, 2)]


def test_the_form_gives_the_entered_values_for_the_entry_form_to_show_again(client):
    def entered(**params):
        r = client.get("/api/reports/annual/2026", query_string=params, headers=OFFICE)
        return r.json["entered"]

    assert entered() is None
    assert _enter(client).status_code == 200
    assert entered() == {"surveys": 4, "interviews": 6, "smart_qa": True, "security_assessments": 2}
    assert entered(unit_id=4) is None  # the unit's own, not the city's


@pytest.mark.parametrize(("headers", "body"), [(DEPT, {"unit_id": 5}), (OTHER, {"unit_id": 4}),
                                               (auth(1, "/1/", "admin"), {}), (COUNTY, {"unit_id": 4})])
def test_no_one_enters_another_units_form(app, client, headers, body):
    r = _enter(client, headers=headers, **body)
    assert r.status_code == 403, r.json
    assert _entries(app) == []


@pytest.mark.parametrize(("body", "field"), [
    ({"surveys": -1}, "surveys"), ({"surveys": 100001}, "surveys"), ({"surveys": 2.5}, "surveys"),
    ({"interviews": "x"}, "interviews"), ({"interviews": None}, "interviews"),
    ({"smart_qa": "maybe"}, "smart_qa"), ({"security_assessments": True}, "security_assessments"),
    ({"security_assessments": 100001}, "security_assessments"), ({"unit_id": 0}, "unit_id")])
def test_bad_input_is_refused_by_field_and_changes_nothing(app, client, body, field):
    assert _enter(client).status_code == 200
    before = _entries(app)
    r = _enter(client, **{**GOOD, "surveys": 9, **body})
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert _entries(app) == before


def test_a_missing_figure_and_a_bad_year_are_refused(app, client):
    r = client.put("/api/reports/annual/2026/entries", json={"surveys": 1}, headers=OFFICE)
    assert r.status_code == 422
    assert {"interviews", "smart_qa", "security_assessments"} <= set(r.json["errors"])
    r = _enter(client, year=2003)
    assert r.status_code == 422 and "year" in r.json["errors"]
    assert _entries(app) == []


def test_the_xlsx_holds_the_entered_values(app, client):
    _enter(client)
    r = client.get("/api/reports/annual/2026", query_string={"format": "xlsx"}, headers=OFFICE)
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = {row[1]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert [rows[i] for i in ITEMS] == [4, 6, "是", 2]


def test_entering_again_replaces_once_audited(app, client):
    _enter(client)
    _enter(client, surveys=5)
    assert _entries(app) == [(2026, 0, 5, 6, True, 2)]
    trail = [e for e in audit_trail(client, OFFICE) if e["action"] == "annual_report.enter"]
    assert len(trail) == 2
    assert "征集调查 5 期" in trail[0]["detail"] and "替换此前的：征集调查 4 期" in trail[0]["detail"]
    assert "替换" not in trail[1]["detail"]

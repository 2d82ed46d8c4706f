"""Inspections that count (N19, 国办秘函〔2019〕19号): each finding carries a 19号 indicator and its
deduction, which the unit's score loses (a line of its own, with the records behind it); a fix
past its deadline warns the unit and the inspector and is escalated to the joint-meeting office
(reminders and its to-do); the quarterly coverage of the active accounts is counted."""
import datetime as dt
import json
from urllib.parse import quote

import pytest

from govmb.timefmt import beijing_today
from govmb.unit_copy import apply_unit_changed
from services.assessment import reminders
from services.assessment.inspections import indicators
from services.assessment.models import Inspection, InspectionAccount, Unit, bus
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER, post
from tests.assessment.test_inspections import days, inspect

ASOF = quote("2027-01-01T00:00:00+08:00")


def test_the_indicator_table_names_its_source_and_each_standard_deduction(client):
    r = client.get("/api/inspections/indicators", headers=DEPT)
    assert r.status_code == 200
    assert "国办秘函〔2019〕19号" in r.json["source"]
    table = {i["code"]: i for i in r.json["indicators"]}
    assert table["update_week"]["deduction"] == 5 and table["update_week"]["group"] == "发布解读"
    assert all(0 <= i["deduction"] <= i["max"] for i in table.values())


def test_a_finding_carries_its_indicator_and_the_standard_deduction_unless_set(client):
    r = inspect(client, indicator="update_week", account_ids=[1, 2])
    assert r.status_code == 201, r.json
    assert (r.json["indicator"], r.json["deduction"], r.json["account_ids"]) == ("update_week", 5.0, [1, 2])
    assert r.json["indicator_name"].startswith("发布解读·内容更新")
    r = inspect(client, indicator="irrelevant", deduction=4)
    assert r.json["deduction"] == 4.0
    assert inspect(client).json["deduction"] == 0.0  # no indicator: nothing deducted


@pytest.mark.parametrize("fields,field", [
    ({"indicator": "everything"}, "indicator"),
    ({"indicator": "update_week", "deduction": 6}, "deduction"),  # above the indicator's most (5)
    ({"indicator": "irrelevant", "deduction": -1}, "deduction"),
    ({"deduction": 3}, "indicator"),  # a deduction needs its indicator
    ({"account_ids": [3]}, "account_ids"),  # another unit's account
    ({"account_ids": [999]}, "account_ids"),
    ({"account_ids": "1,2"}, "account_ids"),
])
def test_a_bad_indicator_deduction_or_account_names_the_field_and_changes_nothing(client, fields, field):
    r = inspect(client, **fields)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert Inspection.select().count() == 0 and InspectionAccount.select().count() == 0


def units_of(client, period="2026"):
    r = client.get(f"/api/assessment/{period}?asof={ASOF}", headers=OFFICE)
    assert r.status_code == 200, r.text
    return {u["unit_id"]: u for u in r.json["units"]}


def test_the_deductions_of_the_periods_findings_come_off_the_units_score(client):
    for day in range(1, 32):  # every account posts daily in December: no veto
        for account, unit in ((1, 4), (2, 4), (3, 5)):
            post(account, unit, f"2026-12-{day:02d}T02:00:00+00:00")
    before = units_of(client)
    # 25 + 20 + 20 (no month to count) + 10 + 10 + 15: full marks, nothing to count
    assert before[4]["score"] == 100 and before[4]["inspection_deduction"] == 0
    inspect(client, inspected_on="2026-06-01", fix_by="2026-06-15", indicator="update_week")  # 5 points
    inspect(client, inspected_on="2026-11-01", fix_by="2026-11-15", indicator="irrelevant", deduction=2.5)
    inspect(client, unit_id=5, inspected_on="2026-07-01", fix_by="2026-07-15")  # no indicator: 0
    inspect(client, inspected_on="2025-12-31", fix_by="2026-01-15", indicator="filing")  # last year: not counted
    after = units_of(client)
    assert (after[4]["inspection_deduction"], after[4]["inspection_findings"], after[4]["score"]) == (7.5, 2, 92.5)
    assert (after[5]["inspection_deduction"], after[5]["score"]) == (0, 100)
    assert [u for u in after] == [5, 4]  # ranked by the score after deductions
    q4 = units_of(client, "2026-Q4")
    assert (q4[4]["inspection_deduction"], q4[4]["score"]) == (2.5, 97.5)
    r = client.get(f"/api/assessment/2026/records?kind=inspections&unit_id=4&asof={ASOF}", headers=COUNTY)
    assert [(x["inspected_on"], x["indicator"], x["deduction"]) for x in r.json] == [
        ("2026-06-01", "update_week", 5.0), ("2026-11-01", "irrelevant", 2.5)]


def office_units(app):
    """The joint-meeting office (unit 2, an office at the top) and supervision's 委办公厅 (unit 8)."""
    with app.app_context():
        apply_unit_changed(Unit)({"id": 8, "name": "市委办公厅", "kind": "office", "parent_id": 1, "path": "/1/8/",
                                  "revision": 1}, None)


def said_reminders() -> list[dict]:
    return [json.loads(r.body) for r in bus.Outbox.select().where(bus.Outbox.event_type == "assessment.reminder.due")
            .order_by(bus.Outbox.id)]


def test_an_overdue_fix_warns_the_unit_and_the_inspector_and_is_escalated_to_the_office(app, client):
    office_units(app)
    late = inspect(client, inspected_on=days(-20), fix_by=days(-1)).json  # recorded by supervision (unit 8)
    inspect(client, inspected_on=days(-3), fix_by=days(0))  # due today: not yet overdue
    with app.app_context():
        reminders.send_due()
        overdue = [r for r in said_reminders() if r["kind"] in ("fix_overdue", "fix_escalated")]
        assert sorted((r["kind"], r["unit_id"], r["person_name"]) for r in overdue) == [
            ("fix_escalated", 2, ""), ("fix_escalated", 8, ""), ("fix_overdue", 4, ""), ("fix_overdue", 8, "测试用户")]
        assert all(r["link_kind"] == "inspection" and r["link_id"] == late["id"] for r in overdue)
        assert next(r for r in overdue if r["kind"] == "fix_escalated")["roles"] == ["joint_office"]
        assert reminders.send_due() == 0  # each said once
    todo = client.get("/api/todo", headers=OFFICE).json
    group = next(g for g in todo if g["kind"] == "fixes_overdue")
    assert (group["count"], group["overdue"], group["items"][0]["id"]) == (1, 1, late["id"])
    assert all(g["kind"] != "fixes_overdue" for g in client.get("/api/todo", headers=DEPT).json)
    client.post(f"/api/inspections/{late['id']}/report", json={"text": "已整改", "fixed_on": days(0)}, headers=DEPT)
    assert next(g for g in client.get("/api/todo", headers=OFFICE).json if g["kind"] == "fixes_overdue")["count"] == 0


def quarter() -> str:
    today = beijing_today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def test_the_quarterly_coverage_counts_the_accounts_checked_per_unit_and_city_wide(client):
    inspect(client, inspected_on=days(0), fix_by=days(10), account_ids=[1])
    if beijing_today().month in (1, 4, 7, 10) and beijing_today().day == 1:
        pytest.skip("the day before is in the last quarter")
    inspect(client, unit_id=5, inspected_on=str(beijing_today() - dt.timedelta(days=400)), fix_by=days(0),
            account_ids=[3])  # a year ago: not this quarter
    r = client.get("/api/inspections/coverage", headers=OFFICE)
    assert r.status_code == 200, r.json
    assert (r.json["accounts"], r.json["checked"], r.json["unchecked"], r.json["rate"]) == (3, 1, 2, 0.3333)
    units = client.get("/api/inspections/coverage/units", headers=OFFICE).json
    assert [(u["unit_id"], u["accounts"], u["checked"], u["rate"]) for u in units] == [(5, 1, 0, 0.0), (4, 2, 1, 0.5)]
    unchecked = client.get("/api/inspections/coverage/unchecked", headers=OFFICE).json
    assert [(a["id"], a["unit_name"]) for a in unchecked] == [(2, "东湖区民政局"), (3, "市交通运输局")]
    assert [a["id"] for a in client.get("/api/inspections/coverage/unchecked", headers=COUNTY).json] == [2]
    assert client.get("/api/inspections/coverage", headers=OTHER).json["accounts"] == 1
    assert client.get("/api/inspections/coverage?unit_id=5", headers=DEPT).status_code == 404
    bad = client.get("/api/inspections/coverage?quarter=2026-Q5", headers=OFFICE)
    assert bad.status_code == 422 and "quarter" in bad.json["errors"]
    assert client.get(f"/api/inspections/coverage?quarter={quarter()}&unit_id=3", headers=OFFICE).json["checked"] == 1


def test_the_indicator_file_is_valid(client):
    for code, row in indicators().items():
        assert row["code"] == code and row["name"] and row["group"]

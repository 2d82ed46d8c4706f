"""GET /api/todo in assessment: the fixes an inspection requires of the unit by their deadline,
the reports waiting for supervision, the unit's shifts today; never another unit's."""
import datetime as dt

from govmb.timefmt import beijing_today, to_beijing, utcnow
from services.assessment.models import Inspection
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.assessment.test_inspections import SUPERVISION, days, inspect
from tests.assessment.test_roster import shift


def todo(client, headers) -> dict:
    r = client.get("/api/todo", headers=headers)
    assert r.status_code == 200, r.json
    return {g["kind"]: g for g in r.json}


def test_fixes_wait_for_the_unit_overdue_first_then_for_supervision(client):
    later = inspect(client).json["id"]
    today = inspect(client, fix_by=days(0)).json["id"]
    late = inspect(client, fix_by=days(0)).json["id"]
    Inspection.update(fix_by=beijing_today() - dt.timedelta(days=2)).where(Inspection.id == late).execute()
    fixes = todo(client, DEPT)["fixes"]
    assert (fixes["count"], fixes["overdue"], fixes["due_soon"], fixes["due_today"]) == (3, 1, 1, 1)
    assert [i["id"] for i in fixes["items"]] == [late, today, later]
    assert fixes["items"][1]["due_at"].startswith(f"{beijing_today() + dt.timedelta(days=1)}T00:00:00+08:00")
    assert fixes["items"][0]["unit_name"] == "东湖区民政局"
    assert todo(client, OTHER)["fixes"]["count"] == 0  # another unit's fixes are not its own
    assert "fixes" not in todo(client, SUPERVISION)
    r = client.post(f"/api/inspections/{later}/report", json={"text": "已恢复更新", "fixed_on": days(0)}, headers=DEPT)
    assert r.status_code == 200, r.json
    assert todo(client, DEPT)["fixes"]["count"] == 2
    review = todo(client, SUPERVISION)["fixes_to_review"]
    assert review["count"] == 1 and review["items"][0]["id"] == later
    assert todo(client, OFFICE)["fixes_to_review"]["count"] == 1
    assert "fixes_to_review" not in todo(client, DEPT)


def test_today_s_shifts_of_the_unit_and_not_yesterday_s(client):
    now = to_beijing(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    on = shift(client, (now - dt.timedelta(hours=1)).isoformat(), (now + dt.timedelta(hours=1)).isoformat())
    assert on.status_code == 201, on.json
    shift(client, (now - dt.timedelta(days=2)).isoformat(), (now - dt.timedelta(days=1, hours=23)).isoformat())
    shifts = todo(client, DEPT)["shifts"]
    assert shifts["count"] == 1 and shifts["items"][0]["title"] == "马丽"
    assert "0791-8888 1234" in shifts["items"][0]["detail"]
    assert todo(client, OTHER)["shifts"]["count"] == 0
    assert todo(client, COUNTY)["shifts"]["count"] == 0  # the unit's own roster, not the units' below

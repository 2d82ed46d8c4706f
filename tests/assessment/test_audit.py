"""Assessment's audit trail: a duty shift or a training attendee deleted, an inspection's fix
accepted or rejected, each leave exactly one row naming who; a refused one leaves none."""
import datetime as dt

from govmb.timefmt import beijing_today
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.assessment.test_inspections import SUPERVISION, inspect
from tests.assessment.test_roster import shift
from tests.assessment.test_training import record
from tests.conftest import audit_trail


def trail(client, **params):
    return audit_trail(client, OFFICE, **params)


def test_a_deleted_shift_leaves_one_row_and_a_refused_deletion_none(client):
    day = beijing_today() + dt.timedelta(days=1)
    s = shift(client, f"{day}T08:00:00", f"{day}T20:00:00", person_name="马丽").json
    assert trail(client) == []  # entering a shift is not audited; deleting one is
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=OTHER).status_code == 404  # another unit's
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=COUNTY).status_code == 403  # sees it, may not
    assert trail(client) == []
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=DEPT).status_code == 204
    rows = trail(client)
    assert [(r["action"], r["actor_id"], r["subject_id"], r["subject_name"]) for r in rows] == [
        ("duty_shift.delete", 13, str(s["id"]), "马丽")]
    assert rows[0]["detail"] == f"{day} 08:00 至 {day} 20:00；账号 1" and rows[0]["unit_name"] == "东湖区民政局"
    assert client.delete(f"/api/roster/shifts/{s['id']}", headers=DEPT).status_code == 404
    assert len(trail(client)) == 1


def test_a_deleted_training_attendee_leaves_one_row(client):
    s = record(client).json
    first = s["attendees"][0]
    url = f"/api/training/sessions/{s['id']}/attendees"
    assert client.delete(f"{url}/{first['id']}", headers=DEPT).status_code == 403
    assert client.delete(f"{url}/99999", headers=OFFICE).status_code == 404
    assert trail(client) == []
    assert client.delete(f"{url}/{first['id']}", headers=OFFICE).status_code == 204
    rows = trail(client)
    assert [(r["action"], r["actor_id"], r["subject_name"], r["unit_path"]) for r in rows] == [
        ("training_attendee.delete", 30, first["person_name"], "/1/3/4/")]
    assert rows[0]["detail"] == f"培训：{s['held_on']} 政务微博运营与舆情应对（登记人 测试用户）"


def test_an_inspection_s_review_leaves_one_row_per_decision(client):
    i = inspect(client).json
    fix = {"text": "已整改", "fixed_on": beijing_today().isoformat()}
    client.post(f"/api/inspections/{i['id']}/report", json=fix, headers=DEPT)
    assert client.post(f"/api/inspections/{i['id']}/review", json={"accept": False}, headers=SUPERVISION).status_code == 422
    assert trail(client) == []  # recording and reporting are not decisions; a refused review leaves nothing
    client.post(f"/api/inspections/{i['id']}/review", json={"accept": False, "comment": "留言仍未回复"}, headers=SUPERVISION)
    client.post(f"/api/inspections/{i['id']}/report", json=fix, headers=DEPT)
    client.post(f"/api/inspections/{i['id']}/review", json={"accept": True}, headers=SUPERVISION)
    rows = trail(client, subject_type="inspection", subject_id=i["id"])
    assert [(r["action"], r["actor_id"]) for r in rows] == [("inspection.accept", 40), ("inspection.reject", 40)]
    assert rows[1]["detail"] == f"整改期限 {i['fix_by']}；意见：留言仍未回复"
    assert rows[1]["actor_roles"] == ["supervision"] and rows[1]["action_name"] == "督查：整改验收不通过"


def test_only_the_city_wide_roles_read_assessment_s_trail(client):
    for refused in (DEPT, COUNTY, OTHER):
        assert client.get("/api/audit", headers=refused).status_code == 403
    assert client.get("/api/audit", headers=SUPERVISION).status_code == 200
    assert client.patch("/api/audit", json={}, headers=OFFICE).status_code == 405

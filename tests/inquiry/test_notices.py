"""问题通报单: issued by importance, type and responsible department; replied; counted."""
from govmb.unit_copy import apply_unit_changed
from services.inquiry.models import Unit, bus
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, JOINT, OTHER


def units(app):
    with app.app_context():
        for uid, path in ((3, "/1/3/"), (4, "/1/3/4/"), (5, "/1/5/")):
            apply_unit_changed(Unit)({"id": uid, "name": f"单位{uid}", "kind": "department", "parent_id": 1,
                                      "path": path, "revision": 1}, None)


NOTICE = {"title": "自来水发黄", "importance": "high", "kind": "供水", "content": "近一日多条负面留言反映自来水发黄", "unit_id": 4}


def test_a_notice_is_issued_replied_and_counted(client, app):
    units(app)
    assert client.post("/api/notices", json=NOTICE, headers=DEPT_STAFF).status_code == 403  # an operator does not issue
    n = client.post("/api/notices", json=NOTICE, headers=JOINT).json
    assert n["status"] == "issued"
    assert client.post(f"/api/notices/{n['id']}/reply", json={"reply": "已处理"}, headers=OTHER).status_code == 404
    assert client.post(f"/api/notices/{n['id']}/reply", json={"reply": "  "}, headers=DEPT_STAFF).status_code == 422
    r = client.post(f"/api/notices/{n['id']}/reply", json={"reply": "已冲洗管网，水质恢复"}, headers=DEPT_STAFF)
    assert r.json["status"] == "replied"
    assert client.post(f"/api/notices/{n['id']}/reply", json={"reply": "again"}, headers=DEPT_STAFF).status_code == 409
    client.post("/api/notices", json={**NOTICE, "title": "噪音"}, headers=COUNTY)  # a superior issues too
    assert client.get("/api/notices/counts", headers=JOINT).json == [
        {"unit_id": 4, "unit_name": "单位4", "issued": 2, "replied": 1}]
    assert [x["title"] for x in client.get("/api/notices", headers=OTHER).json] == []
    assert len([e for e in bus.Outbox.select() if e.event_type == "inquiry.notice.changed"]) == 3


def test_a_notice_goes_only_to_a_unit_in_the_issuers_sight(client, app):
    units(app)
    r = client.post("/api/notices", json={**NOTICE, "unit_id": 5}, headers=COUNTY)
    assert r.status_code == 422 and "unit_id" in r.json["errors"]

"""The managing unit (管理部门, X6) in assessment: its staff enter the followers of the account it
manages and record and complete its security incidents (the figures and the veto stay the
certified unit's); another unit does neither."""
from govmb.account_copy import apply_account_snapshot
from services.assessment.models import Account, FollowerCount, SecurityIncident
from tests.assessment.conftest import OTHER
from tests.assessment.test_followers import days, enter
from tests.assessment.test_incidents import incident
from tests.conftest import auth
from tests.publishing.conftest import account

CENTRE = auth(6, "/1/3/6/", "operator", person=61)


def test_the_managing_units_staff_enter_followers_and_record_incidents(app, client):
    with app.app_context():
        apply_account_snapshot(Account)({**account(1), "managing_unit_id": 6, "managing_unit_path": "/1/3/6/",
                                         "revision": 2}, None)
    assert enter(client, 900, headers=CENTRE).status_code in (200, 201)
    assert enter(client, 900, account_id=3, headers=CENTRE).status_code == 422  # not one it manages
    listed = client.get(f"/api/followers?from={days(-3).isoformat()}", headers=CENTRE).json
    assert [row["account_id"] for row in listed] == [1]
    r = incident(client, headers=CENTRE)
    assert r.status_code == 201, r.json
    assert r.json["unit_name"] == "东湖区民政局"  # the certified unit's incident (the veto is its)
    assert client.get(f"/api/incidents/{r.json['id']}", headers=CENTRE).json["runs"] is True
    r2 = client.patch(f"/api/incidents/{r.json['id']}", json={"handled_at": "2026-06-01T10:00:00+08:00"},
                      headers=CENTRE)
    assert r2.status_code == 200 and r2.json["handled"] is True
    assert client.get(f"/api/incidents/{r.json['id']}", headers=OTHER).status_code == 404
    assert incident(client, headers=OTHER).status_code == 422
    with app.app_context():
        assert FollowerCount.select().count() == 1 and SecurityIncident.select().count() == 1

"""The managing unit (管理部门, X6) in inquiry: its staff see and handle the messages to the account
it manages while they are with the account's own unit, and nothing else."""
from govmb.account_copy import apply_account_snapshot
from services.inquiry.models import Account, Message
from tests.conftest import auth
from tests.inquiry.conftest import DEPT_STAFF, OTHER, message
from tests.publishing.conftest import account

CENTRE = auth(6, "/1/3/6/", "operator", person=61)  # 东湖区融媒体中心, managing account 1 of unit 4


def act(client, mid, action, headers, **body):
    return client.post(f"/api/messages/{mid}/actions/{action}", json=body, headers=headers)


def test_the_managing_units_staff_handle_the_accounts_messages(app, client):
    with app.app_context():
        apply_account_snapshot(Account)({**account(1), "managing_unit_id": 6, "managing_unit_path": "/1/3/6/",
                                         "revision": 2}, None)
    mine = message(client, headers=CENTRE).json  # entered by the managing unit for the account
    theirs = message(client, account_id=3, headers=OTHER).json
    assert mine["unit_id"] == 4
    assert [m["id"] for m in client.get("/api/messages", headers=CENTRE).json] == [mine["id"]]
    assert client.get(f"/api/messages/{theirs['id']}", headers=CENTRE).status_code == 404
    assert client.get(f"/api/messages/{mine['id']}", headers=CENTRE).json["runs"] is True  # the page's buttons
    assert act(client, mine["id"], "reply", CENTRE, text="您好，已安排维修。").json["status"] == "replied"
    assert client.get(f"/api/messages/{mine['id']}/contact", headers=CENTRE).json["citizen_contact"] == "13800000000"
    assert message(client, account_id=3, headers=CENTRE).status_code == 422  # not an account it manages
    # transferred to another unit, the message is that unit's: the managing unit neither sees nor handles it
    other = message(client, headers=DEPT_STAFF).json
    with app.app_context():  # as an accepted transfer leaves it (tests/inquiry/test_transfers.py)
        Message.update(unit_id=5, unit_path="/1/5/").where(Message.id == other["id"]).execute()
    assert client.get(f"/api/messages/{other['id']}", headers=CENTRE).status_code == 404
    assert act(client, other["id"], "reply", CENTRE, text="x").status_code == 404


def test_the_managing_units_office_finds_a_held_reply_in_its_to_do(app, client):
    """The managing unit's office may check a held reply (`replies.decide`): its to-do says so."""
    from tests.inquiry.test_reply_review import FLAGGED
    with app.app_context():
        apply_account_snapshot(Account)({**account(1), "managing_unit_id": 6, "managing_unit_path": "/1/3/6/",
                                         "revision": 2}, None)
    mid = message(client, headers=CENTRE).json["id"]
    assert act(client, mid, "reply", CENTRE, text=FLAGGED).json["review_waiting"] is True
    office = auth(6, "/1/3/6/", "responsible_office", person=62)
    groups = {g["kind"]: g for g in client.get("/api/todo", headers=office).json}
    assert groups["replies_check"]["count"] == 1 and groups["replies_check"]["items"][0]["id"] == mid
    r = client.post(f"/api/messages/{mid}/review/approve", json={}, headers=office)
    assert r.status_code == 200 and r.json["review"]["stage"] == "leader"


def test_the_managing_unit_marks_an_accounts_message_invalid_and_finds_it_in_the_list(app, client):
    with app.app_context():
        apply_account_snapshot(Account)({**account(1), "managing_unit_id": 6, "managing_unit_path": "/1/3/6/",
                                         "revision": 2}, None)
    mid = message(client, headers=CENTRE, text="加微信领取优惠券，点击链接").json["id"]
    r = client.post(f"/api/messages/{mid}/invalid", json={"kind": "advertising", "reason": "商业广告"}, headers=CENTRE)
    assert r.status_code == 200, r.json
    assert [m["id"] for m in client.get("/api/invalid-messages", headers=CENTRE).json] == [mid]
    assert client.get("/api/invalid-messages", headers=OTHER).json == []

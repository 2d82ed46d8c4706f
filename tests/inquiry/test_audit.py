"""Inquiry's audit trail: a transfer sent, accepted, returned with its reason and decided on
by the office each leave exactly one row naming who; a refused one leaves none."""
from tests.conftest import audit_trail, auth
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, INTAKE, JOINT, OTHER, message
from tests.inquiry.test_transfers import answer, make_units, transfer


def trail(client, **params):
    return audit_trail(client, JOINT, **params)


def test_a_transfer_s_life_leaves_one_row_per_decision(client, app):
    make_units(app)
    mid = message(client).json["id"]
    assert trail(client) == []  # a message taken in is not a decision
    t = transfer(client, mid, 5).json
    sent = trail(client)
    assert [(r["action"], r["actor_id"], r["subject_id"], r["subject_name"]) for r in sent] == [
        ("transfer.send", 30, str(t["id"]), f"留言 {mid}")]
    assert sent[0]["detail"] == "单位4 → 单位5；请核实处理" and sent[0]["unit_path"] == "/1/5/"

    answer(client, t["id"], OTHER, False, "不属本单位职责")
    returned = trail(client)[0]
    assert (returned["action"], returned["actor_id"]) == ("transfer.return", 31)
    assert returned["detail"] == "单位4 → 单位5；退回理由：不属本单位职责" and returned["action_name"] == "转办：承办单位退回"

    again = client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 3, "note": "请东湖区办理"}, headers=JOINT)
    rows = trail(client)
    assert len(rows) == 3  # the decision is one row, though it sends a new transfer
    assert (rows[0]["action"], rows[0]["subject_id"]) == ("transfer.reassign", str(t["id"]))
    assert rows[0]["detail"] == f"改派（新转办 {again.json['id']}）：单位4 → 单位3；请东湖区办理"

    answer(client, again.json["id"], COUNTY, True)
    accepted = trail(client)[0]
    assert (accepted["action"], accepted["actor_id"], accepted["subject_id"]) == (
        "transfer.accept", 21, str(again.json["id"]))


def test_the_office_may_leave_a_returned_message_where_it_is(client, app):
    make_units(app)
    t = transfer(client, message(client).json["id"], 5).json
    answer(client, t["id"], OTHER, False, "不属本单位职责")
    empty = client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 4, "note": " "}, headers=JOINT)
    assert empty.status_code == 422 and "note" in empty.json["errors"]  # issue 17: a decision says what it is
    r = client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 4, "note": "职责清楚，请原单位办理"},
                    headers=JOINT)
    assert r.status_code == 201
    decided = trail(client)[0]
    assert (decided["action"], decided["detail"], decided["unit_path"]) == (
        "transfer.reassign", "仍交单位4办理；职责清楚，请原单位办理", "/1/3/4/")
    assert len(trail(client)) == 3


def test_a_refused_transfer_leaves_no_row(client, app):
    make_units(app)
    mid = message(client).json["id"]
    assert transfer(client, mid, 5, DEPT_STAFF).status_code == 403  # an operator does not route
    assert transfer(client, mid, 999).status_code == 422  # no such unit
    t = transfer(client, mid, 5).json
    assert transfer(client, mid, 3).status_code == 409  # one pending transfer at a time
    assert answer(client, t["id"], OTHER, False).status_code == 422  # a return needs its reason
    assert client.post(f"/api/transfers/{t['id']}/reassign", json={"to_unit_id": 3}, headers=JOINT).status_code == 409
    assert [r["action"] for r in trail(client)] == ["transfer.send"]


def test_only_the_city_wide_roles_read_inquiry_s_trail(client):
    for refused in (DEPT_STAFF, COUNTY, INTAKE):
        assert client.get("/api/audit", headers=refused).status_code == 403
    assert client.get("/api/audit", headers=auth(1, "/1/", "audit_admin", person=901)).status_code == 200
    assert client.get("/api/audit", headers=auth(1, "/1/", "admin", person=902)).status_code == 403  # 三员分立
    assert client.put("/api/audit", json={}, headers=JOINT).status_code == 405

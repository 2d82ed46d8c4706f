"""三审三校: a proof-reading step (校对) between drafting and 核稿, switched on by the joint-meeting
office for the city or by a unit for itself; a proof-reader other than the writer passes it or
returns it."""
import pytest

from services.publishing.models import Draft, ProofreadingSetting, ReviewStep
from tests.conftest import audit_trail, auth
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER, PATH, UNIT, act, draft

PRINCIPAL = auth(UNIT, PATH, "principal_leader", person=10)
OTHER_OPERATOR = auth(UNIT, PATH, "operator", person=14)
OTHER_UNIT_OPERATOR = auth(5, "/1/5/", "operator", person=22)
SUPERVISION = auth(2, "/1/2/", "supervision", person=31)


def switch(client, scope, enabled, headers):
    return client.put(f"/api/proofreading/{scope}", json={"enabled": enabled}, headers=headers)


def test_off_by_default_a_submission_goes_straight_to_the_office(client):
    assert client.get("/api/proofreading", headers=OPERATOR).json["effective"] is False
    d = draft(client).json
    assert act(client, d["id"], "submit", OPERATOR).json["status"] == "submitted"


@pytest.mark.parametrize("scope,headers,code", [
    ("unit", OPERATOR, 403), ("unit", LEADER, 403), ("unit", JOINT, 403), ("city", OFFICE, 403),
    ("city", SUPERVISION, 403), ("city", PRINCIPAL, 403),
    ("unit", PRINCIPAL, 200), ("unit", OFFICE, 200), ("city", JOINT, 200)])
def test_who_may_switch_it(client, scope, headers, code):
    r = switch(client, scope, True, headers)
    assert r.status_code == code
    assert ProofreadingSetting.select().count() == (1 if code == 200 else 0)


def test_bad_input_names_the_field_and_changes_nothing(client):
    for body in ({}, {"enabled": "maybe"}, {"enabled": None}):
        r = client.put("/api/proofreading/unit", json=body, headers=PRINCIPAL)
        assert r.status_code == 422 and "enabled" in r.json["errors"]
    assert ProofreadingSetting.select().count() == 0


def test_a_unit_switches_it_on_for_itself_alone(client):
    assert switch(client, "unit", True, PRINCIPAL).json["effective"] is True
    assert client.get("/api/proofreading", headers=OTHER_UNIT_OPERATOR).json["effective"] is False
    assert [r["action"] for r in audit_trail(client, JOINT, action="proofreading.set")] == ["proofreading.set"]
    assert switch(client, "unit", False, OFFICE).json["effective"] is False


def test_a_unit_cannot_switch_it_off_while_the_city_has_it_on(client):
    assert switch(client, "city", True, JOINT).json["city"] is True
    state = client.get("/api/proofreading", headers=OPERATOR).json
    assert state["effective"] is True and state["unit"] is False
    r = switch(client, "unit", False, PRINCIPAL)
    assert r.status_code == 422 and "全市已开启" in r.json["errors"]["enabled"][0]


def test_proofread_by_another_then_checked_as_today(client):
    switch(client, "unit", True, PRINCIPAL)
    d = draft(client).json
    r = act(client, d["id"], "submit", OPERATOR)
    assert r.json["status"] == "proofreading" and r.json["status_name"] == "待校对"
    assert act(client, d["id"], "check", OFFICE).status_code == 409  # not before proof-reading
    assert act(client, d["id"], "proofread", OPERATOR).status_code == 403  # not the writer
    assert act(client, d["id"], "proofread", LEADER).status_code == 403  # a leader approves, does not proof-read
    assert act(client, d["id"], "proofread", OTHER_UNIT_OPERATOR).status_code == 404
    assert "proofread" not in client.get(f"/api/drafts/{d['id']}", headers=OPERATOR).json["actions"]
    r = act(client, d["id"], "proofread", OTHER_OPERATOR, comment="已核对数字和人名")
    assert r.status_code == 200 and r.json["status"] == "submitted"
    assert act(client, d["id"], "check", OFFICE, acknowledge=True).json["status"] == "checked"
    assert act(client, d["id"], "approve", LEADER).json["status"] == "approved"
    steps = [(s.action, s.to_status, s.comment) for s in ReviewStep.select().where(ReviewStep.draft == d["id"])
             .order_by(ReviewStep.id)]
    assert steps[1:4] == [("submit", "proofreading", ""), ("proofread", "submitted", "已核对数字和人名"),
                          ("check", "checked", "")]
    assert [r["action"] for r in audit_trail(client, JOINT, action="draft.proofread")] == ["draft.proofread"]


def test_the_proofreader_returns_it_with_a_reason(client):
    switch(client, "city", True, JOINT)
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    assert act(client, d["id"], "return", OPERATOR, comment="自己退回").status_code == 403  # the writer withdraws instead
    r = act(client, d["id"], "return", OTHER_OPERATOR)
    assert r.status_code == 422 and "comment" in r.json["errors"]
    assert Draft.get_by_id(d["id"]).status == "proofreading"
    r = act(client, d["id"], "return", OFFICE, comment="第二句有错别字")
    assert r.json["status"] == "returned"
    assert act(client, d["id"], "submit", OPERATOR).json["status"] == "proofreading"  # again through 校对


def test_the_proofreaders_to_do_and_queue(client):
    switch(client, "unit", True, PRINCIPAL)
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    theirs = {g["kind"]: g for g in client.get("/api/todo", headers=OTHER_OPERATOR).json}
    assert theirs["drafts_to_proofread"]["count"] == 1
    assert theirs["drafts_to_proofread"]["items"][0]["id"] == d["id"]
    mine = {g["kind"]: g for g in client.get("/api/todo", headers=OPERATOR).json}
    assert mine.get("drafts_to_proofread", {"count": 0})["count"] == 0  # the writer does not proof-read their own
    queue = client.get("/api/drafts", query_string={"queue": "true"}, headers=OFFICE).json
    assert [x["id"] for x in queue] == [d["id"]]


def test_the_fast_track_is_unaffected(client):
    switch(client, "unit", True, PRINCIPAL)
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    submitted = Draft.get_by_id(d["id"]).submitted_at
    r = act(client, d["id"], "fast_track", OPERATOR, channel="phone", approver_id=11,
            approved_at=submitted.isoformat() + "+00:00")
    assert r.status_code == 200 and r.json["status"] == "approved"


def test_other_units_and_the_office_cannot_proofread(client):
    switch(client, "unit", True, PRINCIPAL)
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    assert act(client, d["id"], "proofread", JOINT).status_code == 403
    assert act(client, d["id"], "proofread", OTHER_LEADER).status_code == 404

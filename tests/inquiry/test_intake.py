"""Messages posted by other systems with a system's token (the intake role): into the
token's subtree only, to running accounts only, and no other route of any service."""
import datetime as dt

import pytest

from govmb.account_copy import apply_account_snapshot
from services.inquiry.models import Account, Message, MessageStep
from tests.inquiry.conftest import DEPT_STAFF, HALL, INTAKE, JOINT, refused_everywhere, system_auth
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for

BODY = {"account_id": 1, "kind": "private", "citizen_handle": "12345来电 王女士", "citizen_contact": "13900000000",
        "text": "反映学校周边占道经营，影响学生上下学。"}


def intake(client, headers=INTAKE, **fields):
    return client.post("/api/intake/messages", json={**BODY, **fields}, headers=headers)


def test_a_client_system_posts_into_its_subtree_and_the_unit_sees_the_channel(client):
    r = intake(client, received_at="2026-09-30T10:00:00+08:00")
    assert r.status_code == 201, r.json
    assert r.json["reply_due_at"] == "2026-10-01T10:00:00+08:00" and r.json["feedback_due_at"] == "2026-10-11T00:00:00+08:00"
    assert r.json["source"] == "api" and r.json["status_name"] == "待回复"
    assert "citizen_handle" not in r.json and "text" not in r.json  # a receipt, not the message
    seen = client.get(f"/api/messages/{r.json['id']}", headers=DEPT_STAFF).json
    assert (seen["source"], seen["source_name"], seen["via"]) == ("api", "其他系统推送", "12345热线")
    assert seen["citizen_handle"] == "1****士" and seen["category"]  # masked in the page; a suggested category
    whole = client.get(f"/api/messages/{r.json['id']}/contact", headers=DEPT_STAFF).json
    assert whole["citizen_handle"] == "12345来电 王女士"  # the handling unit reads it whole
    step = MessageStep.get(MessageStep.message == r.json["id"])
    assert (step.actor_id, step.actor_name) == (0, "12345热线")  # a system, not a person


def test_a_client_system_is_refused_outside_its_subtree_and_for_an_account_not_running(client, app):
    outside = intake(client, account_id=3)  # account 3 is 西湖区's (/1/5/)
    assert outside.status_code == 422 and "管辖范围" in outside.json["errors"]["account_id"][0]
    assert intake(client, headers=system_auth(5, "/1/5/"), account_id=1).status_code == 422
    with app.app_context():
        apply_account_snapshot(Account)({**account(1, status="closing_requested"), "revision": 2}, None)
    closed = intake(client)
    assert closed.status_code == 422 and "正常运行" in closed.json["errors"]["account_id"][0]
    assert Message.select().count() == 0


def test_the_category_is_not_the_posting_systems_to_set_and_bad_fields_are_named(client):
    r = intake(client, category="praise")
    assert r.status_code == 422 and r.json["errors"] == {"category": ["不接受此字段"]}
    r = intake(client, kind="", text="")
    assert r.status_code == 422 and set(r.json["errors"]) == {"kind", "text"}


def test_the_public_hall_posts_with_the_hall_channel(client):
    r = intake(client, headers=HALL, citizen_contact="")
    assert r.status_code == 201 and (r.json["source"], r.json["source_name"]) == ("hall", "政务微博大厅")
    assert client.get(f"/api/messages/{r.json['id']}", headers=DEPT_STAFF).json["via"] == ""


def test_a_persons_token_does_not_post_through_the_intake_route(client):
    assert intake(client, headers=DEPT_STAFF).status_code == 403
    assert intake(client, headers=JOINT).status_code == 403
    assert intake(client, headers={}).status_code == 401


def test_a_system_token_gets_nothing_else_from_inquiry(app):
    checked = refused_everywhere(app, INTAKE, allowed={("POST", "/api/intake/messages"), ("POST", "/api/intake/messages/batch"),
                                                       ("GET", "/api/intake/messages/<int:message_id>")})  # its own
    assert checked >= 20  # every list, message, step, transfer, notice, calendar and copy route


@pytest.mark.parametrize("service", ["registry", "publishing"])
def test_a_system_token_gets_nothing_from_the_other_services(tmp_path, service):
    app = migrated_app(service, settings_for(service, f"sqlite:///{tmp_path / (service + '.db')}"))
    assert refused_everywhere(app, INTAKE) >= 10


def batch(client, messages, headers=INTAKE):
    return client.post("/api/intake/messages/batch", json={"messages": messages}, headers=headers)


def test_a_batch_is_taken_whole_with_a_receipt_for_each_message_in_order(client):
    items = [{**BODY, "citizen_handle": f"12345来电{i}", "platform": "sina", "platform_message_id": f"S{i}",
              "received_at": "2026-09-30T10:00:00+08:00"} for i in range(3)]
    r = batch(client, items)
    assert r.status_code == 201, r.json
    receipts = r.json["received"]
    assert [x["feedback_due_at"] for x in receipts] == ["2026-10-11T00:00:00+08:00"] * 3
    stored = {m.id: m for m in Message.select()}
    assert [stored[x["id"]].citizen_handle.plain() for x in receipts] == ["12345来电0", "12345来电1", "12345来电2"]
    assert {s.message_id for s in MessageStep.select()} == set(stored) and len(stored) == 3


def test_a_batch_with_one_bad_message_stores_none_and_names_each_bad_one(client, app):
    with app.app_context():
        apply_account_snapshot(Account)({**account(1), "revision": 2}, None)
    intake(client, platform="sina", platform_message_id="OLD")
    good = {**BODY, "platform": "sina"}
    r = batch(client, [{**good, "platform_message_id": "A"}, {**good, "account_id": 3},  # 西湖区's: out of sight
                       {**good, "platform_message_id": "OLD"}, {**good, "platform_message_id": "A"},
                       {**good, "received_at": "2099-01-01T00:00:00+08:00"}])
    assert r.status_code == 422
    errors = r.json["errors"]["messages"]
    assert set(errors) == {"1", "2", "3", "4"}
    assert "管辖范围" in errors["1"]["account_id"][0] and "已录入" in errors["2"]["platform_message_id"][0]
    assert "同一批" in errors["3"]["platform_message_id"][0] and "晚于现在" in errors["4"]["received_at"][0]
    assert Message.select().count() == 1  # only the one posted before
    malformed = batch(client, [{**good, "kind": "rumour"}])
    assert malformed.status_code == 422 and "kind" in malformed.json["errors"]["messages"]["0"]
    assert batch(client, []).status_code == 422 and batch(client, [good] * 501).status_code == 422
    assert batch(client, [good], headers=DEPT_STAFF).status_code == 403  # systems only


def test_a_lone_surrogate_in_the_text_is_refused_with_400_and_stores_nothing(client):
    body = '{"account_id": 1, "kind": "comment", "citizen_handle": "@x", "text": "\\ud800 坏字符"}'
    r = client.post("/api/intake/messages", data=body, content_type="application/json", headers=INTAKE)
    assert r.status_code == 400 and "代理项" in r.json["detail"]
    assert Message.select().count() == 0


def test_a_calendar_entry_rolled_back_does_not_stay_in_the_cache(client, app):
    from govmb.auth import Identity
    from services.inquiry import handling
    from tests.inquiry.conftest import JOINT
    office = Identity(30, "联席办", 2, "/1/2/", frozenset({"joint_office"}))
    with app.app_context(), handling.db.atomic() as txn:  # an entry whose transaction fails after the recompute
        handling.enter_notice([{"day": dt.date(2026, 10, 12), "workday": False}], office)
        txn.rollback()
    r = client.post("/api/calendar-days", json={"days": [{"day": "2026-10-09", "workday": False}]}, headers=JOINT)
    assert r.status_code == 200  # the same version number as the rolled-back entry reached
    due = intake(client, received_at="2026-09-30T10:00:00+08:00").json["feedback_due_at"]
    assert due == "2026-10-13T00:00:00+08:00"  # 10-08, 10-10, 10-12: the committed entry, not the rolled-back one

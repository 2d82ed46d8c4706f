"""Connecting an account to a platform's API (issue 20): the credentials the adapter asks for,
each required and bounded, no others; sealed, never in an answer, the audit trail or the log; who
may connect (the staff of the unit running the account), replace and disconnect; one event each."""
from __future__ import annotations

import json
import logging

import pytest

from govmb.config import load
from services.publishing.models import PlatformConnection, bus
from tests.conftest import audit_trail, auth
from tests.platform_adapter import TARGET
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER

SECRET, OTHER_SECRET = "tok-9f8e7d6c5b4a3210", "sec-0a1b2c3d4e5f6789"
GOOD = {"account_uid": "5012345678", "credentials": {"access_token": SECRET, "app_secret": OTHER_SECRET}}
ADMIN = auth(1, "/1/", "admin", person=40)
MANAGING = auth(6, "/1/6/", "operator", person=60)


@pytest.fixture(autouse=True)
def adapter(monkeypatch):
    monkeypatch.setenv("GOVMB_PLATFORM_ADAPTERS", f"sina:{TARGET}")
    load()
    yield
    monkeypatch.undo()
    load()


def put(client, body=None, headers=OPERATOR, account=1, platform="sina"):
    return client.put(f"/api/accounts/{account}/connections/{platform}", json=GOOD if body is None else body,
                      headers=headers)


def events():
    return [json.loads(r.body) for r in bus.Outbox.select().order_by(bus.Outbox.id)
            if r.event_type == "publishing.connection.changed"]


def test_the_platforms_with_an_adapter_name_their_credentials(client):
    r = client.get("/api/platform-adapters", headers=OPERATOR)
    assert r.status_code == 200
    assert r.json == [{"platform": "sina", "platform_name": "新浪网", "credentials": [
        {"name": "access_token", "label": "访问令牌"}, {"name": "app_secret", "label": "应用密钥"}]}]


def test_connect_replace_and_disconnect_each_once_with_its_event_and_audit_row(client, app):
    r = put(client)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "connected" and r.json["credentials_kept"] is True and r.json["revision"] == 1
    assert r.json["account_uid"] == "5012345678" and r.json["connected_by"] and r.json["may_change"]
    listed = {c["platform"]: c for c in client.get("/api/accounts/1/connections", headers=LEADER).json}
    assert listed["sina"]["status_name"] == "已连接" and listed["xinhua"]["status"] == "none"
    assert listed["xinhua"]["has_adapter"] is False and listed["sina"]["has_adapter"] is True
    with app.app_context():
        row = PlatformConnection.get()
        assert SECRET not in row.credentials.token and repr(row.credentials) == "<sealed platform_connection.credentials>"
        from services.publishing.connections import connection_of
        assert connection_of(row).credentials == {"access_token": SECRET, "app_secret": OTHER_SECRET}
        with PlatformConnection._meta.database.atomic():
            PlatformConnection.update(status="expired", error="token expired").execute()
    r = put(client, {"account_uid": "5012345678", "credentials": {"access_token": "new-token", "app_secret": "s2"}},
            headers=OFFICE)
    assert (r.json["status"], r.json["revision"], r.json["error"]) == ("connected", 2, "")
    r = client.delete("/api/accounts/1/connections/sina", headers=OPERATOR)
    assert (r.json["status"], r.json["credentials_kept"], r.json["revision"]) == ("disabled", False, 3)
    with app.app_context():
        assert PlatformConnection.get().credentials == ""
        sent = events()
    assert [(e["status"], e["revision"]) for e in sent] == [("connected", 1), ("connected", 2), ("disabled", 3)]
    rows = audit_trail(client, JOINT, subject_type="platform_connection")
    assert [x["action"] for x in rows] == ["platform_connection.disconnect", "platform_connection.replace",
                                           "platform_connection.connect"]
    assert rows[-1]["detail"] == "平台：新浪网；平台账号：5012345678" and rows[-1]["subject_name"] == "账号1"
    assert client.delete("/api/accounts/1/connections/sina", headers=OPERATOR).status_code == 409
    r = put(client)  # connected again after a disconnection: a connection, not a replacement
    assert r.json["revision"] == 4
    assert audit_trail(client, JOINT, subject_type="platform_connection")[0]["action"] == "platform_connection.connect"


@pytest.mark.parametrize("body, field", [
    ({"account_uid": "5012345678", "credentials": {"access_token": SECRET}}, "app_secret"),
    ({"account_uid": "5012345678", "credentials": {"access_token": SECRET, "app_secret": "  "}}, "app_secret"),
    ({"account_uid": "5012345678", "credentials": {**GOOD["credentials"], "password": "x"}}, "password"),
    ({"account_uid": "5012345678", "credentials": {**GOOD["credentials"], "app_secret": "x" * 2001}}, "app_secret"),
    ({"account_uid": "5012345678", "credentials": {**GOOD["credentials"], "app_secret": 12}}, "app_secret"),
])
def test_each_credential_is_required_bounded_and_no_other_taken(client, app, body, field):
    r = put(client, body)
    assert r.status_code == 422 and field in r.json["errors"]["credentials"], r.json
    with app.app_context():
        assert PlatformConnection.select().count() == 0 and events() == []


@pytest.mark.parametrize("body, field", [
    ({"credentials": GOOD["credentials"]}, "account_uid"),
    ({"account_uid": " ", "credentials": GOOD["credentials"]}, "account_uid"),
    ({"account_uid": "1", "credentials": "token"}, "credentials"),
    ({"account_uid": "1"}, "credentials"),
])
def test_the_account_uid_and_the_credentials_object_are_required(client, body, field):
    r = put(client, body)
    assert r.status_code == 422 and field in r.json["errors"], r.json


def test_a_platform_without_an_adapter_or_not_the_accounts_is_refused(client):
    assert put(client, platform="xinhua").json["errors"] == {"platform": ["该平台没有接口适配器，只能人工发布后登记链接"]}
    assert "platform" in put(client, platform="tencent").json["errors"]
    assert put(client, account=2).status_code == 409  # filed, not running yet


@pytest.mark.parametrize("headers, status", [(OTHER_LEADER, 404), (JOINT, 403), (ADMIN, 403), (MANAGING, 404)])
def test_only_the_staff_of_the_unit_running_the_account_connect(client, app, headers, status):
    assert put(client, headers=headers).status_code == status
    assert client.delete("/api/accounts/1/connections/sina", headers=headers).status_code in (status, 409)
    with app.app_context():
        assert PlatformConnection.select().count() == 0


def test_the_secret_is_in_no_answer_no_audit_row_and_no_log(client, app, caplog):
    caplog.set_level(logging.DEBUG)
    answers = [put(client), put(client, {**GOOD, "credentials": {**GOOD["credentials"], "extra": SECRET}}),
               client.get("/api/accounts/1/connections", headers=OPERATOR), put(client, headers=OFFICE),
               client.delete("/api/accounts/1/connections/sina", headers=OPERATOR)]
    text = "".join(a.get_data(as_text=True) for a in answers)
    audit = json.dumps(audit_trail(client, JOINT, per_page=200), ensure_ascii=False)
    with app.app_context():
        sent = json.dumps(events())
    for secret in (SECRET, OTHER_SECRET):
        assert secret not in text and secret not in audit and secret not in sent
        assert secret not in caplog.text and all(secret not in str(r.__dict__) for r in caplog.records)
    assert "credentials_kept" in text


def test_the_managing_units_staff_connect_the_account_they_run(client, app):
    from govmb.account_copy import apply_account_snapshot
    from services.publishing.models import Account
    from tests.publishing.conftest import account
    with app.app_context():
        apply_account_snapshot(Account)({**account(5), "managing_unit_id": 6, "managing_unit_path": "/1/6/"}, None)
    assert put(client, headers=MANAGING, account=5).status_code == 200
    assert client.get("/api/accounts/5/connections", headers=MANAGING).json[0]["status"] == "connected"


def test_a_key_rotation_reseals_the_credentials(client, app):
    from govmb import personal
    from services.publishing import connections
    from tests.keys import PERSONAL
    put(client)
    rotated = PERSONAL.rotated()
    with personal.using(rotated), app.app_context():
        assert connections.key_use() == {PERSONAL.current: 1}
        connections.reseal(rotated, page=1)
        assert connections.key_use() == {rotated.current: 1}
    with personal.using(rotated.retired()), app.app_context():
        assert connections.connection_of(PlatformConnection.get()).credentials["access_token"] == SECRET


def test_two_first_connections_at_once_one_is_told_to_retry(client, app, monkeypatch):
    assert put(client).status_code == 200
    monkeypatch.setattr(PlatformConnection, "get_or_none", classmethod(lambda cls, *a: None))  # it read before the other
    r = put(client, headers=OFFICE)
    assert r.status_code == 409 and "刷新" in r.json["detail"]
    with app.app_context():
        assert PlatformConnection.get().revision == 1 and len(events()) == 1

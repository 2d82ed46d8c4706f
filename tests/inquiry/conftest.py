"""The inquiry service on SQLite, with accounts in its copy as the registry's events put them."""
import pytest
from flask import url_for

from govmb.account_copy import apply_account_snapshot
from govmb.auth import Identity, issue_token
from services.inquiry.models import Account
from tests.conftest import auth
from tests.keys import KEYS
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for

DEPT_STAFF = auth(4, "/1/3/4/", "operator", person=13)
COUNTY = auth(3, "/1/3/", "leader", person=21)
OTHER = auth(5, "/1/5/", "operator", person=31)
JOINT = auth(2, "/1/2/", "joint_office", person=30)


def system_auth(unit_id: int, unit_path: str, client: str = "system:1", name: str = "12345热线") -> dict:
    """A system's token (the intake role only), as the registry issues a client system's or the
    web app mints the public hall's."""
    who = Identity(0, name, unit_id, unit_path, frozenset({"intake"}), client=client)
    # an hour, as a person's (tests/conftest.py::token): the headers are made when the module is
    # imported and must outlive the whole run (ten minutes ran out in a 14-minute run)
    return {"Authorization": f"Bearer {issue_token(who, KEYS, 3600)}"}


INTAKE = system_auth(3, "/1/3/")  # a client system registered for 东湖区 and below
HALL = system_auth(0, "/", client="hall", name="政务微博大厅")


def inquiry_app(directory):
    """The inquiry service on a SQLite file in `directory`, its copy holding account 1 (unit 4)
    and account 3 (unit 5)."""
    app = migrated_app("inquiry", settings_for("inquiry", f"sqlite:///{directory / 'inquiry.db'}"))
    with app.app_context():
        handle = apply_account_snapshot(Account)
        handle(account(1), None)
        handle(account(3, 5, "/1/5/"), None)
    return app


@pytest.fixture
def app(tmp_path):
    return inquiry_app(tmp_path)


def refused_everywhere(app, headers: dict, allowed: set[tuple[str, str]] = frozenset()) -> int:
    """Every route of `app` that needs a signed-in caller answers 403 to `headers`, except the
    (method, rule) pairs allowed; the number of routes checked."""
    client, checked = app.test_client(), 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) in allowed:
                continue
            if client.open(url, method=method, json={}).status_code != 401:
                continue  # open to anyone: probes, the OpenAPI, the public hall, sign-in
            r = client.open(url, method=method, json={}, headers=headers)
            refused = (401, 403) if rule.rule == "/api/auth/web-tokens" else (403,)  # the web app's secret, no token
            assert r.status_code in refused, (method, url, r.status_code, r.get_data(as_text=True)[:200])
            checked += 1
    return checked


@pytest.fixture
def client(app):
    return app.test_client()


def message(client, headers=DEPT_STAFF, **fields):
    body = {"account_id": 1, "kind": "comment", "citizen_handle": "@东湖居民", "citizen_contact": "13800000000",
            "text": "小区门口路灯坏了一个月，请尽快维修。", **fields}
    return client.post("/api/messages", json=body, headers=headers)

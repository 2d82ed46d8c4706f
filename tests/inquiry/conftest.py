"""The inquiry service on SQLite, with accounts in its copy as the registry's events put them."""
import pytest

from govmb.account_copy import apply_account_snapshot
from services.inquiry.models import Account
from tests.conftest import auth
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for

DEPT_STAFF = auth(4, "/1/3/4/", "operator", person=13)
COUNTY = auth(3, "/1/3/", "leader", person=21)
OTHER = auth(5, "/1/5/", "operator", person=31)
JOINT = auth(2, "/1/2/", "joint_office", person=30)


@pytest.fixture
def app(tmp_path):
    app = migrated_app("inquiry", settings_for("inquiry", f"sqlite:///{tmp_path / 'inquiry.db'}"))
    with app.app_context():
        handle = apply_account_snapshot(Account)
        handle(account(1), None)
        handle(account(3, 5, "/1/5/"), None)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def message(client, headers=DEPT_STAFF, **fields):
    body = {"account_id": 1, "kind": "comment", "citizen_handle": "@东湖居民", "citizen_contact": "13800000000",
            "text": "小区门口路灯坏了一个月，请尽快维修。", **fields}
    return client.post("/api/messages", json=body, headers=headers)

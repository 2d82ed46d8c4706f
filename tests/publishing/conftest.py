"""The publishing service on SQLite, with accounts in its copy as the registry's events put them."""
import pytest

from govmb.account_copy import apply_account_snapshot
from services.publishing import lexicon
from services.publishing.models import Account
from tests.conftest import auth
from tests.system import migrated_app, settings_for

UNIT, PATH = 4, "/1/3/4/"
OTHER_UNIT, OTHER_PATH = 5, "/1/5/"


def account(id, unit_id=UNIT, unit_path=PATH, status="active", category="livelihood", platforms=("sina", "xinhua")):
    return {"id": id, "unit_id": unit_id, "unit_path": unit_path, "name": f"账号{id}", "kind": "institutional",
            "category": category, "status": status,
            "platforms": [{"platform": p, "handle": f"账号{id}", "url": f"https://{p}.example.cn/{id}"} for p in platforms],
            "team": [{"person_id": 11, "name": "梁宇", "role": "leader_in_charge"},
                     {"person_id": 12, "name": "罗斌", "role": "responsible_office"},
                     {"person_id": 13, "name": "马丽", "role": "operator"}],
            "activated_at": "2026-01-01T00:00:00+00:00", "closed_at": None, "revision": 1}


OPERATOR = auth(UNIT, PATH, "operator", person=13)
OFFICE = auth(UNIT, PATH, "responsible_office", person=12)
LEADER = auth(UNIT, PATH, "leader", person=11)
OTHER_LEADER = auth(OTHER_UNIT, OTHER_PATH, "leader", person=21)
JOINT = auth(2, "/1/2/", "joint_office", person=30)


@pytest.fixture
def app(tmp_path):
    app = migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'publishing.db'}"))
    with app.app_context():
        handle = apply_account_snapshot(Account)
        for snapshot in (account(1), account(2, status="filed"), account(3, OTHER_UNIT, OTHER_PATH),
                         account(4, category="policy")):
            handle(snapshot, None)
        lexicon.add([{"word": "内部资料", "category": "classified", "severity": "block"},
                      {"word": "示威", "category": "sensitive", "severity": "warn"}])
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def draft(client, headers=OPERATOR, **fields):
    body = {"account_id": 1, "text": "东湖区今日开展义务植树活动，欢迎市民参加。", "info_type": "participation", **fields}
    return client.post("/api/drafts", json=body, headers=headers)


def act(client, draft_id, action, headers, **body):
    return client.post(f"/api/drafts/{draft_id}/actions/{action}", json=body, headers=headers)

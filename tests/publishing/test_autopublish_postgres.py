"""The publishing worker's claim on PostgreSQL (issue 20): the migration, the freeze's NOT EXISTS
predicate, the lease's COALESCE and the release, on a real server."""
import pytest

from govmb.account_copy import apply_account_snapshot
from services.publishing import autopublish
from services.publishing.models import Account, PlatformPost, Unit
from tests.publishing.autopublish_kit import approved, detail, later, queue_approved, running_platform, worker_runs
from tests.publishing.conftest import JOINT, account
from tests.system import migrated_app, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture
def app(pg_url):
    app = migrated_app("publishing", settings_for("publishing", pg_url))
    with app.app_context():
        apply_account_snapshot(Account)(account(1), None)
        for id, name, parent, path in ((1, "南昌市", None, "/1/"), (3, "东湖区", 1, "/1/3/"), (4, "东湖区教育局", 3, "/1/3/4/")):
            Unit.create(id=id, name=name, kind="unit", parent_id=parent, path=path, revision=1)
    return app


def test_a_freeze_holds_the_posts_below_it_and_a_dead_workers_post_is_looked_up_on_postgresql(monkeypatch, app):
    client = app.test_client()
    with running_platform(monkeypatch, app) as fake:
        d = approved(client)
        r = client.post("/api/release-freezes", json={"unit_id": 3, "reason": "东湖区突发事件"}, headers=JOINT)
        assert r.status_code == 201
        assert worker_runs(client) == 0 and fake.calls == []
        client.post(f"/api/release-freezes/{r.json['id']}/lift", headers=JOINT)
        queue_approved(client)
        with app.app_context():  # a worker claimed it and died
            PlatformPost.update(status="sending", attempted_at=later(-1), attempts=1).execute()
        past_lease = later(autopublish.LEASE.total_seconds() / 60 + 1)
        assert worker_runs(client, at=past_lease, monkeypatch=monkeypatch) == 1
        assert [m for m, _ in fake.calls] == ["GET", "POST"] and len(fake.posts) == 1
        assert detail(client, d["id"])["platform_posts"][0]["status"] == "published"

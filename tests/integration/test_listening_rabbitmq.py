"""Listening (issue 20) over RabbitMQ and PostgreSQL: what the publishing worker reads from a
platform reaches inquiry as citizens' messages and assessment as a release, each once, though
the worker polls the same page twice (a crash before its cursor was kept, replayed here by
putting the cursor back)."""
import datetime as dt
import json

import pytest

from govmb.config import load
from services.publishing import listening
from services.publishing.models import PlatformConnection
from tests.conftest import auth, wait_for
from tests.publishing.listen_platform import ListenPlatform
from tests.system import spec_of

pytestmark = pytest.mark.integration
ADMIN = auth(1, "/1/", "admin")
OFFICE = auth(1, "/1/", "joint_office", person=905)


@pytest.fixture
def platform(monkeypatch):
    with ListenPlatform() as fake:
        monkeypatch.setenv("GOVMB_PLATFORM_ADAPTERS", "sina:tests.publishing.listen_platform:ListenAdapter")
        monkeypatch.setenv("GOVMB_PLATFORM_ENDPOINTS", f"sina:{fake.url}")
        load()
        yield fake
        monkeypatch.undo()
        load()


def test_comments_and_a_direct_post_reach_inquiry_and_assessment_once(platform, distributed):
    from services.registry import demo
    with spec_of("registry").db.connection_context():
        demo.load_demo()
    active = [a for a in distributed["registry"].get("/api/accounts", headers=ADMIN).json
              if a["status"] == "active" and a["kind"] != "private"]
    account = active[0]
    for name in ("publishing", "inquiry", "assessment"):
        wait_for(lambda n=name: account["id"] in {a["id"] for a in distributed[n].get("/api/accounts", headers=ADMIN).json},
                 message=f"{name}'s copy of the account")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    platform.items["comment"] = [{"id": i, "text": f"第{i}条评论：公交站台积水", "uid": f"u{i}", "name": f"网友{i}",
                                  "at": (now - dt.timedelta(minutes=30 - i)).isoformat(), "post": ""} for i in (1, 2, 3)]
    platform.timeline = [{"id": 1, "mid": "m1", "text": "直接在平台上发的", "url": "https://weibo.com/u/m1",
                          "at": (now - dt.timedelta(minutes=10)).isoformat(), "original": True, "reads": 5,
                          "reposts": 0, "comments": 0, "likes": 1}]
    publishing = spec_of("publishing")
    with publishing.db.connection_context():
        row = PlatformConnection.create(account_id=account["id"], unit_id=account["unit_id"], unit_path="/",
                                        platform="sina", account_uid="u", connected_by="测试",
                                        credentials=json.dumps({"access_token": platform.token}))
        assert listening.poll_all() == 4
        PlatformConnection.update(cursors="{}", claimed_until=None).where(PlatformConnection.id == row.id).execute()
        assert listening.poll_all() == 3  # the page read again (the items come again; the post is known now)

    def messages():
        return [m for m in distributed["inquiry"].get(f"/api/messages?account_id={account['id']}&page_size=100",
                                                      headers=OFFICE).json if m["source"] == "platform"]
    wait_for(lambda: len(messages()) >= 3, message="the comments as citizens' messages")
    span = f"from={dt.date.today() - dt.timedelta(days=1)}&to={dt.date.today() + dt.timedelta(days=1)}"

    def posts():
        r = distributed["assessment"].get(f"/api/duty-log?account_id={account['id']}&{span}", headers=OFFICE)
        return sum(d["posts"] for d in r.json["days"]) if r.status_code == 200 else r.json
    wait_for(lambda: posts() == 1, message="the imported post in assessment's facts")
    assert len(messages()) == 3  # each once, though delivered twice

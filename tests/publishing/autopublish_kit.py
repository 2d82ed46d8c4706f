"""What the publishing worker's tests share: the fake platform running for the app, an account
connected to it, a draft taken through review to approval, and the worker's run (the approval's
handler, as often as a redelivery would, then the job)."""
from __future__ import annotations

import contextlib
import datetime as dt
import json

from govmb.config import load
from govmb.personal import using
from services.publishing import autopublish
from services.publishing.models import PlatformConnection, PlatformPost, bus
from tests.keys import PERSONAL
from tests.publishing.conftest import LEADER, OFFICE, OPERATOR, PATH, UNIT, act, draft
from tests.publishing.fake_platform import TOKEN, FakePlatform

ADAPTER = "tests.publishing.fake_platform:FakeAdapter"


@contextlib.contextmanager
def running_platform(monkeypatch, app, platforms=("sina",)):
    """The fake platform serving `platforms` (each with the fake adapter), account 1 connected on
    each; the personal-data key installed (the credentials are sealed)."""
    with FakePlatform() as fake, using(PERSONAL):
        monkeypatch.setenv("GOVMB_PLATFORM_ADAPTERS", ",".join(f"{p}:{ADAPTER}" for p in platforms))
        monkeypatch.setenv("GOVMB_PLATFORM_ENDPOINTS", ",".join(f"{p}:{fake.url}" for p in platforms))
        load()  # read again: the apps read the environment when they started
        with app.app_context():
            for p in platforms:
                connect(1, p)
        yield fake


def connect(account_id: int, platform: str, status: str = "connected") -> PlatformConnection:
    return PlatformConnection.create(account_id=account_id, unit_id=UNIT, unit_path=PATH, platform=platform,
                                     account_uid=f"uid{account_id}", credentials=json.dumps({"access_token": TOKEN}),
                                     status=status, connected_by="马丽")


def approved(client, **fields) -> dict:
    d = draft(client, **fields).json
    for step, who in (("submit", OPERATOR), ("check", OFFICE), ("approve", LEADER)):
        r = act(client, d["id"], step, who)
    assert r.json["status"] == "approved", r.json
    return d


def queue_approved(client) -> None:
    """The worker's handler given every approval sent so far (again, as a redelivery would)."""
    from services.publishing.handlers import HANDLERS
    with client.application.app_context():
        for row in bus.Outbox.select().where(bus.Outbox.event_type == "publishing.draft.approved"):
            HANDLERS["publishing.draft.approved"](json.loads(row.body), None)


def worker_runs(client, at: dt.datetime | None = None, monkeypatch=None) -> int:
    """The worker's handler and job (at `at`: the clock moved on); the posts it published."""
    queue_approved(client)
    if at is not None:
        monkeypatch.setattr(autopublish, "utcnow", lambda: at)
    with client.application.app_context():
        return autopublish.send_due()


def post_of(client, platform: str = "sina") -> PlatformPost:
    with client.application.app_context():
        return PlatformPost.get(PlatformPost.platform == platform)


def detail(client, draft_id: int) -> dict:
    return client.get(f"/api/drafts/{draft_id}", headers=OPERATOR).json


def released_events(client) -> list[dict]:
    with client.application.app_context():
        return [json.loads(r.body) for r in bus.Outbox.select().where(bus.Outbox.event_type == "publishing.post.released")]


def later(minutes: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(minutes=minutes)

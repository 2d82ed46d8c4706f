"""The publishing worker releases an approved post through the platforms' adapters (issue 20):
once per draft and platform, each of the contract's errors mapped to what the product does.
Every call goes to a real local HTTP platform (tests/publishing/fake_platform.py)."""
import pytest

from services.publishing import autopublish
from services.publishing.models import PlatformConnection, PlatformPost, bus
from tests.publishing.autopublish_kit import (
    approved,
    detail,
    later,
    post_of,
    queue_approved,
    released_events,
    running_platform,
    worker_runs,
)
from tests.publishing.conftest import LEADER, OFFICE, OPERATOR, act, draft


@pytest.fixture
def fake(monkeypatch, app):
    with running_platform(monkeypatch, app) as fake:
        yield fake


def test_an_approved_post_goes_out_once_on_the_connected_platform_and_the_rest_waits_for_a_person(client, fake):
    d = approved(client)
    assert fake.posts == []  # nothing in the approval's request
    assert worker_runs(client) == 1 and worker_runs(client) == 0  # again and again: sent once
    assert [p["text"] for p in fake.posts] == [d["text"]] and fake.sent() == 1
    got = detail(client, d["id"])
    assert got["status"] == "approved" and [p["platform"] for p in got["publications"]] == ["sina"]
    assert got["publications"][0]["url"] == fake.posts[0]["url"] and got["steps"][-1]["actor_name"] == "自动发布"
    [sina] = got["platform_posts"]  # xinhua has no adapter: not queued, recorded by hand
    assert (sina["status"], sina["status_name"], sina["post_id"]) == ("published", "已发布", fake.posts[0]["id"])
    r = act(client, d["id"], "record_publication", OPERATOR, platform="xinhua", url="https://xinhua.example.cn/1")
    assert r.json["status"] == "released" and len(released_events(client)) == 1


def test_when_every_platform_is_connected_the_worker_releases_the_post(monkeypatch, app, client):
    with running_platform(monkeypatch, app, ("sina", "xinhua")) as fake:
        d = approved(client)
        assert worker_runs(client) == 2 and len(fake.posts) == 2
    assert detail(client, d["id"])["status"] == "released" and len(released_events(client)) == 1


def test_a_platform_with_an_adapter_but_no_connection_is_left_to_a_person(client, fake):
    with client.application.app_context():
        PlatformConnection.update(status="expired").execute()
    d = approved(client)
    assert worker_runs(client) == 0 and fake.calls == []
    assert detail(client, d["id"])["platform_posts"] == []


def test_rate_limited_waits_with_backoff_honouring_retry_after_then_goes_out(client, fake, monkeypatch):
    fake.failures = [(429, {"error": "请求过于频繁"}, {"Retry-After": "300"}), (503, {"error": "维护中"}, {})]
    d = approved(client)
    assert worker_runs(client) == 0
    post = post_of(client)
    assert post.status == "waiting" and "请求过于频繁" in post.error and post.attempts == 1
    assert later(4.9) < post.next_attempt_at < later(5.1)  # the platform's 300 s, more than the first minute
    assert worker_runs(client) == 0 and fake.sent() == 1  # not due yet: not asked
    assert worker_runs(client, at=later(6), monkeypatch=monkeypatch) == 0  # 503: the second backoff, 2 minutes
    post = post_of(client)
    assert post.status == "waiting" and post.attempts == 2 and "维护中" in post.error
    assert later(7.9) < post.next_attempt_at < later(8.1)
    with client.application.app_context():
        assert PlatformConnection.get().failures == 2  # counted on the connection too
    assert worker_runs(client, at=later(9), monkeypatch=monkeypatch) == 1 and len(fake.posts) == 1
    with client.application.app_context():
        assert PlatformConnection.get().failures == 0
    assert detail(client, d["id"])["platform_posts"][0]["status"] == "published"


def test_backoff_doubles_to_its_cap():
    minutes = [autopublish.backoff(n).total_seconds() / 60 for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert autopublish.backoff(1, retry_after=600).total_seconds() == 600
    assert autopublish.backoff(1, retry_after=10**9) == autopublish.RETRY_AFTER_CAP


def test_a_platform_that_stays_down_fails_the_post_after_the_last_attempt(client, fake, monkeypatch):
    fake.failures = [(503, {"error": "服务不可用"}, {})] * autopublish.MAX_ATTEMPTS
    approved(client)
    for hour in range(autopublish.MAX_ATTEMPTS):
        worker_runs(client, at=later(60 * hour + 1), monkeypatch=monkeypatch)
    post = post_of(client)
    assert post.status == "failed" and post.attempts == autopublish.MAX_ATTEMPTS and "服务不可用" in post.error
    assert worker_runs(client, at=later(60 * 24), monkeypatch=monkeypatch) == 0
    assert fake.sent() == autopublish.MAX_ATTEMPTS and fake.posts == []


def test_an_expired_credential_marks_the_connection_and_the_post_waits_until_it_is_connected_again(client, fake):
    fake.token = "a-new-token"  # the platform no longer takes the account's token
    d = approved(client)
    assert worker_runs(client) == 0 and worker_runs(client) == 0
    with client.application.app_context():
        connection = PlatformConnection.get()
        assert connection.status == "expired" and "expired_token" in connection.error
        changed = [r for r in bus.Outbox.select() if r.event_type == "publishing.connection.changed"]
        assert len(changed) == 1  # the registry warns once
    post = post_of(client)
    assert post.status == "waiting" and post.attempts == 0 and "凭据失效" in post.error  # not failed
    assert fake.sent() == 1  # not asked again while expired
    with client.application.app_context():  # the office connects it again (the connect API, another part)
        PlatformConnection.update(status="connected", error="").execute()
    fake.token = "token-of-account-1"
    assert worker_runs(client) == 1 and worker_runs(client) == 0 and len(fake.posts) == 1
    assert detail(client, d["id"])["platform_posts"][0]["status"] == "published"


def test_a_rejected_post_fails_with_the_platforms_reason_on_the_drafts_record_and_a_person_may_publish_it(client, fake):
    fake.failures = [(400, {"error": "内容含有不适合发布的信息"}, {})]
    d = approved(client)
    assert worker_runs(client) == 0 and worker_runs(client) == 0 and fake.sent() == 1  # not retried
    got = detail(client, d["id"])
    [sina] = got["platform_posts"]
    assert sina["status"] == "failed" and sina["error"] == "平台退回：内容含有不适合发布的信息"
    step = got["steps"][-1]
    assert step["action"] == "platform_return" and step["action_name"] == "平台退回"
    assert "内容含有不适合发布的信息" in step["comment"] and step["actor_name"] == "自动发布"
    r = act(client, d["id"], "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/byhand")
    assert r.status_code == 200 and post_of(client).status == "cancelled"


def test_a_post_recorded_by_hand_is_not_sent_and_one_being_sent_is_not_recorded_by_hand(monkeypatch, app, client):
    with running_platform(monkeypatch, app, ("sina", "xinhua")) as fake:
        d = approved(client)
        queue_approved(client)
        with client.application.app_context():
            PlatformPost.update(status="sending").where(PlatformPost.platform == "xinhua").execute()  # claimed
        shown = detail(client, d["id"])["platform_posts"]
        assert [(p["platform"], p["status"]) for p in shown] == [("sina", "waiting"), ("xinhua", "sending")]
        r = act(client, d["id"], "record_publication", OPERATOR, platform="xinhua", url="https://xinhua.example.cn/9")
        assert r.status_code == 409 and "自动发布" in r.json["detail"]
        r = act(client, d["id"], "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/byhand")
        assert r.status_code == 200
        assert worker_runs(client) == 0 and fake.calls == []  # sina was recorded by hand: never sent
        assert post_of(client).status == "cancelled"


def test_a_post_left_sending_by_a_dead_worker_is_looked_up_before_it_is_sent_again(client, fake, monkeypatch):
    d = approved(client)
    queue_approved(client)
    with client.application.app_context():  # a worker claimed it at 12:00 and died before the platform
        PlatformPost.update(status="sending", attempted_at=later(-1), attempts=1).execute()
    assert worker_runs(client) == 0 and fake.calls == []  # within its lease: still the other worker's
    assert worker_runs(client, at=later(autopublish.LEASE.total_seconds() / 60 + 1), monkeypatch=monkeypatch) == 1
    assert [m for m, _ in fake.calls] == ["GET", "POST"]  # asked first; not there: sent
    assert len(fake.posts) == 1 and post_of(client).uncertain_since is None
    assert detail(client, d["id"])["platform_posts"][0]["status"] == "published"


def test_a_platforms_own_text_goes_to_that_platform_after_the_same_checks(monkeypatch, app, client):
    own = "东湖区今日开展义务植树活动。#植树节#"
    r = draft(client, variants={"tencent": own})
    assert r.status_code == 422 and "variants" in r.json["errors"]  # not one of the draft's platforms
    r = draft(client, variants={"sina": "关于内部资料的说明。"})  # a classified word, in sina's text only
    assert r.status_code == 201 and r.json["variants"] == {"sina": "关于内部资料的说明。"}
    blocked = act(client, r.json["id"], "submit", OPERATOR)
    assert blocked.status_code == 422 and "sina" in blocked.json["errors"]["variants"], blocked.json
    fixed = client.put(f"/api/drafts/{r.json['id']}", json={"account_id": 1, "text": r.json["text"],
                                                            "info_type": "participation", "variants": {"sina": own}},
                       headers=OPERATOR)
    assert fixed.status_code == 200 and fixed.json["variants"] == {"sina": own}
    kept = client.put(f"/api/drafts/{r.json['id']}", json={"account_id": 1, "text": r.json["text"],
                                                           "info_type": "participation"}, headers=OPERATOR)
    assert kept.json["variants"] == {"sina": own}  # left out: kept (the page's form does not send it)
    with running_platform(monkeypatch, app, ("sina", "xinhua")) as fake:
        for step, who in (("submit", OPERATOR), ("check", OFFICE), ("approve", LEADER)):
            assert act(client, r.json["id"], step, who).status_code == 200
        assert worker_runs(client) == 2
        assert sorted(p["text"] for p in fake.posts) == sorted([own, r.json["text"]])


def test_a_claim_between_the_records_read_and_its_cancel_refuses_the_record(monkeypatch, app, client):
    with running_platform(monkeypatch, app, ("sina", "xinhua")):
        d = approved(client)
        queue_approved(client)
        with client.application.app_context():
            stale = PlatformPost.get(PlatformPost.platform == "sina")  # read as waiting by the person's request …
            PlatformPost.update(status="sending").where(PlatformPost.id == stale.id).execute()  # … then claimed
        monkeypatch.setattr(PlatformPost, "get_or_none", classmethod(lambda cls, *where: stale))
        r = act(client, d["id"], "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/byhand")
        assert r.status_code == 409 and "自动发布" in r.json["detail"]
        monkeypatch.undo()
        assert post_of(client).status == "sending" and detail(client, d["id"])["status"] == "approved"

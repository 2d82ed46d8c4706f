"""The publishing worker with the real adapters against their fake platforms (ops/fakeplatforms):
an approved draft goes out once on Weibo and once on WeChat (standing in for the account's
second platform) and is released; an expired token holds the post until the account is
connected again; the platform's refusal goes back to the draft with its reason."""
import json

import pytest

from govmb.config import load
from govmb.personal import using
from ops.fakeplatforms.wechat import FakeWechat
from ops.fakeplatforms.weibo import DEFAULT_TOKEN, DEFAULT_UID, FakeWeibo
from services.publishing.models import PlatformConnection
from tests.keys import PERSONAL
from tests.publishing.autopublish_kit import approved, detail, later, worker_runs
from tests.publishing.conftest import PATH, UNIT

WEIBO = {"access_token": DEFAULT_TOKEN, "safe_link": "https://www.nc.gov.cn/", "rip": "203.0.113.7"}


@pytest.fixture
def platforms(monkeypatch, app):
    weibo, wechat = FakeWeibo(), FakeWechat()
    weibo.base, wechat.base = weibo.start(), wechat.start()
    wechat.set_followers(10)
    with using(PERSONAL):
        monkeypatch.setenv("GOVMB_PLATFORM_ADAPTERS", "sina:services.publishing.connectors.weibo:WeiboAdapter,"
                                                      "xinhua:services.publishing.connectors.wechat:WechatAdapter")
        monkeypatch.setenv("GOVMB_PLATFORM_ENDPOINTS", f"sina:{weibo.base},xinhua:{wechat.base}")
        load()
        with app.app_context():
            for platform, uid, credentials in (("sina", str(DEFAULT_UID), WEIBO),
                                               ("xinhua", "gh_fake", {"appid": wechat.appid, "secret": wechat.secret})):
                PlatformConnection.create(account_id=1, unit_id=UNIT, unit_path=PATH, platform=platform, account_uid=uid,
                                          credentials=json.dumps(credentials), connected_by="马丽")
        yield weibo, wechat
    weibo.stop()
    wechat.stop()
    monkeypatch.undo()
    load()


def test_an_approved_draft_goes_out_once_on_each_platform_and_is_released(client, platforms):
    weibo, wechat = platforms
    d = approved(client)
    assert worker_runs(client) == 2
    assert worker_runs(client) == 0  # a second run (and a redelivered approval) sends nothing more
    assert len(weibo.posts()) == 1 and len(wechat.published()) == 1
    shown = detail(client, d["id"])
    assert shown["status"] == "released"
    assert {p["platform"]: p["status"] for p in shown["platform_posts"]} == {"sina": "published", "xinhua": "published"}


def test_an_expired_weibo_token_holds_the_post_until_the_account_is_connected_again(client, app, platforms, monkeypatch):
    weibo, _ = platforms
    weibo.expire_token()
    d = approved(client)
    worker_runs(client)
    with app.app_context():
        assert PlatformConnection.get(PlatformConnection.platform == "sina").status == "expired"
    assert weibo.posts() == [] and {p["platform"]: p["status"] for p in detail(client, d["id"])["platform_posts"]}["sina"] \
        == "waiting"
    weibo.renew_token()
    with app.app_context():  # connected again (the security page's form does this through the API)
        PlatformConnection.update(status="connected").where(PlatformConnection.platform == "sina").execute()
    worker_runs(client, at=later(60), monkeypatch=monkeypatch)
    assert len(weibo.posts()) == 1 and detail(client, d["id"])["status"] == "released"


def test_the_platforms_refusal_goes_back_to_the_draft_with_its_reason(client, platforms):
    weibo, _ = platforms
    d = approved(client, text="东湖区今日开展义务植树活动，欢迎市民参加。" * 8)  # longer than statuses/share takes
    worker_runs(client)
    sina = {p["platform"]: p for p in detail(client, d["id"])["platform_posts"]}["sina"]
    assert sina["status"] == "failed" and "20012" in sina["error"] and weibo.posts() == []
    assert any(s["action"] == "platform_return" for s in detail(client, d["id"])["steps"])


def test_a_drafts_picture_is_fetched_and_goes_out_with_it(client, platforms, monkeypatch):
    from tests.publishing.test_feeds import serving
    weibo, wechat = platforms
    with serving(monkeypatch, "PLATFORM_MEDIA_HOSTS") as site:
        picture = site.serve("/library.jpg", b"\xff\xd8\xff\xe0" + b"\x01" * 200)
        approved(client, media=[{"kind": "picture", "url": picture}])
        assert worker_runs(client) == 2
        [post] = weibo.posts()
        assert post.get("original_pic") or post.get("pic_ids") or post.get("thumbnail_pic")
        assert len(wechat.published()) == 1


def test_a_post_whose_answer_was_lost_is_looked_up_on_the_platform_not_sent_again(client, platforms, monkeypatch):
    from services.publishing.connectors.weibo import WeiboAdapter
    weibo, _ = platforms
    monkeypatch.setattr(WeiboAdapter.__init__, "__defaults__", ((2, 0.3),))  # the worker waits 0.3 s for an answer
    weibo.lose_for = 1.0
    weibo.fail_next("lose")  # statuses/share is done, its answer comes too late: a timeout
    d = approved(client, platforms=["sina"], omitted_reasons={"xinhua": "本条仅在微博发布"})
    assert worker_runs(client) == 0 and len(weibo.posts()) == 1
    sina = {p["platform"]: p for p in detail(client, d["id"])["platform_posts"]}["sina"]
    assert sina["status"] == "waiting"
    assert worker_runs(client, at=later(5), monkeypatch=monkeypatch) == 1  # found by find(), recorded
    assert len(weibo.posts()) == 1 and detail(client, d["id"])["status"] == "released"

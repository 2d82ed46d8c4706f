"""The WeChat Official Accounts adapter against the local fake platform (ops/fakeplatforms/wechat.py),
which answers the documented paths, parameters, answers and errcodes: every call, every mapped
error, the token's renewal, the asynchronous publication, find() after a lost answer, the cursors."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import requests

from ops.fakeplatforms.wechat import FakeWechat
from services.publishing.connectors import wechat, wechat_client
from services.publishing.connectors.contract import (
    Connection,
    CredentialExpired,
    Image,
    Outgoing,
    RateLimited,
    Rejected,
    Unavailable,
)
from services.publishing.connectors.wechat import WechatAdapter
from services.publishing.connectors.wechat_article import TITLE_LIMIT, marker, title_of

PNG = b"\x89PNG\r\n\x1a\nfake"
SINCE = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def fake():
    platform = FakeWechat(appid="wx1234567890", secret="s3cret", publish_polls=1, publish_seconds=60)
    platform.start()
    wechat_client._tokens.clear()
    wechat._pending.clear()
    yield platform
    platform.stop()


@pytest.fixture
def adapter():
    adapter = WechatAdapter()
    adapter.PUBLISH_WAIT, adapter.POLL_INTERVAL = 2.0, 0.01
    return adapter


def link(fake, **credentials) -> Connection:
    return Connection("tencent", fake.base_url, "gh_fake", credentials or {"appid": "wx1234567890", "secret": "s3cret"})


def post(key="draft-7:tencent", text="【暖心服务】今天起市民中心延长办理时间。\n周末照常办公。", **more) -> Outgoing:
    return Outgoing(key=key, text=text, **more)


def paths(fake) -> list[str]:
    return [path for path, _ in fake.calls]


# -- publishing ------------------------------------------------------------------------------------

def test_publish_uploads_the_cover_and_pictures_drafts_submits_and_waits_for_the_article(fake, adapter):
    images = (Image("a.png", "image/png", PNG), Image("b.jpg", "image/jpeg", b"\xff\xd8jpeg"))
    published = adapter.publish(link(fake), post(title="市民中心延长办理时间", images=images, link="https://nc.gov.cn/1"))
    assert paths(fake) == ["/cgi-bin/stable_token", "/cgi-bin/material/add_material", "/cgi-bin/media/uploadimg",
                           "/cgi-bin/media/uploadimg", "/cgi-bin/draft/add", "/cgi-bin/freepublish/submit",
                           "/cgi-bin/freepublish/get", "/cgi-bin/freepublish/get"]
    [article] = fake.published()
    assert published.post_id == article.article_id and published.url == article.news_item[0]["url"]
    news = article.news_item[0]
    assert news["title"] == "市民中心延长办理时间" and news["content_source_url"] == "https://nc.gov.cn/1"
    assert news["content"].startswith("<p>【暖心服务】今天起市民中心延长办理时间。</p><p>周末照常办公。</p><p><img src=")
    assert news["content"].count("<img") == 2 and news["need_open_comment"] == 1
    [cover] = fake.materials
    assert news["thumb_media_id"] == cover["media_id"] and cover["name"] == marker("draft-7:tencent") + ".png"
    [sent] = [raw for raw in fake.raw if b"articles" in raw]
    assert "市民中心".encode() in sent and b"\\u" not in sent  # as UTF-8: the platform would keep escapes as they are


def test_a_post_without_title_or_image_gets_its_heading_as_title_and_a_plain_cover(fake, adapter):
    adapter.publish(link(fake), post(text="<b>通知</b>：明日停水"))
    [article] = fake.published()
    assert article.news_item[0]["title"] == "<b>通知</b>：明日停水"
    assert article.news_item[0]["content"] == "<p>&lt;b&gt;通知&lt;/b&gt;：明日停水</p>"  # text, never HTML
    assert fake.materials[0]["name"].endswith(".png") and "/cgi-bin/media/uploadimg" not in paths(fake)


def test_the_title_is_derived_from_the_text_when_the_post_has_none():
    assert title_of("", "【暖心服务】今天起延长办理时间。") == "暖心服务"
    assert title_of("", "今天起市民中心延长办理时间！周末照常。") == "今天起市民中心延长办理时间"
    long = title_of("", "这" * 50)
    assert len(long) == TITLE_LIMIT and long.endswith("…")
    assert title_of(" 自定标题 ", "正文") == "自定标题"


def test_an_account_without_comment_rights_publishes_with_comments_closed(fake, adapter):
    fake.fail_next(88000, "/cgi-bin/draft/add")
    adapter.publish(link(fake), post())
    assert fake.published()[0].news_item[0]["need_open_comment"] == 0


def test_publishing_waits_while_the_platform_publishes_and_never_sends_twice(fake, adapter):
    fake.publish_polls = 50
    adapter.PUBLISH_WAIT = 0.1
    with pytest.raises(Unavailable):
        adapter.publish(link(fake), post())
    with pytest.raises(Unavailable):  # the retry's look-up: still publishing, nothing is sent again
        adapter.find(link(fake), post(), SINCE)
    fake.publish_polls = 0
    found = adapter.find(link(fake), post(), SINCE)
    assert found.post_id == fake.published()[0].article_id
    assert paths(fake).count("/cgi-bin/freepublish/submit") == 1


@pytest.mark.parametrize("status, meaning", [(2, "原创声明失败"), (3, "常规失败"), (4, "平台审核不通过")])
def test_a_failed_publication_is_rejected_with_its_meaning_and_may_be_sent_again(fake, adapter, status, meaning):
    fake.fail_publication(status)
    with pytest.raises(Rejected) as raised:
        adapter.publish(link(fake), post())
    assert meaning in raised.value.reason and raised.value.code == f"publish_status {status}"
    assert len(fake.drafts) == 1  # the platform keeps a copy of the failed draft
    assert adapter.find(link(fake), post(), SINCE) is None
    assert not fake.drafts  # the copy is removed: the next attempt makes its own


def test_find_after_the_answer_of_the_submit_was_lost_waits_then_finds_the_one_article(fake, adapter):
    fake.publish_seconds = 0.3
    fake.lose_next_answer("/cgi-bin/freepublish/submit")
    with pytest.raises(Unavailable):
        adapter.publish(link(fake), post())
    wechat._pending.clear()  # as in a new worker process
    with pytest.raises(Unavailable):  # the cover is there, the draft went: maybe still publishing
        adapter.find(link(fake), post(), SINCE)
    time.sleep(0.35)
    found = adapter.find(link(fake), post(), SINCE)
    [article] = fake.published()
    assert found.post_id == article.article_id and found.url == article.news_item[0]["url"]
    assert paths(fake).count("/cgi-bin/freepublish/submit") == 1


def test_find_after_a_worker_died_once_published_answers_the_article(fake, adapter):
    fake.lose_next_answer("/cgi-bin/freepublish/get")
    fake.publish_polls = 0
    with pytest.raises(Unavailable):
        adapter.publish(link(fake), post())
    wechat._pending.clear()
    assert adapter.find(link(fake), post(), SINCE).post_id == fake.published()[0].article_id
    assert adapter.find(link(fake), post(key="another"), SINCE) is None


def test_find_after_the_draft_was_made_but_never_submitted_lets_it_be_sent_once(fake, adapter):
    fake.lose_next_answer("/cgi-bin/draft/add")
    with pytest.raises(Unavailable):
        adapter.publish(link(fake), post())
    assert adapter.find(link(fake), post(), SINCE) is None and not fake.drafts
    adapter.publish(link(fake), post())
    assert len(fake.published()) == 1


def test_find_when_only_the_cover_got_there_waits_then_lets_it_be_sent(fake, adapter):
    fake.lose_next_answer("/cgi-bin/material/add_material")
    with pytest.raises(Unavailable):
        adapter.publish(link(fake), post())
    with pytest.raises(Unavailable):
        adapter.find(link(fake), post(), SINCE)
    adapter.IN_FLIGHT = 0
    assert adapter.find(link(fake), post(), SINCE) is None
    assert adapter.find(link(fake), post(), dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)) is None


def test_delete_removes_the_whole_message_and_a_second_delete_is_refused(fake, adapter):
    published = adapter.publish(link(fake), post())
    adapter.delete(link(fake), published.post_id)
    assert fake.published()[0].news_item[0]["is_deleted"] is True
    assert fake.calls[-1] == ("/cgi-bin/freepublish/delete", {"article_id": published.post_id, "index": 0})
    with pytest.raises(Rejected) as raised:
        adapter.delete(link(fake), published.post_id)
    assert raised.value.code == "53600"


# -- the access token ------------------------------------------------------------------------------

def test_the_token_is_kept_between_calls(fake, adapter):
    fake.set_followers(10)
    adapter.followers(link(fake))
    adapter.followers(link(fake))
    assert paths(fake).count("/cgi-bin/stable_token") == 1
    assert fake.calls[0][1] == {"grant_type": "client_credential", "appid": "wx1234567890", "secret": "s3cret"}


def test_an_expired_token_is_renewed_and_the_call_made_again(fake, adapter):
    fake.set_followers(42)
    adapter.followers(link(fake))
    fake.expire_token()
    assert adapter.followers(link(fake)) == 42
    assert paths(fake).count("/cgi-bin/stable_token") == 2


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_a_refused_token_is_fetched_again_once(fake, adapter, errcode):
    fake.set_followers(7)
    fake.fail_next(errcode)
    assert adapter.followers(link(fake)) == 7
    fake.fail_next(errcode, times=2)
    with pytest.raises(CredentialExpired) as raised:
        adapter.followers(link(fake))
    assert raised.value.code == str(errcode)


def test_a_token_kept_until_shortly_before_it_expires(fake, adapter):
    fake.token_ttl = 400  # renewed after 200 s (half), not kept to the end
    adapter.followers(link(fake))
    key = (fake.base_url, "wx1234567890")
    assert wechat_client._tokens[key][1] - time.monotonic() == pytest.approx(200, abs=2)


@pytest.mark.parametrize("credentials, code", [({"appid": "wx1234567890", "secret": "wrong"}, "40125"),
                                               ({"appid": "wxother", "secret": "s3cret"}, "40013"),
                                               ({"appid": "wx1234567890"}, "41004")])
def test_credentials_that_do_not_work_are_expired(fake, adapter, credentials, code):
    with pytest.raises(CredentialExpired) as raised:
        adapter.publish(link(fake, **credentials), post())
    assert raised.value.code == code and "s3cret" not in raised.value.reason
    assert not fake.materials


def test_a_secret_reset_on_the_platform_expires_the_connection(fake, adapter):
    adapter.followers(link(fake))
    fake.revoke_secret()
    with pytest.raises(CredentialExpired) as raised:
        adapter.followers(link(fake))
    assert "AppSecret" in raised.value.reason and "invalid appsecret" in raised.value.reason


# -- errors ----------------------------------------------------------------------------------------

def test_the_daily_quota_waits_until_midnight_beijing_time(fake, adapter):
    fake.fail_next(45009, "/cgi-bin/draft/add")
    with pytest.raises(RateLimited) as raised:
        adapter.publish(link(fake), post())
    assert 0 < raised.value.retry_after <= 86401 and "reach max api daily quota limit" in raised.value.reason


@pytest.mark.parametrize("errcode", [45011, 53501])
def test_calling_too_often_waits_a_minute(fake, adapter, errcode):
    fake.fail_next(errcode, "/cgi-bin/freepublish/submit")
    with pytest.raises(RateLimited) as raised:
        adapter.publish(link(fake), post())
    assert raised.value.retry_after == 60 and raised.value.code == str(errcode)


def test_risky_content_is_rejected_with_the_platforms_words(fake, adapter):
    fake.risky_words.add("违规")
    with pytest.raises(Rejected) as raised:
        adapter.publish(link(fake), post(text="一段违规内容"))
    assert raised.value.code == "87014" and "risky content" in raised.value.reason and "内容安全" in raised.value.reason


def test_content_over_the_size_limit_is_rejected(fake, adapter):
    with pytest.raises(Rejected) as raised:
        adapter.publish(link(fake), post(text="字" * 20001))
    assert raised.value.code == "45002"


@pytest.mark.parametrize("errcode, path", [(53503, "/cgi-bin/freepublish/submit"), (48001, "/cgi-bin/draft/add"),
                                           (40005, "/cgi-bin/media/uploadimg")])
def test_refusals_of_the_post_are_rejected(fake, adapter, errcode, path):
    fake.fail_next(errcode, path)
    with pytest.raises(Rejected) as raised:
        adapter.publish(link(fake), post(images=(Image("a.png", "image/png", PNG),)))
    assert raised.value.code == str(errcode)


def test_a_busy_platform_a_lost_answer_or_no_platform_is_unavailable(fake, adapter):
    fake.fail_next(-1)
    with pytest.raises(Unavailable) as raised:
        adapter.followers(link(fake))
    assert raised.value.code == "-1" and "系统繁忙" in raised.value.reason
    fake.lose_next_answer("/datacube/getusercumulate")
    with pytest.raises(Unavailable):
        adapter.followers(link(fake))
    with pytest.raises(Unavailable):  # an address that answers no API (HTTP 404)
        adapter.followers(Connection("tencent", fake.base_url + "/nowhere", "", {"appid": "a", "secret": "b"}))
    fake.stop()
    with pytest.raises(Unavailable) as raised:
        adapter.followers(link(fake))
    assert raised.value.code == "network"


# -- listening -------------------------------------------------------------------------------------

def test_comments_come_after_the_cursor_once_oldest_first(fake, adapter):
    published = adapter.publish(link(fake), post())
    page = adapter.incoming(link(fake), "comment", "")
    assert page.items == () and page.cursor  # from now on
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    fake.add_comment(published.post_id, "上次来没办成", openid="oA", at=now + dt.timedelta(seconds=5))
    fake.add_comment(published.post_id, "能否延长到晚上八点", openid="oB", at=now + dt.timedelta(seconds=2))
    page = adapter.incoming(link(fake), "comment", page.cursor)
    assert [(c.text, c.author_id, c.post_id) for c in page.items] == [
        ("能否延长到晚上八点", "oB", published.post_id), ("上次来没办成", "oA", published.post_id)]
    assert page.items[0].at == now + dt.timedelta(seconds=2) and page.items[0].kind == "comment"
    assert len({c.platform_id for c in page.items}) == 2
    assert adapter.incoming(link(fake), "comment", page.cursor).items == ()
    fake.add_comment(published.post_id, "同一秒的另一条", at=now + dt.timedelta(seconds=5))
    again = adapter.incoming(link(fake), "comment", page.cursor)
    assert [c.text for c in again.items] == ["同一秒的另一条"]


def test_comments_page_through_every_article_of_the_last_days(fake, adapter):
    first = adapter.publish(link(fake), post(key="one"))
    old = fake.post_directly("旧文章", "<p>旧</p>", at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30))
    cursor = adapter.incoming(link(fake), "comment", "").cursor
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)
    for n in range(120):
        fake.add_comment(first.post_id, f"留言{n}", at=later)
    fake.add_comment(old, "旧文章的留言", at=later)
    page = adapter.incoming(link(fake), "comment", cursor)
    assert len(page.items) == 120 and {c.post_id for c in page.items} == {first.post_id}
    assert all(body["count"] < 50 for path, body in fake.calls if path == "/cgi-bin/comment/list")


def test_an_account_without_comment_rights_is_told(fake, adapter):
    adapter.publish(link(fake), post())
    cursor = adapter.incoming(link(fake), "comment", "").cursor
    fake.fail_next(88000, "/cgi-bin/comment/list")
    with pytest.raises(Rejected) as raised:
        adapter.incoming(link(fake), "comment", cursor)
    assert raised.value.code == "88000"


@pytest.mark.parametrize("kind", ["private", "mention"])
def test_private_messages_and_mentions_are_not_polled(fake, adapter, kind):
    page = adapter.incoming(link(fake), kind, "c1")
    assert page.items == () and page.cursor == "c1" and page.extra == {"unsupported": kind}
    assert fake.calls == []


def test_an_unknown_kind_is_rejected(fake, adapter):
    with pytest.raises(Rejected):
        adapter.incoming(link(fake), "like", "")


def test_own_posts_with_their_figures_after_the_cursor(fake, adapter):
    earlier = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=2)
    direct = fake.post_directly("直接发布的文章", "<p>第一段</p><p>第二段&amp;</p>", at=earlier)
    fake.set_figures(direct, reads=350, shares=12)
    ours = adapter.publish(link(fake), post())
    page = adapter.own_posts(link(fake), "")
    assert [p.post_id for p in page.items] == [direct, ours.post_id]  # oldest first
    first = page.items[0]
    assert first.text == "直接发布的文章\n第一段\n第二段&" and first.at == earlier and first.original
    assert (first.reads, first.reposts) == (350, 12) and page.items[1].reads is None
    assert adapter.own_posts(link(fake), page.cursor).items == ()
    for n in range(25):
        fake.post_directly(f"新文章{n}", "<p>正文</p>", at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=n))
    later = adapter.own_posts(link(fake), page.cursor)
    assert [p.text.split("\n")[0] for p in later.items] == [f"新文章{n}" for n in range(25)]
    assert adapter.own_posts(link(fake), later.cursor).items == ()


def test_followers_from_yesterdays_figures_or_the_follower_list(fake, adapter):
    fake.set_followers(1234)
    assert adapter.followers(link(fake)) == 1234
    [(_, body)] = [c for c in fake.calls if c[0] == "/datacube/getusercumulate"]
    assert body["begin_date"] == body["end_date"] < dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    fake.datacube_ready = False  # the day's figures are not ready before 8 o'clock
    fake.set_followers(1240)
    assert adapter.followers(link(fake)) == 1240


# -- the fake keeps to the documentation ---------------------------------------------------------

def test_the_fake_refuses_what_the_platform_refuses(fake):
    assert requests.post(f"{fake.base_url}/cgi-bin/draft/add", json={}, timeout=5).json()["errcode"] == 41001
    token = requests.post(f"{fake.base_url}/cgi-bin/stable_token", timeout=5, json={
        "grant_type": "client_credential", "appid": "wx1234567890", "secret": "s3cret"}).json()
    assert token["expires_in"] <= 7200
    article = fake.post_directly("标题", "<p>正文</p>")
    mid = fake.articles[article].msg_data_id
    answer = requests.post(f"{fake.base_url}/cgi-bin/comment/list", params={"access_token": token["access_token"]},
                           timeout=5, json={"msg_data_id": mid, "index": 0, "begin": 0, "count": 50, "type": 0}).json()
    assert answer["errcode"] == 40097
    page = requests.get(fake.articles[article].news_item[0]["url"], timeout=5)
    assert page.status_code == 200 and "正文" in page.text
    refused = requests.get(f"{fake.base_url}/cgi-bin/token", timeout=5, params={
        "grant_type": "client_credential", "appid": "wx1234567890", "secret": "wrong"})
    assert json.loads(refused.text) == {"errcode": 40125, "errmsg": "invalid appsecret"}


def test_the_adapter_names_what_an_office_enters_and_where_the_platform_answers():
    assert [name for name, _ in WechatAdapter.CREDENTIALS] == ["appid", "secret"]
    assert WechatAdapter.DEFAULT_BASE_URL == "https://api.weixin.qq.com"
    assert "s3cret" not in repr(Connection("wechat", "", "gh", {"appid": "wx", "secret": "s3cret"}))


def test_an_answer_of_the_wrong_shape_is_unavailable(fake, adapter):
    fake.fail_publication("done")  # publish_status "done": not one of the documented numbers
    fake.publish_polls = 0
    with pytest.raises(Unavailable) as raised:
        adapter.publish(link(fake), post())
    assert raised.value.code == "answer"


EXPECTED = [*((code, CredentialExpired) for code in wechat_client.CREDENTIAL),
            *((code, RateLimited) for code in wechat_client.RATE),
            *((code, Rejected) for code in wechat_client.REJECTED), (-1, Unavailable), (99999, Unavailable)]


@pytest.mark.parametrize("errcode, error", EXPECTED)
def test_every_documented_errcode_is_one_of_the_four_errors_with_the_platforms_words(fake, adapter, errcode, error):
    fake.fail_next(errcode, "/datacube/getusercumulate", times=2)  # twice: a token refusal is tried again once
    with pytest.raises(error) as raised:
        adapter.followers(link(fake))
    assert type(raised.value) is error and raised.value.code == str(errcode)
    assert f"微信 {errcode}：" in raised.value.reason


@pytest.mark.parametrize("status, meaning", [(5, "发布后已被删除"), (6, "发布后已被平台封禁")])
def test_a_publication_deleted_or_banned_at_once_is_rejected(fake, adapter, status, meaning):
    fake.fail_publication(status)
    with pytest.raises(Rejected) as raised:
        adapter.publish(link(fake), post())
    assert meaning in raised.value.reason

"""The Sina Weibo adapter against the local fake Weibo (ops.fakeplatforms.weibo), a real HTTP
server that follows the open API's documented paths, parameters, answers and error codes: every
call, every mapped error, a lost answer found again, and cursors that give nothing twice."""
import datetime as dt
import subprocess
import sys
import time

import pytest
import requests

from ops.fakeplatforms.weibo import DEFAULT_TOKEN, DEFAULT_UID, DEMO_REPLY, FakeWeibo
from services.publishing.connectors import weibo as module
from services.publishing.connectors.contract import (
    Connection,
    CredentialExpired,
    Image,
    Outgoing,
    RateLimited,
    Rejected,
    Unavailable,
)
from services.publishing.connectors.weibo import WeiboAdapter
from tests.conftest import wait_for

UTC = dt.timezone.utc
SAFE = "https://www.nc.gov.cn/"
CREDENTIALS = {"access_token": DEFAULT_TOKEN, "safe_link": SAFE, "rip": "203.0.113.7"}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TEXT = "东湖区今日开展义务植树活动，欢迎市民参加。"


@pytest.fixture
def fake():
    fake = FakeWeibo()
    fake.lose_for = 2.0
    fake.base = fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def adapter():
    return WeiboAdapter(timeout=(2, 1))


def connect(fake, **credentials) -> Connection:
    return Connection("sina", fake.base, str(DEFAULT_UID), {**CREDENTIALS, **credentials})


def outgoing(text=TEXT, **fields) -> Outgoing:
    return Outgoing(key="draft-1:sina", text=text, **fields)


def ago(**delta) -> dt.datetime:
    return dt.datetime.now(UTC) - dt.timedelta(**delta)


# -- publishing --------------------------------------------------------------------------------

def test_a_post_is_shared_with_a_link_of_the_safe_domain(fake, adapter):
    published = adapter.publish(connect(fake), outgoing())
    [post] = fake.posts()
    assert published.post_id == post["idstr"]
    assert published.url == f"https://m.weibo.cn/status/{post['idstr']}"
    assert post["text"].startswith(TEXT) and "http://t.cn/" in post["text"]  # the link the platform shortened
    method, path = fake.calls[-1]
    assert (method, path) == ("POST", "/2/statuses/share.json")  # form-encoded: nothing in the query


def test_the_text_keeps_its_own_safe_link_or_gains_the_posts_or_the_offices(fake, adapter):
    connection = connect(fake)
    own = f"{TEXT} https://www.nc.gov.cn/zwgk/1.html"
    assert adapter.text_of(connection, outgoing(own)) == own
    assert adapter.text_of(connection, outgoing(link="https://www.nc.gov.cn/news/a.html")) == \
        f"{TEXT} https://www.nc.gov.cn/news/a.html"
    assert adapter.text_of(connection, outgoing(link="https://elsewhere.example.cn/a")) == f"{TEXT} {SAFE}"
    bare = connect(fake, safe_link="")
    assert adapter.text_of(bare, outgoing()) == TEXT
    assert adapter.text_of(bare, outgoing(link="https://www.nc.gov.cn/b")) == f"{TEXT} https://www.nc.gov.cn/b"


def test_a_text_without_a_safe_domain_link_is_refused_with_the_platforms_reason(fake, adapter):
    with pytest.raises(Rejected) as refused:
        adapter.publish(connect(fake, safe_link=""), outgoing())
    assert refused.value.code == "10017"
    assert "安全域名" in refused.value.reason and "text not find domain" in refused.value.reason
    assert fake.posts() == []


def test_one_picture_goes_with_the_post_and_more_are_refused_before_sending(fake, adapter):
    adapter.publish(connect(fake), outgoing(images=(Image("a.jpg", "image/jpeg", JPEG),)))
    assert "original_pic" in fake.posts()[0]
    calls = len(fake.calls)
    with pytest.raises(Rejected, match="一张图片"):
        adapter.publish(connect(fake), outgoing("另一条", images=(Image("a.jpg", "image/jpeg", JPEG),) * 2))
    assert len(fake.calls) == calls


@pytest.mark.parametrize("post, code, words", [
    (outgoing("长" * 141), "20012", "正文太长"),
    (outgoing(images=(Image("a.bmp", "image/bmp", b"BM" + b"\x00" * 10),)), "20005", "图片格式"),
])
def test_what_the_platform_refuses_comes_back_with_its_reason(fake, adapter, post, code, words):
    with pytest.raises(Rejected) as refused:
        adapter.publish(connect(fake), post)
    assert refused.value.code == code and words in refused.value.reason
    assert fake.posts() == []


def test_repeated_content_is_rejected(fake, adapter):
    adapter.publish(connect(fake), outgoing())
    with pytest.raises(Rejected) as refused:
        adapter.publish(connect(fake), outgoing())
    assert refused.value.code == "20019" and "重复" in refused.value.reason
    assert len(fake.posts()) == 1


def test_a_missing_rip_is_refused(fake, adapter):
    with pytest.raises(Rejected, match="rip"):
        adapter.publish(connect(fake, rip=""), outgoing())


# -- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("switch, code", [("expire_token", "21327"), ("revoke_token", "21319")])
def test_an_expired_or_revoked_token_is_a_credential_expired(fake, adapter, switch, code):
    getattr(fake, switch)()
    for call in (lambda c: adapter.publish(c, outgoing()), adapter.followers,
                 lambda c: adapter.incoming(c, "comment", "0"), lambda c: adapter.own_posts(c, "0")):
        with pytest.raises(CredentialExpired) as expired:
            call(connect(fake))
        assert expired.value.code == code
    assert fake.posts() == []


def test_a_wrong_or_missing_token_is_a_credential_expired(fake, adapter):
    with pytest.raises(CredentialExpired) as wrong:
        adapter.followers(connect(fake, access_token="not-the-token"))
    assert wrong.value.code == "21332" and "访问令牌无效" in wrong.value.reason
    calls = len(fake.calls)
    with pytest.raises(CredentialExpired):
        adapter.followers(connect(fake, access_token=""))
    assert len(fake.calls) == calls  # nothing sent without a token


def test_the_token_travels_in_the_header_never_in_a_url(fake, adapter):
    connection = connect(fake)
    adapter.publish(connection, outgoing())
    adapter.incoming(connection, "comment", "")
    adapter.followers(connection)
    assert fake.calls and not any(DEFAULT_TOKEN in path for _, path in fake.calls)


def test_a_rate_limit_says_when_to_retry_and_the_retry_publishes_once(fake, adapter):
    fake.rate_limit()
    fake.reset_in = 1200
    with pytest.raises(RateLimited) as limited:
        adapter.publish(connect(fake), outgoing())
    assert limited.value.code == "10023" and limited.value.retry_after == 1200
    assert fake.posts() == []
    fake.rate_limit(False)
    adapter.publish(connect(fake), outgoing())
    assert len(fake.posts()) == 1


@pytest.mark.parametrize("failure", ["500", "garbage", "slow"])
def test_a_platform_that_fails_or_is_silent_is_unavailable(fake, adapter, failure):
    fake.fail_next(failure)
    with pytest.raises(Unavailable):
        adapter.publish(connect(fake), outgoing())
    assert fake.posts() == []


def test_a_platform_that_does_not_answer_at_all_is_unavailable(adapter):
    closed = Connection("sina", "http://127.0.0.1:9", str(DEFAULT_UID), CREDENTIALS)
    with pytest.raises(Unavailable) as down:
        adapter.followers(closed)
    assert down.value.code == "network" and DEFAULT_TOKEN not in down.value.reason


# -- a lost answer: find() ---------------------------------------------------------------------

def test_a_post_whose_answer_was_lost_is_found_and_not_sent_again(fake, adapter):
    connection, since = connect(fake), ago(seconds=1)
    fake.fail_next("lose")
    with pytest.raises(Unavailable):
        adapter.publish(connection, outgoing())
    [post] = fake.posts()  # the platform did publish it
    found = adapter.find(connection, outgoing(), since)
    assert found is not None and found.post_id == post["idstr"]
    assert adapter.find(connection, outgoing("另一条不相干的微博"), since) is None
    assert len(fake.posts()) == 1


def test_find_reads_back_over_pages_to_the_attempt_and_no_further(fake, adapter):
    connection = connect(fake)
    fake.add_direct_post(TEXT, at=ago(days=3))  # the same words long ago: not this attempt
    since = ago(minutes=1)
    assert adapter.find(connection, outgoing(), since) is None
    adapter.publish(connection, outgoing())
    target = fake.posts()[-1]["idstr"]
    for n in range(150):  # newer posts push it to the second page
        fake.add_direct_post(f"第{n}条")
    assert adapter.find(connection, outgoing(), since).post_id == target
    timeline = [p for _, p in fake.calls if p.startswith("/2/statuses/user_timeline.json")]
    assert len(timeline) == 3  # the first find stopped at the old post; the second read two pages


# -- delete ------------------------------------------------------------------------------------

def test_a_post_is_deleted_and_deleting_it_again_is_done(fake, adapter):
    connection = connect(fake)
    published = adapter.publish(connection, outgoing())
    adapter.delete(connection, published.post_id)
    assert fake.posts() == []
    adapter.delete(connection, published.post_id)  # 20101: already gone


def test_deleting_someone_elses_post_is_rejected(fake, adapter):
    theirs = fake.add_mention("看看这里")
    with pytest.raises(Rejected) as refused:
        adapter.delete(connect(fake), str(theirs))
    assert refused.value.code == "20102"


# -- listening ---------------------------------------------------------------------------------

def test_comments_come_oldest_first_and_never_twice(fake, adapter):
    connection = connect(fake)
    post = fake.add_direct_post("【通知】停水公告")
    fake.add_comment("以前的评论", post)
    start = adapter.incoming(connection, "comment", "")  # from now on
    assert start.items == () and start.cursor.isdigit()
    first = fake.add_comment("什么时候来水？", post, author="市民甲")
    fake.add_comment("我家也停了", post, author="市民乙")
    page = adapter.incoming(connection, "comment", start.cursor)
    assert [i.text for i in page.items] == ["什么时候来水？", "我家也停了"]
    item = page.items[0]
    assert (item.kind, item.platform_id, item.author_name, item.post_id) == ("comment", str(first), "市民甲", str(post))
    assert item.at.tzinfo is not None and abs(item.at - dt.datetime.now(UTC)) < dt.timedelta(minutes=1)
    again = adapter.incoming(connection, "comment", page.cursor)
    assert again.items == () and again.cursor == page.cursor


def test_many_comments_between_polls_all_come_in_order(fake, adapter):
    connection = connect(fake)
    post = fake.add_direct_post("【通知】征求意见")
    cursor = adapter.incoming(connection, "comment", "").cursor
    made = [fake.add_comment(f"意见{n}", post) for n in range(450)]  # more than two pages of 200
    page = adapter.incoming(connection, "comment", cursor)
    assert [int(i.platform_id) for i in page.items] == made and not page.extra
    assert adapter.incoming(connection, "comment", page.cursor).items == ()


def test_a_poll_that_cannot_read_everything_says_the_gap(fake, adapter, monkeypatch):
    monkeypatch.setattr(module, "MAX_PAGES", 1)
    connection = connect(fake)
    post = fake.add_direct_post("【通知】征求意见")
    cursor = adapter.incoming(connection, "comment", "").cursor
    for n in range(201):
        fake.add_comment(f"意见{n}", post)
    page = adapter.incoming(connection, "comment", cursor)
    assert len(page.items) == 200 and page.extra == {"gap": True}


def test_mentions_in_posts_and_in_comments_come_together(fake, adapter):
    connection = connect(fake)
    cursor = adapter.incoming(connection, "mention", "").cursor
    assert cursor.count(":") == 1
    status = fake.add_mention("井盖松动了", author="市民丙", at=ago(minutes=2))
    comment = fake.add_comment_mention("路灯也不亮", author="市民丁", at=ago(minutes=1))
    page = adapter.incoming(connection, "mention", cursor)
    assert [(i.kind, i.platform_id, i.author_name) for i in page.items] == \
        [("mention", str(status), "市民丙"), ("mention", str(comment), "市民丁")]
    assert all(i.post_id == "" for i in page.items)  # neither answers one of the account's posts
    assert adapter.incoming(connection, "mention", page.cursor).items == ()


def test_private_messages_come_through_the_commercial_interface(fake, adapter):
    connection = connect(fake)
    cursor = adapter.incoming(connection, "private", "").cursor
    mid = fake.add_private("想咨询公租房", author="市民戊")
    page = adapter.incoming(connection, "private", cursor)
    assert [(i.kind, i.platform_id, i.text, i.author_name) for i in page.items] == \
        [("private", str(mid), "想咨询公租房", "市民戊")]


def test_private_messages_without_the_grant_are_rejected_saying_why(fake, adapter):
    fake.commercial = False
    with pytest.raises(Rejected) as refused:
        adapter.incoming(connect(fake), "private", "")
    assert refused.value.code == "10014" and "商业接口" in refused.value.reason


def test_an_unknown_kind_or_cursor_is_rejected(fake, adapter):
    with pytest.raises(Rejected):
        adapter.incoming(connect(fake), "like", "")
    with pytest.raises(Rejected):
        adapter.incoming(connect(fake), "comment", "not-a-cursor")
    with pytest.raises(Rejected):
        adapter.incoming(connect(fake), "mention", "1:2:3")


def test_own_posts_come_with_their_figures(fake, adapter):
    connection = connect(fake)
    cursor = adapter.own_posts(connection, "").cursor
    direct = fake.add_direct_post("【天气】明天有雨", at=ago(minutes=5))
    fake.set_figures(direct, reposts=3, comments=4, likes=5)
    repost = fake.add_direct_post("转发微博", repost_of=direct)
    page = adapter.own_posts(connection, cursor)
    assert [(p.post_id, p.original, p.reposts, p.comments, p.likes, p.reads) for p in page.items] == \
        [(str(direct), True, 3, 4, 5, None), (str(repost), False, 0, 0, 0, None)]
    assert page.items[0].url.endswith(str(direct))
    assert adapter.own_posts(connection, page.cursor).items == ()


def test_followers(fake, adapter):
    fake.followers = 12345
    assert adapter.followers(connect(fake)) == 12345
    unknown = Connection("sina", fake.base, "", CREDENTIALS)  # the uid asked of account/get_uid
    assert adapter.followers(unknown) == 12345


# -- the fake itself ---------------------------------------------------------------------------

def test_the_fake_answers_the_documented_error_json(fake):
    answer = requests.get(f"{fake.base}/2/users/show.json", params={"uid": "1"},
                          headers={"Authorization": f"OAuth2 {DEFAULT_TOKEN}"}, timeout=5)
    assert answer.json() == {"error": "User does not exists!", "error_code": 20003, "request": "/2/users/show.json"}
    answer = requests.post(f"{fake.base}/2/statuses/share.json", data={"access_token": DEFAULT_TOKEN}, timeout=5)
    assert answer.json()["error_code"] == 10016


def test_the_fake_runs_alone():
    process = subprocess.Popen([sys.executable, "-m", "ops.fakeplatforms.weibo", "--port", "0", "--demo"],
                               stdout=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().split()[4]
        connection = Connection("sina", base, str(DEFAULT_UID), CREDENTIALS)
        assert WeiboAdapter().followers(connection) == 1000
        assert len(WeiboAdapter().incoming(connection, "private", "0").items) == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_demo_fake_answers_each_new_post_with_a_citizens_comment(fake, adapter):
    fake.reply_after = 0.05  # the embedded mode's fake: a post going out brings a comment back
    connection = connect(fake)
    start = adapter.incoming(connection, "comment", "")
    published = adapter.publish(connection, outgoing())
    wait_for(lambda: any(c["status"]["id"] == int(published.post_id) for c in list(fake.comments.values())))
    page = adapter.incoming(connection, "comment", start.cursor)
    assert [(i.text, i.post_id) for i in page.items] == [(DEMO_REPLY, published.post_id)]


def test_the_demo_fakes_ids_grow_across_restarts_as_the_platforms_do():
    from ops.fakeplatforms import demo
    first = demo.start_weibo()
    first.stop()
    time.sleep(0.01)
    second = demo.start_weibo()  # `make run` again: the connection's since_ids are the first's
    second.stop()
    assert min(second.statuses) > max(first.statuses) and min(second.comments) > max(first.comments)

"""Issue 20 in the browser, on the embedded system with the demo's own Weibo (ops.fakeplatforms.demo):
a draft of 南昌发布 (connected to it) approved by its leader goes out through the Weibo adapter
without anyone recording it, the draft's page shows the platform's status turn to published,
and the comment a citizen leaves on the post arrives in the inbox. At 1366 and 390 px."""
import re

import pytest

from ops.fakeplatforms import demo
from ops.fakeplatforms.weibo import DEMO_REPLY
from tests.browser.conftest import embedded
from tests.browser.test_account_pages import act
from tests.browser.test_inbox_review_pages import fits
from tests.browser.test_publishing_pages import choose_account, open_editor

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def weibo():
    fake = demo.start_weibo(reply_after=0.5)
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, weibo):
    env = {**demo.environment(weibo.base, listen_seconds=1), "PLATFORM_POSTS_INTERVAL_SECONDS": "1"}
    with embedded(tmp_path_factory, connections=(demo.connection(),), **env) as url:
        yield url


def test_an_approved_post_goes_out_on_weibo_and_a_comment_on_it_comes_back(as_person, site, weibo):
    operator = as_person("xwb_caozuo")
    open_editor(operator, site, "南昌发布")
    choose_account(operator, "南昌发布")
    operator.fill("textarea[name=text]", "【便民】市图书馆新馆本周六起免费开放，欢迎市民前来借阅。")
    operator.click("#editor button[type=submit]")
    operator.wait_for_url(re.compile(r"/drafts/\d+$"))
    url = operator.url
    act(operator, "submit")
    office = as_person("xwb_hegao")
    office.goto(url)
    act(office, "check")
    leader = as_person("xwb_fenguan")
    leader.goto(url)
    act(leader, "approve")

    # the other four platforms have no adapter here: they wait for a person to publish and record them
    operator.goto(url)  # the page follows the post by itself (htmx, every few seconds) until it is out
    sina = operator.locator("#platform-posts .platform-post[data-platform=sina]")
    sina.locator(".status", has_text="已发布").wait_for(timeout=30_000)
    [post] = weibo.posts()[-1:]
    assert "市图书馆新馆" in post["text"] and "http://t.cn/" in post["text"]  # the safe domain's link, shortened
    assert sina.locator("a").get_attribute("href") == f"https://m.weibo.cn/status/{post['idstr']}"
    assert "自动发布" in operator.inner_text("#steps")  # recorded by the worker, not by a person
    assert len(weibo.posts()) == 2  # the demo's own post and this one: sent once

    operator.goto(site + "/inbox")
    for _ in range(40):  # the listening worker polls every second; the citizen comments half a second after
        if operator.locator("#inbox-list tbody tr", has_text=DEMO_REPLY[:10]).count():
            break
        operator.wait_for_timeout(500)
        operator.reload()
    row = operator.locator("#inbox-list tbody tr", has_text=DEMO_REPLY[:10])
    assert row.count() == 1
    row.locator("a").first.click()
    operator.wait_for_load_state()
    assert DEMO_REPLY in operator.inner_text("main") and "新浪网" in operator.inner_text("main")
    for width in (1366, 390):
        operator.set_viewport_size({"width": width, "height": 900})
        assert fits(operator)
        operator.screenshot(path=f"/tmp/platform-message-{width}.png", full_page=True)
    operator.goto(url)
    for width in (1366, 390):
        operator.set_viewport_size({"width": width, "height": 900})
        assert fits(operator)
        operator.screenshot(path=f"/tmp/platform-draft-{width}.png", full_page=True)

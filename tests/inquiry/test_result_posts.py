"""A resolved message's result published as a post (X10): inquiry asks, publishing makes a
"response" draft on the account that goes through the review chain (never released by
itself), and once it is released the message shows where. Redelivered or late events change
nothing. The whole way runs here on the in-process bus; test_result_posts_rabbitmq.py runs
it over RabbitMQ and PostgreSQL."""
import json

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.bus.memory import MemoryBroker
from govmb.bus.topology import build_topology
from govmb.worker import Worker
from services.inquiry.models import Message, ResultPost
from services.inquiry.models import bus as inquiry_bus
from services.inquiry.results import apply_response
from services.publishing.models import Account as PublishingAccount
from services.publishing.models import Draft, ReviewStep
from services.publishing.models import bus as publishing_bus
from services.publishing.models import db as publishing_db
from services.publishing.responses import draft_from_message
from tests.conftest import wait_for
from tests.inquiry.conftest import DEPT_STAFF, inquiry_app, message
from tests.publishing.conftest import LEADER, OFFICE, OPERATOR, account, act
from tests.system import migrated_app, settings_for, spec_of

RESULT = "路灯已于 10 月 15 日修复，感谢您的监督。"


def resolve(client, mid, headers=DEPT_STAFF, **body):
    for action, text in (("reply", "您好，已转市政部门。"), ("feedback", "已受理，安排维修。")):
        assert client.post(f"/api/messages/{mid}/actions/{action}", json={"text": text}, headers=headers).status_code == 200
    return client.post(f"/api/messages/{mid}/actions/resolve", json={"text": RESULT, **body}, headers=headers)


def result_post(inquiry, mid) -> dict | None:
    return inquiry.get(f"/api/messages/{mid}", headers=DEPT_STAFF).json["result_post"]


def walk_to_release(inquiry, publishing) -> tuple[int, int]:
    """A message resolved with its result to publish, the draft through the review chain to
    release on both platforms, and the links back on the message: (message id, draft id)."""
    mid = message(inquiry).json["id"]
    r = resolve(inquiry, mid, publish=True, post_text="【留言办理】" + RESULT)
    assert r.status_code == 200 and r.json["status"] == "resolved", r.json
    assert r.json["result_post"]["status"] == "requested" and r.json["result_post"]["status_name"] == "已申请发布，待生成稿件"

    def drafted():
        return [d for d in publishing.get("/api/drafts", headers=OPERATOR).json if d["answers_message_id"] == mid]
    draft = wait_for(drafted, message="publishing to make the draft")[0]
    assert (draft["info_type"], draft["status"], draft["author_name"]) == ("response", "draft", "测试用户")
    assert draft["text"] == "【留言办理】" + RESULT
    post = wait_for(lambda: (result_post(inquiry, mid) or {}).get("draft_id") and result_post(inquiry, mid),
                    message="inquiry to learn of the draft")
    assert (post["draft_id"], post["status"], post["status_name"], post["links"]) == (draft["id"], "draft", "草稿", [])

    did = draft["id"]
    assert act(publishing, did, "submit", OPERATOR).json["status"] == "submitted"
    assert act(publishing, did, "check", OFFICE).json["status"] == "checked"
    assert act(publishing, did, "approve", LEADER).json["status"] == "approved"  # approved: not yet out
    act(publishing, did, "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/result")
    done = act(publishing, did, "record_publication", OPERATOR, platform="xinhua", url="https://xinhua.example.cn/1/result")
    assert done.json["status"] == "released"

    post = wait_for(lambda: (result_post(inquiry, mid) or {}).get("status") == "released" and result_post(inquiry, mid),
                    message="inquiry to learn of the release")
    assert post["links"] == [{"platform": "sina", "url": "https://weibo.com/1/result"},
                             {"platform": "xinhua", "url": "https://xinhua.example.cn/1/result"}]
    assert post["released_at"].endswith("+08:00") and post["status_name"] == "已发布"
    return mid, did


@pytest.fixture
def system(tmp_path):
    """Inquiry and publishing on their own SQLite files, their relays and consumers on the
    in-process bus; both copies hold account 1 (unit 4, on sina and xinhua)."""
    inquiry = inquiry_app(tmp_path)
    publishing = migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'publishing.db'}"))
    with publishing.app_context():
        apply_account_snapshot(PublishingAccount)(account(1), None)
    broker = MemoryBroker(build_topology("govmb", 5))
    workers = [Worker(spec_of(name), app.config["GOVMB_SETTINGS"], broker=broker).start()
               for name, app in (("inquiry", inquiry), ("publishing", publishing))]
    yield inquiry, publishing
    for w in workers:
        w.stop()


def test_the_result_goes_through_review_to_a_post_and_the_message_links_to_it(system):
    inquiry, publishing = system
    mid, did = walk_to_release(inquiry.test_client(), publishing.test_client())
    with publishing.app_context():
        assert [s.action for s in ReviewStep.select().where(ReviewStep.draft == did).order_by(ReviewStep.id)] == [
            "write", "submit", "check", "approve", "record_publication", "record_publication"]


def test_nothing_is_released_by_itself(system):
    inquiry, publishing = system
    mid = message(inquiry.test_client()).json["id"]
    resolve(inquiry.test_client(), mid, publish=True)
    pclient = publishing.test_client()
    wait_for(lambda: [d for d in pclient.get("/api/drafts", headers=OPERATOR).json if d["answers_message_id"] == mid],
             message="the draft")
    with publishing.app_context():
        draft = Draft.get(Draft.answers_message_id == mid)
        assert draft.status == "draft" and draft.text == RESULT  # no post text given: the result itself
        assert not publishing_bus.Outbox.select().where(publishing_bus.Outbox.event_type == "publishing.post.released").exists()


# ------------------------------------------------------------------ each side on its own
REQUEST = {"message_id": 7, "account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "text": RESULT, "asked_by_id": 13,
           "asked_by": "马丽", "asked_at": "2026-10-15T02:00:00+00:00"}


@pytest.fixture
def publishing_app(tmp_path):
    app = migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'publishing.db'}"))
    with app.app_context():
        handle = apply_account_snapshot(PublishingAccount)
        handle(account(1), None)
        handle(account(2, status="closed"), None)
        yield app


def drafted(payload: dict) -> None:
    """The handler as the consumer runs it: inside a transaction."""
    with publishing_db.atomic():
        draft_from_message(payload, None)


def responses_sent() -> list[dict]:
    rows = publishing_bus.Outbox.select().where(publishing_bus.Outbox.event_type == "publishing.response.changed")
    return [json.loads(r.body) for r in rows.order_by(publishing_bus.Outbox.id)]


def test_a_request_delivered_twice_makes_one_draft(publishing_app):
    drafted(REQUEST)
    drafted(REQUEST)
    draft = Draft.get(Draft.answers_message_id == 7)
    assert Draft.select().count() == 1 and draft.author_id == 13 and draft.platforms == '["sina", "xinhua"]'
    assert [(e["status"], e["draft_id"], e["revision"]) for e in responses_sent()] == [("draft", draft.id, 1)]


def test_an_account_no_longer_running_gets_no_draft_and_inquiry_is_told_why(publishing_app):
    drafted({**REQUEST, "account_id": 2})
    assert Draft.select().count() == 0
    [sent] = responses_sent()
    assert (sent["status"], sent["draft_id"], sent["reason"]) == ("refused", None, "账号未在正常运行，不能发布")


def test_the_author_who_asked_cannot_also_check_or_approve_the_post(publishing_app):
    drafted({**REQUEST, "asked_by_id": 12})  # the responsible office asked for it
    client = publishing_app.test_client()
    did = Draft.get().id
    assert act(client, did, "submit", OPERATOR).status_code == 200
    assert act(client, did, "check", OFFICE).status_code == 403  # 三审: the writer does not check


@pytest.fixture
def inquiry_client(app, client):
    with app.app_context():
        yield client


def test_inquiry_keeps_the_newest_step_whatever_the_order(inquiry_client):
    mid = message(inquiry_client).json["id"]
    resolve(inquiry_client, mid, publish=True)
    base = {"message_id": mid, "draft_id": 9, "account_id": 1, "reason": "", "links": [], "released_at": None}
    released = {**base, "status": "released", "revision": 6, "released_at": "2026-10-16T02:00:00+00:00",
                "links": [{"platform": "sina", "url": "https://weibo.com/1/r"}]}
    apply_response(released, None)
    apply_response({**base, "status": "submitted", "revision": 2}, None)  # late
    apply_response(released, None)  # repeated
    post = result_post(inquiry_client, mid)
    assert (post["status"], post["links"], post["released_at"]) == ("released", released["links"], "2026-10-16T10:00:00+08:00")
    assert ResultPost.select().count() == 1


def test_the_request_is_made_with_the_resolution_and_only_then(inquiry_client):
    mid = message(inquiry_client).json["id"]
    r = inquiry_client.post(f"/api/messages/{mid}/actions/reply", json={"text": "收到", "publish": True}, headers=DEPT_STAFF)
    assert r.status_code == 422 and r.json["errors"] == {"publish": ["办结时才能申请把办理结果发布到微博"]}
    assert Message.get_by_id(mid).status == "received"
    r = resolve(inquiry_client, mid)  # resolved without asking: nothing to publish
    assert r.json["result_post"] is None
    sent = [json.loads(e.body) for e in inquiry_bus.Outbox.select()
            if e.event_type == "inquiry.message.publication_requested"]
    assert sent == []
    other = message(inquiry_client, platform="sina", platform_message_id="m-9").json["id"]
    resolve(inquiry_client, other, publish=True, post_text="  ")  # blank post text: the result is published
    [sent] = [json.loads(e.body) for e in inquiry_bus.Outbox.select()
              if e.event_type == "inquiry.message.publication_requested"]
    assert (sent["message_id"], sent["text"], sent["asked_by_id"], sent["account_id"]) == (other, RESULT, 13, 1)
    assert "@东湖居民" not in json.dumps(sent, ensure_ascii=False)  # the citizen's handle stays with the unit

"""Comments, mentions and private messages read from a platform's API (issue 20): each event
`publishing.platform.incoming` becomes one citizen's message, received at the platform's time,
its handle sealed, never twice."""
import datetime as dt

import pytest

from govmb.contracts import load_incoming, validate_outgoing
from services.inquiry import handling, workdays
from services.inquiry.handlers import HANDLERS
from services.inquiry.models import Message, MessagePost, MessageStep, bus
from tests.inquiry.conftest import DEPT_STAFF

AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Friday morning, Beijing


def incoming(platform_id="c1", **fields):
    payload = {"account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "platform": "sina", "kind": "comment",
               "platform_id": platform_id, "text": "东湖路的路灯坏了三天了", "author_id": "98765", "author_name": "东湖居民",
               "at": AT.isoformat(), "post_id": "m9", "draft_id": 42, **fields}
    return validate_outgoing("publishing.platform.incoming", payload)  # as the producer writes it


def deliver(payload):
    HANDLERS["publishing.platform.incoming"](load_incoming("publishing.platform.incoming", 1, payload), None)


def test_a_comment_becomes_one_message_at_the_platform_s_time(app):
    with app.app_context():
        deliver(incoming())
        deliver(incoming())  # delivered again, or read again after a worker died before its cursor was kept
        message = Message.get()
        assert Message.select().count() == 1 and MessageStep.select().count() == 1
        received = AT.astimezone(dt.timezone.utc).replace(tzinfo=None)
        assert message.received_at == received
        due = workdays.deadlines(received, handling.calendar())
        assert (message.reply_due_at, message.feedback_due_at) == (due["reply_due_at"], due["feedback_due_at"])
        assert (message.source, message.platform, message.platform_message_id, message.kind) == (
            "platform", "sina", "c1", "comment")
        raw = Message.select(Message.citizen_handle).tuples().get()[0]
        assert message.citizen_handle.plain() == "东湖居民" and "东湖居民" not in str(raw)  # sealed as every handle
        link = MessagePost.get(MessagePost.message == message.id)
        assert (link.platform_post_id, link.draft_id) == ("m9", 42)
        assert [s.actor_name for s in MessageStep.select()] == ["平台接口"]
        assert bus.Outbox.select().where(bus.Outbox.event_type == "inquiry.message.changed").count() == 1
    r = app.test_client().get(f"/api/messages/{message.id}", headers=DEPT_STAFF)
    assert (r.json["source"], r.json["source_name"]) == ("platform", "平台接口读取")


def test_the_same_id_on_another_platform_is_another_message_and_a_mention_has_no_post(app):
    with app.app_context():
        deliver(incoming())
        deliver(incoming(platform="xinhua", kind="mention", post_id="", draft_id=None))
        assert Message.select().count() == 2 and MessagePost.select().count() == 1


def test_a_platform_clock_ahead_of_ours_is_not_a_receipt_in_the_future_and_an_empty_text_is_said(app):
    with app.app_context():
        ahead = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).isoformat()
        deliver(incoming(at=ahead, text="", author_name="", post_id=""))
        message = Message.get()
        assert message.received_at <= dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        assert message.text == "（无文字内容）" and message.citizen_handle.plain() == "98765"


def test_an_account_inquiry_does_not_know_yet_is_retried_not_dropped(app):
    with app.app_context(), pytest.raises(LookupError):
        deliver(incoming(account_id=77))
    with app.app_context():
        assert Message.select().count() == 0

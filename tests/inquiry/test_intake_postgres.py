"""Intake on PostgreSQL, where a message, its first step and its event go to the server in one
round trip (`govmb.db.write_together`) with an id taken from a block of the sequence, and the
calendar is loaded again only when its version moves."""
import datetime as dt
import json
import threading

import peewee
import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.db import IdBlocks, write_together
from services.inquiry import handling
from services.inquiry.models import Account, Message, MessageStep, bus
from tests.inquiry.conftest import DEPT_STAFF, JOINT
from tests.inquiry.test_intake import BODY, intake
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_app(pg_url):
    app = migrated_app("inquiry", settings_for("inquiry", pg_url))
    with app.app_context():
        apply_account_snapshot(Account)(account(1), None)
    return app


def test_a_message_its_step_and_its_event_are_stored_together(pg_app):
    client = pg_app.test_client()
    text = "100% 不满意：'引号' \"双引号\" ; DROP TABLE message; -- 还有 %s 和 %(x)s"
    ids = [intake(client, text=text, citizen_handle=f"@居民{i}").json["id"] for i in range(70)]  # more than a block
    assert len(set(ids)) == 70
    with pg_app.app_context():
        assert Message.select().count() == 70 and MessageStep.select().count() == 70
        assert {m.text for m in Message.select()} == {text}
        events = [json.loads(row.body) for row in bus.Outbox.select().where(
            bus.Outbox.event_type == "inquiry.message.changed").order_by(bus.Outbox.id)]
        assert bus.Outbox.select().where(bus.Outbox.event_type == "inquiry.message.archive_text").count() == 70
        assert [e["id"] for e in events] == ids and {e["step"] for e in events} == {"received"}
        assert {s.message_id for s in MessageStep.select()} == set(ids)
    seen = client.get(f"/api/messages/{ids[-1]}", headers=DEPT_STAFF).json
    assert seen["text"] == text and seen["result_post"] is None


def test_a_statement_that_fails_leaves_none_of_the_others(pg_app):
    with pg_app.app_context():
        message = Message.get_by_id(intake(pg_app.test_client()).json["id"])
        again = {**message.__data__, "id": handling.MESSAGE_IDS.take()}  # same platform id pair: unique index
        message.platform, message.platform_message_id = "sina", "P1"
        message.save()
        again.update(platform="sina", platform_message_id="P1")
        event, _ = bus.event_insert("inquiry.message.changed", handling.message_event(Message(**again), "received"))
        with pytest.raises(peewee.IntegrityError):
            write_together(handling.db, [MessageStep.insert(message=message.id, action="receive", to_status="received",
                                                            actor_id=1, actor_name="x"),
                                         event, Message.insert(again)])
        assert MessageStep.select().count() == 1 and bus.Outbox.select().count() == 2  # its two events
        assert Message.select().count() == 1


def test_id_blocks_of_two_processes_never_meet(pg_app):
    with pg_app.app_context():
        first, second = IdBlocks(Message, size=5), IdBlocks(Message, size=5)  # as two processes would hold
        taken: list[int] = []

        def take(blocks):
            for _ in range(40):
                taken.append(blocks.take())

        threads = [threading.Thread(target=take, args=(b,)) for b in (first, second, first)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(taken) == 120 and len(set(taken)) == 120


def test_a_calendar_entry_reaches_the_next_message_in_the_same_process(pg_app):
    client = pg_app.test_client()
    before = intake(client, received_at="2026-09-30T10:00:00+08:00").json  # the calendar is now cached
    assert before["feedback_due_at"] == "2026-10-11T00:00:00+08:00"  # 10-08, 10-09, 10-10 (a make-up Saturday)
    r = client.post("/api/calendar-days", json={"days": [{"day": "2026-10-09", "workday": False}]}, headers=JOINT)
    assert r.status_code == 200, r.json
    after = intake(client, received_at="2026-09-30T10:00:00+08:00").json
    assert after["feedback_due_at"] == "2026-10-13T00:00:00+08:00"  # 10-08, 10-10, 10-12
    r = client.post("/api/calendar-days", json={"days": [{"day": "2026-10-09", "workday": True}]}, headers=JOINT)
    assert intake(client, received_at="2026-09-30T10:00:00+08:00").json["feedback_due_at"] == before["feedback_due_at"]


def test_the_receipt_is_the_same_on_both_databases(pg_app, client):
    on_pg, on_sqlite = intake(pg_app.test_client()).json, intake(client).json
    for receipt in (on_pg, on_sqlite):
        receipt.pop("id")
        assert len(receipt.pop("query_code")) == 14 and receipt.pop("receipt_number")  # each its own (issue 19)
        # received now, each a moment apart (a second may turn between them): the reply is due a day later
        received, due = (dt.datetime.fromisoformat(receipt.pop(k)) for k in ("received_at", "reply_due_at"))
        assert due - received == dt.timedelta(hours=24)
    assert on_pg == on_sqlite and set(on_pg) >= {"feedback_due_at", "status_name"}


def test_a_batch_goes_in_one_round_trip_whole(pg_app):
    from tests.inquiry.test_intake import batch
    client = pg_app.test_client()
    items = [{**BODY, "citizen_handle": f"@居民{i}", "platform": "sina", "platform_message_id": f"B{i}"} for i in range(150)]
    r = batch(client, items)
    assert r.status_code == 201, r.json
    ids = [x["id"] for x in r.json["received"]]
    with pg_app.app_context():
        handles = dict(Message.select(Message.id, Message.citizen_handle).tuples())
        assert [handles[i].plain() for i in ids] == [f"@居民{i}" for i in range(150)]
        assert MessageStep.select().count() == 150
        assert [json.loads(row.body)["id"] for row in bus.Outbox.select().where(
            bus.Outbox.event_type == "inquiry.message.changed").order_by(bus.Outbox.id)] == ids
    again = batch(client, items[:1] + [{**BODY, "platform": "sina", "platform_message_id": "NEW"}])
    assert again.status_code == 422 and list(again.json["errors"]["messages"]) == ["0"]
    with pg_app.app_context():
        assert Message.select().count() == 150

"""The bus on the in-process transport and SQLite: the embedded mode's guarantees."""
import json
import threading
import uuid

import pytest

from govmb.bus.memory import MemoryBroker
from govmb.bus.message import Message
from govmb.bus.relay import PublishError, Relay
from tests.buskit import TickKit, topology


@pytest.fixture
def kit(tmp_path):
    k = TickKit(f"sqlite:///{tmp_path / 'ticks.db'}")
    k.create_tables()
    return k


@pytest.fixture
def broker():
    return MemoryBroker(topology("mem", delivery_limit=3))


def tick(n: int, message_id: str | None = None, poison: bool = False, version: int = 1) -> Message:
    return Message(message_id or str(uuid.uuid4()), "test.tick", version,
                   json.dumps({"n": n, "poison": poison}), "test", "2026-11-23T00:00:00+00:00")


def drain(broker, kit, until, consumer=None) -> None:
    stop = threading.Event()
    t = threading.Thread(target=broker.consume, args=("mem.ticker", consumer or kit.consumer(), stop, 50))
    t.start()
    try:
        from tests.conftest import wait_for
        wait_for(until, timeout=20, message="the queue to be handled")
    finally:
        stop.set()
        t.join(5)


def test_the_same_message_delivered_twice_makes_one_effect(kit, broker):
    same = tick(7, message_id="m-1")
    broker.publish_batch([same, same, tick(8)])
    q = broker.queues["mem.ticker"]
    consumer = kit.consumer()
    drain(broker, kit, lambda: q.depth() == 0 and q.unacked() == 0, consumer)
    assert kit.counts() == (2, 2, 2)
    assert consumer.duplicates == 1  # counted (and logged) as absorbed


def test_relay_and_consumer_carry_every_event_once(kit, broker):
    kit.emit(range(250))
    stop = threading.Event()
    relay = Relay(kit.store, broker, batch_size=100, poll_seconds=0.01)
    t = threading.Thread(target=relay.run, args=(stop,))
    t.start()
    try:
        drain(broker, kit, lambda: kit.counts()[0] == 250)
    finally:
        stop.set()
        t.join(5)
    assert kit.counts() == (250, 250, 250)
    assert kit.unsent() == 0


def test_a_poison_message_ends_in_the_dead_letter_queue_and_the_rest_flow(kit, broker):
    broker.publish_batch([tick(1), tick(2, message_id="poison", poison=True), tick(3)])
    dead = broker.queues["mem.ticker.dead"]
    drain(broker, kit, lambda: dead.depth() == 1 and kit.counts()[0] == 2)
    assert kit.counts() == (2, 2, 2)
    failure = kit.store.BusFailure.get_by_id("poison")
    assert failure.attempts == 4  # the first delivery and three redeliveries (delivery limit 3)
    assert "poison" in failure.error


def test_a_newer_version_goes_straight_to_the_dead_letter_queue(kit, broker):
    broker.publish_batch([tick(1, message_id="v9", version=9), tick(2)])
    dead = broker.queues["mem.ticker.dead"]
    drain(broker, kit, lambda: dead.depth() == 1 and kit.counts()[0] == 1)
    failure = kit.store.BusFailure.get_by_id("v9")
    assert failure.dead and "newer" in failure.error


def test_a_malformed_body_goes_straight_to_the_dead_letter_queue(kit, broker):
    bad = Message("bad-json", "test.tick", 1, "{not json", "test", "2026-11-23T00:00:00+00:00")
    broker.publish_batch([bad, tick(5)])
    dead = broker.queues["mem.ticker.dead"]
    drain(broker, kit, lambda: dead.depth() == 1 and kit.counts()[0] == 1)
    assert kit.store.BusFailure.get_by_id("bad-json").dead


def test_an_event_no_queue_is_bound_for_is_refused_like_mandatory(broker):
    stray = Message("x", "nobody.listens", 1, "{}", "test", "2026-11-23T00:00:00+00:00")
    with pytest.raises(PublishError, match="no queue"):
        broker.publish_batch([tick(1), stray])
    assert broker.queues["mem.ticker"].depth() == 0  # nothing of the refused batch was delivered


def test_an_unconfirmed_batch_stays_in_the_outbox(kit):
    class Refusing:
        def publish_batch(self, messages):
            raise PublishError("broker down")

    kit.emit(range(3))
    with pytest.raises(PublishError):
        with kit.db.connection_context():
            Relay(kit.store, Refusing()).run_once()
    assert kit.unsent() == 3


def test_a_statement_failing_in_a_handler_is_retried_not_mistaken_for_a_database_outage(kit, broker):
    import peewee

    calls = []

    def handler(payload, delivery):
        calls.append(payload["n"])
        if payload["n"] == 2:
            raise peewee.OperationalError("no such column: ghost")  # a statement's failure, the database answers
        kit.handle(payload, delivery)

    from govmb.bus.consumer import InboxConsumer
    broker.publish_batch([tick(1), tick(2, message_id="ghost"), tick(3)])
    stop = threading.Event()
    q, dead = broker.queues["mem.ticker"], broker.queues["mem.ticker.dead"]
    t = threading.Thread(target=broker.consume, args=("mem.ticker", InboxConsumer(kit.store, {"test.tick": handler}), stop, 50))
    t.start()
    try:
        from tests.conftest import wait_for
        wait_for(lambda: dead.depth() == 1 and q.depth() == 0 and q.unacked() == 0, timeout=20)
    finally:
        stop.set()
        t.join(5)
    assert kit.counts() == (2, 2, 2)
    assert "no such column" in kit.store.BusFailure.get_by_id("ghost").error


@pytest.mark.parametrize("headers", [{"version": [1, 2]}, {"version": "x"}, {"version": {"a": 1}},
                                     {"version": 1, "correlation_id": ["not", "a", "string"]}])
def test_malformed_headers_dead_letter_the_message_and_the_rest_flow(kit, broker, headers):
    q = broker.queues["mem.ticker"]
    odd = tick(9, message_id="odd")
    broker.publish_batch([tick(1)])
    # put a message with hand-made headers straight into the queue
    q.put(odd)
    original_get = q.get

    def get(max_count, timeout):
        out = original_get(max_count, timeout)
        for d in out:
            if d.message_id == "odd":
                d.headers = {**d.headers, **headers}
        return out

    q.get = get
    if "correlation_id" in headers:  # a bad correlation id is replaced, the message is handled
        drain(broker, kit, lambda: kit.counts()[0] == 2)
        assert kit.counts() == (2, 2, 2)
    else:
        drain(broker, kit, lambda: broker.queues["mem.ticker.dead"].depth() == 1 and kit.counts()[0] == 1)
        assert kit.store.BusFailure.get_by_id("odd").dead


def test_events_lost_with_the_in_process_queues_are_sent_again_at_the_next_start(kit):
    """The embedded mode's queues die with its process: an event the relay handed over but no
    consumer applied is sent again at start (`BusStore.resend_recent`); what was applied is
    absorbed by the inbox."""
    import datetime as dt
    kit.emit(range(5))
    first_run = MemoryBroker(topology("mem", delivery_limit=3))
    with kit.db.connection_context():
        assert Relay(kit.store, first_run, batch_size=100, poll_seconds=0.01).run_once() == 5
    drain(first_run, kit, lambda: kit.counts()[0] >= 1)  # some are applied before the process dies
    applied = kit.counts()[0]
    assert kit.unsent() == 0  # the outbox thinks all were delivered; `first_run` is now gone
    kit.emit([99])  # and one more was never sent
    with kit.db.connection_context():
        assert kit.store.resend_recent(dt.timedelta(hours=1)) == 5
    second_run = MemoryBroker(topology("mem", delivery_limit=3))
    with kit.db.connection_context():
        assert Relay(kit.store, second_run, batch_size=100, poll_seconds=0.01).run_once() == 6
    consumer = kit.consumer()
    drain(second_run, kit, lambda: kit.counts()[0] == 6, consumer)
    assert kit.counts() == (6, 6, 6) and consumer.duplicates == applied


def test_the_relay_forgets_handled_message_ids_after_the_retention_and_keeps_recent_ones(kit, broker):
    import datetime as dt

    from govmb.bus.relay import INBOX_RETENTION
    from govmb.timefmt import utcnow
    with kit.db.connection_context():
        kit.store.remember("old", "test.tick")
        kit.store.remember("recent", "test.tick")
        kit.store.Inbox.update(received_at=utcnow() - INBOX_RETENTION - dt.timedelta(hours=1)).where(
            kit.store.Inbox.message_id == "old").execute()
        relay = Relay(kit.store, broker)
        relay._maybe_purge()
        assert [r.message_id for r in kit.store.Inbox.select()] == ["recent"]


def test_the_re_send_at_start_counts_its_hour_back_from_the_last_send_not_from_now(kit, broker):
    """Stopped in the evening, started next morning: what the queues held at the stop is still sent again."""
    import datetime as dt

    from govmb.timefmt import utcnow
    kit.emit(range(3))
    with kit.db.connection_context():
        Relay(kit.store, broker, batch_size=100).run_once()
        kit.store.Outbox.update(sent_at=utcnow() - dt.timedelta(hours=14)).execute()  # sent last night
        kit.store.Outbox.update(sent_at=utcnow() - dt.timedelta(hours=16)).where(kit.store.Outbox.id == 1).execute()
        assert kit.store.resend_recent(dt.timedelta(hours=1)) == 2  # the last hour before the stop
        assert kit.unsent() == 2


def test_on_sqlite_a_relay_keeps_one_batch_in_flight_whatever_it_is_told(kit, broker):
    """No SKIP LOCKED on SQLite: two lanes would read and send the same rows."""
    from tests.relaykit import Overlap, drained

    kit.emit(range(600))
    publisher = Overlap(broker, hold=0.01)
    relay = drained(kit, publisher, batch_size=50, poll_seconds=0.005, in_flight=3, timeout=30)
    assert publisher.most == 1
    assert relay.sent == 600
    assert broker.queues[broker.topology.queue_name("ticker")].depth() == 600

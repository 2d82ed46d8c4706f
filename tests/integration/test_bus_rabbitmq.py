"""The bus on the real RabbitMQ and PostgreSQL."""
import json
import threading
import uuid

import pika
import pytest

from govmb.bus import amqp
from govmb.bus.message import Message
from govmb.bus.relay import PublishError, Relay
from tests import infra
from tests.buskit import topology
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


class Running:
    """Relay and consumer threads against the real broker, stopped at the end of the test."""

    def __init__(self):
        self.stop = threading.Event()
        self.threads, self.publishers = [], []

    def relay(self, kit, amqp_url, topo, batch=200):
        pub = amqp.AmqpPublisher(amqp_url, topo).start()
        self.publishers.append(pub)
        relay = Relay(kit.store, pub, batch_size=batch, poll_seconds=0.01)
        self._thread(relay.run, self.stop)
        return relay

    def consumer(self, kit, amqp_url, topo, prefetch=100):
        self._thread(amqp.consume, amqp_url, topo, topo.queue_name("ticker"), kit.consumer(), self.stop, prefetch)

    def producer(self, kit, total: int, chunk: int, pause: float) -> threading.Event:
        """A steady stream: `total` events in transactions of `chunk`, `pause` seconds apart; the
        event returned is set once all are committed."""
        produced = threading.Event()

        def produce():
            for start in range(0, total, chunk):
                kit.emit(range(start, start + chunk))
                if self.stop.wait(pause):
                    return
            produced.set()
        self._thread(produce)
        return produced

    def _thread(self, target, *args):
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self.threads.append(t)

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(10)
        for p in self.publishers:
            p.stop()


@pytest.fixture
def running():
    r = Running()
    yield r
    r.close()


def raw_publish(amqp_url, topo, messages):
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    ch = conn.channel()
    ch.confirm_delivery()
    for m in messages:
        ch.basic_publish(topo.exchange, m.event_type, m.body.encode(), amqp.properties(m), mandatory=True)
    conn.close()


def tick(n, message_id=None, poison=False):
    return Message(message_id or str(uuid.uuid4()), "test.tick", 1, json.dumps({"n": n, "poison": poison}),
                   "test", "2026-11-23T00:00:00+00:00")


def test_events_flow_from_outbox_to_inbox_once(kit, topo, amqp_url, running):
    kit.emit(range(1000))
    running.relay(kit, amqp_url, topo)
    running.consumer(kit, amqp_url, topo)
    wait_for(lambda: kit.counts()[0] >= 1000, message="1,000 ticks")
    assert kit.counts() == (1000, 1000, 1000)
    assert kit.unsent() == 0


def test_the_same_message_delivered_twice_makes_one_effect(kit, topo, amqp_url, running):
    same = tick(1, message_id=str(uuid.uuid4()))
    raw_publish(amqp_url, topo, [same, same, tick(2)])
    running.consumer(kit, amqp_url, topo)
    wait_for(lambda: infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 0 and kit.counts()[0] == 2)
    with kit.db.connection_context():
        assert kit.store.Inbox.select().count() == 2
    assert kit.counts() == (2, 2, 2)


def test_a_poison_message_is_dead_lettered_after_the_delivery_limit_and_the_rest_flow(kit, topo, amqp_url, running):
    poison = tick(0, message_id="poison-" + uuid.uuid4().hex, poison=True)
    raw_publish(amqp_url, topo, [tick(1), poison] + [tick(n) for n in range(2, 50)])
    running.consumer(kit, amqp_url, topo, prefetch=10)
    dlq = topo.queue_for("ticker").dead_letter_queue
    wait_for(lambda: infra.queue_depth(amqp_url, dlq) == 1, message="the poison message in the DLQ")
    wait_for(lambda: kit.counts()[0] == 49, message="every other message handled")
    with kit.db.connection_context():
        failure = kit.store.BusFailure.get_by_id(poison.message_id)
    assert failure.attempts == 4 and "poison" in failure.error  # delivered once + 3 redeliveries
    assert kit.counts() == (49, 49, 49)


def test_an_unroutable_event_is_a_failure_not_a_silent_ack(kit, amqp_url, namespace):
    topo = topology(namespace)  # the consumer's queue is declared by the publisher on connect...
    pub = amqp.AmqpPublisher(amqp_url, topo).start()
    try:
        pub.publish_batch([tick(1)])  # ...so a routable message is confirmed
        stray = Message(str(uuid.uuid4()), "nobody.listens", 1, "{}", "test", "2026-11-23T00:00:00+00:00")
        with pytest.raises(PublishError, match="unroutable"):
            pub.publish_batch([stray])
    finally:
        pub.stop()


def test_two_relays_on_postgresql_share_the_outbox_without_sending_twice(kit, topo, amqp_url, running):
    kit.emit(range(3000))
    first = running.relay(kit, amqp_url, topo, batch=100)
    second = running.relay(kit, amqp_url, topo, batch=100)
    wait_for(lambda: kit.unsent() == 0, message="the outbox to empty")
    assert first.sent + second.sent == 3000
    assert first.sent > 0 and second.sent > 0, (first.sent, second.sent)
    assert infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 3000


def test_heartbeats_go_on_while_a_long_handler_runs(kit, topo, amqp_url, caplog):
    """With a 2 s heartbeat, a 7 s handler would lose its connection (and see its message
    again) if heartbeats waited for the handler: the broker closes a connection after two
    missed heartbeats."""
    import time

    from govmb.bus.consumer import InboxConsumer
    calls = []

    def slow(payload, delivery):
        calls.append(payload["n"])
        time.sleep(7)
        kit.handle(payload, delivery)

    raw_publish(amqp_url, topo, [tick(1)])
    caplog.set_level("WARNING", logger="govmb.bus.amqp")
    stop = threading.Event()
    t = threading.Thread(target=amqp.consume, args=(amqp_url, topo, topo.queue_name("ticker"),
                                                     InboxConsumer(kit.store, {"test.tick": slow}), stop, 10, 2))
    t.start()
    try:
        wait_for(lambda: kit.counts()[0] == 1, timeout=30, message="the slow message handled")
        wait_for(lambda: infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 0, timeout=10)
        time.sleep(3)  # a dropped connection would redeliver the unacked message by now
    finally:
        stop.set()
        t.join(15)
    lost = [r for r in caplog.records if r.name == "govmb.bus.amqp" and "reconnecting" in r.getMessage()]
    assert not lost, "the consumer lost its connection while the handler ran"
    assert calls == [1] and kit.counts() == (1, 1, 1)

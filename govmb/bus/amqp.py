"""RabbitMQ over pika.

Publisher: one SelectConnection on its own thread; the relay hands it whole batches through
`add_callback_threadsafe` (the one thread-safe pika call) and waits until the broker has
confirmed every message. Many confirms are outstanding at once (a window the size of the
batch), messages are persistent and published `mandatory`, and a return is a failure.

Consumer: one BlockingConnection per consumer loop, owned by that loop's thread. Handlers
run on a helper thread while the loop keeps pumping the connection, so heartbeats go on
during a long handler. Acks go out on the delivering channel only; after a reconnect the
old tags are dropped, never acked.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import pika
from pika.exceptions import AMQPConnectionError, AMQPError
from pika.spec import Basic

from govmb.bus.consumer import Backoff, InboxConsumer, handle_until_done, settle
from govmb.bus.failpoints import failpoint
from govmb.bus.message import Delivery, Message
from govmb.bus.relay import PublishError
from govmb.bus.topology import Topology
from govmb.config import broker_urls

log = logging.getLogger(__name__)


def parameters(url: str, heartbeat: int = 30, name: str = "govmb") -> list[pika.URLParameters]:
    """One set of parameters per broker host of AMQP_URL, in its order (govmb.config.broker_urls):
    a BlockingConnection given the list connects to the first that answers."""
    out = []
    for one in broker_urls(url):
        params = pika.URLParameters(one)
        params.heartbeat = heartbeat
        params.blocked_connection_timeout = 60
        params.connection_attempts = 1
        params.socket_timeout = 5
        params.client_properties = {"connection_name": name}
        out.append(params)
    return out


def where(params: pika.connection.Parameters) -> str:
    """host:port of a broker, for logs (never the credentials)."""
    return f"{params.host}:{params.port}"


def connect_first(candidates: list[pika.connection.Parameters]) -> tuple[pika.BlockingConnection,
                                                                         pika.connection.Parameters]:
    """A blocking connection to the first broker host that answers, and its parameters."""
    failures = []
    for params in candidates:
        try:
            return pika.BlockingConnection(params), params
        except AMQPConnectionError as exc:
            failures.append(f"{where(params)}: {exc!r}")
            log.warning("broker host did not answer; trying the next", extra={"broker": where(params),
                                                                              "error": repr(exc)})
    raise AMQPConnectionError(f"no broker host answered ({'; '.join(failures)})")


def declare_topology(channel, topology: Topology) -> None:
    """Idempotent: every process declares what it relies on before it publishes or consumes."""
    channel.exchange_declare(topology.exchange, "topic", durable=True)
    channel.exchange_declare(topology.dead_exchange, "direct", durable=True)
    for q in topology.queues:
        channel.queue_declare(q.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(q.dead_letter_queue, topology.dead_exchange, routing_key=q.name)
        channel.queue_declare(q.name, durable=True, arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": topology.delivery_limit,
            "x-dead-letter-exchange": topology.dead_exchange,
            "x-dead-letter-routing-key": q.name,
            # without these, a quorum queue dead-letters at most once and may lose the message
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        })
        for key in q.bindings:
            channel.queue_bind(q.name, topology.exchange, routing_key=key)


def properties(m: Message) -> pika.BasicProperties:
    return pika.BasicProperties(
        message_id=m.message_id, type=m.event_type, content_type="application/json",
        content_encoding="utf-8", delivery_mode=pika.DeliveryMode.Persistent,
        app_id=m.producer, correlation_id=m.correlation_id,
        headers={k: v for k, v in m.headers.items() if v is not None})


class _Batch:
    def __init__(self, size: int):
        self.remaining = size
        self.message_ids: list[str] = []
        self.error: str | None = None
        self.done = threading.Event()

    def settle_one(self, error: str | None = None) -> None:
        if error and not self.error:
            self.error = error
        self.remaining -= 1
        if self.remaining <= 0:
            self.done.set()

    def fail(self, error: str) -> None:
        self.error = self.error or error
        self.done.set()


class AmqpPublisher:
    def __init__(self, url: str, topology: Topology, heartbeat: int = 30, name: str = "relay",
                 confirm_timeout: float = 30.0):
        self.params = parameters(url, heartbeat, name)
        self.topology, self.confirm_timeout = topology, confirm_timeout
        self._conn: pika.SelectConnection | None = None
        self._channel = None
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._pending: OrderedDict[int, _Batch] = OrderedDict()
        self._by_message: dict[str, _Batch] = {}
        self._next_tag = 0
        self._thread: threading.Thread | None = None
        self._backoff = Backoff()

    # called from the relay's thread ---------------------------------------
    def start(self) -> "AmqpPublisher":
        self._thread = threading.Thread(target=self._run, name="amqp-publisher", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.ioloop.add_callback_threadsafe(self._close)
            except Exception:  # the ioloop is already gone
                pass
        if self._thread:
            self._thread.join(timeout=10)

    def publish_batch(self, messages: list[Message]) -> None:
        if not messages:
            return
        if not self._ready.wait(timeout=5):
            raise PublishError("not connected to the broker")
        batch = _Batch(len(messages))
        conn = self._conn
        try:
            conn.ioloop.add_callback_threadsafe(lambda: self._publish(batch, messages))
        except Exception as exc:
            raise PublishError(f"connection unusable: {exc}") from exc
        if not batch.done.wait(self.confirm_timeout):
            raise PublishError("the broker did not confirm in time")
        if batch.error:
            raise PublishError(batch.error)

    # everything below runs on the publisher's ioloop thread -----------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                setup, params = connect_first(self.params)  # the first host that answers, this time
                with setup:
                    declare_topology(setup.channel(), self.topology)
                log.info("publisher connected to the broker", extra={"broker": where(params)})
                self._conn = pika.SelectConnection(
                    params, on_open_callback=self._on_open,
                    on_open_error_callback=self._on_open_error, on_close_callback=self._on_closed)
                self._conn.ioloop.start()
            except AMQPError as exc:
                log.warning("publisher cannot reach the broker", extra={"error": repr(exc)})
            except Exception:
                log.exception("publisher connection failed")
            self._ready.clear()
            if not self._stopping.is_set():
                self._backoff.wait(self._stopping)

    def _on_open(self, conn) -> None:
        conn.channel(on_open_callback=self._on_channel_open)

    def _on_open_error(self, conn, error) -> None:
        log.warning("publisher connection refused", extra={"error": repr(error)})
        conn.ioloop.stop()

    def _on_channel_open(self, channel) -> None:
        self._channel, self._next_tag = channel, 0
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame) -> None:
        self._backoff.reset()
        self._ready.set()

    def _publish(self, batch: _Batch, messages: list[Message]) -> None:
        channel = self._channel
        if channel is None or not channel.is_open:
            batch.fail("channel closed before publishing")
            return
        try:
            for m in messages:
                channel.basic_publish(self.topology.exchange, m.event_type, m.body.encode("utf-8"),
                                      properties(m), mandatory=True)
                self._next_tag += 1
                self._pending[self._next_tag] = batch
                self._by_message[m.message_id] = batch
                batch.message_ids.append(m.message_id)
        except AMQPError as exc:
            batch.fail(f"publish failed: {exc!r}")
            self._forget(batch)

    def _forget(self, batch: _Batch) -> None:
        """A batch settled: its message ids need no return any more. Batches overlap (the relay
        keeps several in flight), so this map is never empty for long and must be pruned."""
        for message_id in batch.message_ids:
            if self._by_message.get(message_id) is batch:
                del self._by_message[message_id]

    def _on_return(self, channel, method, props, body) -> None:
        # The broker sends basic.return before the ack of an unroutable mandatory message.
        batch = self._by_message.get(props.message_id)
        if batch is not None:
            batch.error = batch.error or f"unroutable: no queue bound for {method.routing_key}"

    def _on_confirm(self, frame) -> None:
        failpoint("relay.on_confirm")  # the broker holds the batch; the relay has not marked it sent
        method = frame.method
        error = None if isinstance(method, Basic.Ack) else "the broker refused (nack) a message"
        if method.multiple:
            tags = []
            for tag in self._pending:
                if tag > method.delivery_tag:
                    break
                tags.append(tag)
        else:
            tags = [method.delivery_tag]
        for tag in tags:
            batch = self._pending.pop(tag, None)
            if batch is not None:
                batch.settle_one(error)
                if batch.done.is_set():
                    self._forget(batch)
        if not self._pending:
            self._by_message.clear()

    def _fail_pending(self, why: str) -> None:
        self._ready.clear()
        for batch in set(self._pending.values()):
            batch.fail(why)
        self._pending.clear()
        self._by_message.clear()

    def _on_channel_closed(self, channel, reason) -> None:
        self._channel = None
        self._fail_pending(f"channel closed: {reason!r}")
        if self._conn is not None and self._conn.is_open:
            self._conn.close()

    def _on_closed(self, conn, reason) -> None:
        self._channel = None
        self._fail_pending(f"connection closed: {reason!r}")
        conn.ioloop.stop()

    def _close(self) -> None:
        if self._conn is not None and self._conn.is_open:
            self._conn.close()
        elif self._conn is not None:
            self._conn.ioloop.stop()


def _nothing() -> None:
    pass


def consume(url: str, topology: Topology, queue: str, consumer: InboxConsumer, stop: threading.Event,
            prefetch: int = 200, heartbeat: int = 30, name: str = "consumer") -> None:
    """Consume until `stop` is set, reconnecting with back-off after any broker failure."""
    backoff = Backoff()
    with ThreadPoolExecutor(1, thread_name_prefix="handler") as pool:
        while not stop.is_set():
            try:
                _consume_connection(url, topology, queue, consumer, stop, prefetch, heartbeat, name, pool, backoff)
            except AMQPError as exc:
                log.warning("consumer lost the broker; reconnecting", extra={"error": repr(exc)})
            except Exception:
                log.exception("consumer failed; reconnecting")
            if not stop.is_set():
                backoff.wait(stop)


def _consume_connection(url, topology, queue, consumer, stop, prefetch, heartbeat, name, pool, backoff) -> None:
    conn, params = connect_first(parameters(url, heartbeat, name))
    log.info("consumer connected to the broker", extra={"broker": where(params), "queue": queue})
    try:
        channel = conn.channel()
        declare_topology(channel, topology)
        channel.basic_qos(prefetch_count=prefetch)
        buffer: list[Delivery] = []

        def on_message(_ch, method, props, body) -> None:
            headers = dict(props.headers or {})
            buffer.append(Delivery(tag=method.delivery_tag, message_id=props.message_id, event_type=props.type,
                                   headers=headers, body=body,
                                   delivery_count=int(headers.get("x-delivery-count", 0))))

        channel.basic_consume(queue, on_message, auto_ack=False)
        backoff.reset()
        while not stop.is_set():
            conn.process_data_events(time_limit=0.05)
            if not buffer:
                continue
            deliveries = buffer[:]
            buffer.clear()
            future = pool.submit(handle_until_done, consumer, deliveries, stop,
                                 lambda s: time.sleep(s))
            # Wake this thread the moment the handler is done (the one thread-safe pika call).
            future.add_done_callback(lambda _f: conn.add_callback_threadsafe(_nothing))
            while not future.done():
                conn.process_data_events(time_limit=1)  # heartbeats while the handler runs
            outcomes = future.result()
            if outcomes is None:
                break  # stopping: unacked messages return to the queue when the channel closes
            settle(deliveries, outcomes,
                   ack=lambda tag, multiple: channel.basic_ack(tag, multiple=multiple),
                   # a reject, not a nack: from RabbitMQ 4.3 a nack's return does not count towards the
                   # quorum queue's delivery limit, and a failing message would come back for ever
                   requeue=lambda tag: channel.basic_reject(tag, requeue=True),
                   reject=lambda tag: channel.basic_reject(tag, requeue=False))
    finally:
        try:
            if conn.is_open:
                conn.close()
        except AMQPError:
            pass

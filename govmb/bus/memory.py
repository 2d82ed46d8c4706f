"""The in-process transport of the embedded mode: the same outbox, relay, inbox and
consumer code as on RabbitMQ, with a broker that lives in this process.

It keeps RabbitMQ's promises that the rest of the code relies on: topic routing,
`mandatory` (a message that routes nowhere is refused), redelivery of what is not acked,
a delivery limit after which a message goes to its dead-letter queue.
"""
from __future__ import annotations

import itertools
import threading
from collections import deque

from govmb.bus.consumer import InboxConsumer, handle_until_done, settle
from govmb.bus.message import Delivery, Message
from govmb.bus.relay import PublishError
from govmb.bus.topology import QueueSpec, Topology


class MemoryQueue:
    def __init__(self, spec: QueueSpec, delivery_limit: int, dead: "MemoryQueue | None"):
        self.spec, self.delivery_limit, self.dead = spec, delivery_limit, dead
        self._ready: deque[tuple[Message, int]] = deque()
        self._unacked: dict[int, tuple[Message, int]] = {}
        self._tags = itertools.count(1)
        self._cond = threading.Condition()

    def put(self, message: Message, delivery_count: int = 0) -> None:
        with self._cond:
            self._ready.append((message, delivery_count))
            self._cond.notify()

    def get(self, max_count: int, timeout: float) -> list[Delivery]:
        with self._cond:
            if not self._ready:
                self._cond.wait(timeout)
            out = []
            while self._ready and len(out) < max_count:
                message, count = self._ready.popleft()
                tag = next(self._tags)
                self._unacked[tag] = (message, count)
                out.append(Delivery(tag=tag, message_id=message.message_id, event_type=message.event_type,
                                    headers=message.headers, body=message.body.encode("utf-8"),
                                    delivery_count=count))
            return out

    def ack(self, tag: int, multiple: bool = False) -> None:
        with self._cond:
            for t in ([t for t in self._unacked if t <= tag] if multiple else [tag]):
                self._unacked.pop(t, None)

    def requeue(self, tag: int) -> None:
        with self._cond:
            message, count = self._unacked.pop(tag)
        if count + 1 > self.delivery_limit:
            self._dead_letter(message)
        else:
            self.put(message, count + 1)

    def reject(self, tag: int) -> None:
        with self._cond:
            message, _ = self._unacked.pop(tag)
        self._dead_letter(message)

    def release_unacked(self) -> None:
        """What a closed channel does: everything unacked goes back, counted as a delivery."""
        with self._cond:
            tags = list(self._unacked)
        for tag in tags:
            self.requeue(tag)

    def _dead_letter(self, message: Message) -> None:
        if self.dead is not None:
            self.dead.put(message)

    def depth(self) -> int:
        with self._cond:
            return len(self._ready)

    def unacked(self) -> int:
        with self._cond:
            return len(self._unacked)


class MemoryBroker:
    def __init__(self, topology: Topology):
        self.topology = topology
        self.queues: dict[str, MemoryQueue] = {}
        for spec in topology.queues:
            dead = MemoryQueue(QueueSpec(spec.dead_letter_queue, (), ""), 0, None)
            self.queues[spec.dead_letter_queue] = dead
            self.queues[spec.name] = MemoryQueue(spec, topology.delivery_limit, dead)

    def publish_batch(self, messages: list[Message]) -> None:
        routes = [self.topology.routes(m.event_type) for m in messages]
        unroutable = [m.event_type for m, r in zip(messages, routes) if not r]
        if unroutable:  # `mandatory`: refuse the batch, as a basic.return would
            raise PublishError(f"no queue is bound for {sorted(set(unroutable))}")
        for message, specs in zip(messages, routes):
            for spec in specs:
                self.queues[spec.name].put(message)

    def consume(self, queue: str, consumer: InboxConsumer, stop: threading.Event, prefetch: int = 200) -> None:
        q = self.queues[queue]
        while not stop.is_set():
            deliveries = q.get(prefetch, timeout=0.2)
            if not deliveries:
                continue
            outcomes = handle_until_done(consumer, deliveries, stop)
            if outcomes is None:
                q.release_unacked()
                return
            settle(deliveries, outcomes, q.ack, q.requeue, q.reject)

"""Dead letters for operators: how many wait in each service's dead-letter queue, what they
are and why they died (the broker's reason, the handler's last error from the service's
`bus_failure` table), and, once the cause is fixed, re-driving them to the service's queue.

    python -m ops.cli dead-letters                      # every service: depths and the first messages
    python -m ops.cli dead-letters --redrive inquiry    # all of inquiry's dead letters, back to its queue
    python -m ops.cli dead-letters --redrive inquiry --id <message id> ...

Reading a dead-letter queue takes its messages with `basic.get` and gives them back
(`nack` with requeue), so looking changes nothing. A re-driven message is published to the
service's own queue through the default exchange (the other services never see it again),
with the broker's death headers removed so its delivery count starts afresh, and is acked
from the dead-letter queue only after the broker has confirmed the new copy: a failure in
between leaves it in both queues, and the consumer's inbox absorbs the second copy.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import pika

from govmb.bus.amqp import connect_first, declare_topology, parameters
from govmb.bus.topology import Topology
from govmb.messages import said

DEATH_HEADERS = ("x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
                 "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count")
REASONS = {"delivery_limit": "重试次数用尽", "rejected": "无法处理（格式、契约或版本）", "expired": "过期",
           "maxlen": "队列已满"}


@dataclass
class DeadLetter:
    message_id: str | None
    event_type: str | None
    reason: str
    producer: str | None
    body: str
    error: str | None = None  # the handler's last error, from the consuming service's bus_failure table


@dataclass
class QueueReport:
    service: str
    queue: str
    waiting: int  # in the service's queue
    dead: int  # in its dead-letter queue
    letters: list[DeadLetter] = field(default_factory=list)


def _reason(headers: dict) -> str:
    reason = headers.get("x-first-death-reason")
    if not reason and headers.get("x-death"):
        reason = headers["x-death"][0].get("reason")
    reason = reason.decode() if isinstance(reason, bytes) else reason
    return REASONS.get(reason, reason or "未知")


def _letter(method, props, body: bytes) -> DeadLetter:
    headers = dict(props.headers or {})
    return DeadLetter(props.message_id, props.type, _reason(headers), props.app_id, body.decode("utf-8", "replace")[:500])


class DeadLetters:
    """One connection to the broker for an operator's look at the dead-letter queues."""

    def __init__(self, url: str, topology: Topology):
        self.topology = topology
        self.conn, _ = connect_first(parameters(url, name="dead-letters"))  # the first host that answers
        self.channel = self.conn.channel()
        declare_topology(self.channel, topology)

    def close(self) -> None:
        if self.conn.is_open:
            self.conn.close()

    def __enter__(self) -> "DeadLetters":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _depth(self, queue: str) -> int:
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def report(self, service: str, show: int = 20) -> QueueReport:
        spec = self.topology.queue_for(service)
        report = QueueReport(service, spec.dead_letter_queue, self._depth(spec.name), self._depth(spec.dead_letter_queue))
        taken = []
        for _ in range(min(show, report.dead)):
            method, props, body = self.channel.basic_get(spec.dead_letter_queue, auto_ack=False)
            if method is None:
                break
            taken.append(method.delivery_tag)
            report.letters.append(_letter(method, props, body))
        if taken:
            self.channel.basic_nack(taken[-1], multiple=True, requeue=True)  # looking changes nothing
            self._back_in(spec.dead_letter_queue, report.dead)
        return report

    def _back_in(self, queue: str, count: int, timeout: float = 5.0) -> None:
        """Wait until the messages given back are counted again: a quorum queue takes a nack
        after the channel has moved on, and a look straight after would miss them."""
        deadline = time.monotonic() + timeout
        while self._depth(queue) < count and time.monotonic() < deadline:
            self.conn.sleep(0.05)

    def redrive(self, service: str, message_ids: set[str] | None = None) -> int:
        """Move dead letters (all, or those with these message ids) back to the service's queue."""
        spec = self.topology.queue_for(service)
        self.channel.confirm_delivery()
        moved, kept = 0, []
        while True:  # the letters kept stay unacked until the end, so each is taken once
            method, props, body = self.channel.basic_get(spec.dead_letter_queue, auto_ack=False)
            if method is None:
                break
            if message_ids is not None and props.message_id not in message_ids:
                kept.append(method.delivery_tag)
                continue
            headers = {k: v for k, v in (props.headers or {}).items() if k not in DEATH_HEADERS}
            headers["x-redriven"] = headers.get("x-redriven", 0) + 1
            fresh = pika.BasicProperties(content_type=props.content_type, content_encoding=props.content_encoding,
                                         delivery_mode=pika.DeliveryMode.Persistent, message_id=props.message_id,
                                         type=props.type, timestamp=props.timestamp, app_id=props.app_id,
                                         correlation_id=props.correlation_id, headers=headers)
            # raises if the broker refuses or cannot route it: the letter stays in the dead-letter queue
            self.channel.basic_publish("", spec.name, body, fresh, mandatory=True)
            self.channel.basic_ack(method.delivery_tag)
            moved += 1
        for tag in kept:
            self.channel.basic_nack(tag, requeue=True)
        return moved


def with_errors(report: QueueReport, failures) -> QueueReport:
    """The handler's last error for each letter, from the service's `bus_failure` model."""
    ids = [letter.message_id for letter in report.letters if letter.message_id]
    errors = {f.message_id: f.error for f in failures.select().where(failures.message_id.in_(ids))} if ids else {}
    for letter in report.letters:
        letter.error = errors.get(letter.message_id)
    return report


def render(report: QueueReport) -> str:
    lines = [said("{service}: {waiting} 条待处理，死信队列 {queue} 中 {dead} 条", service=report.service,
                       waiting=report.waiting, queue=report.queue, dead=report.dead)]
    for letter in report.letters:
        lines.append(said("  {id}  {type}  来自 {producer}  原因：{reason}", id=letter.message_id, type=letter.event_type,
                          producer=letter.producer, reason=letter.reason))
        if letter.error:
            lines.append(said("    最后的错误：{error}", error=letter.error.splitlines()[0][:300]))
        lines.append(said("    内容：{body}", body=letter.body[:200]))
    return "\n".join(lines)


def as_json(report: QueueReport) -> str:
    return json.dumps({"service": report.service, "queue": report.queue, "waiting": report.waiting,
                       "dead": report.dead, "letters": [letter.__dict__ for letter in report.letters]},
                      ensure_ascii=False)

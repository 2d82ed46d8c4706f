"""Messages that can never be handled, published straight into the exchange: each must end in
the dead-letter queues named beside it, and nowhere else."""
from __future__ import annotations

import json
import time

import pika

POISON = [  # (message id, event type, body, the queues it must end in)
    ("poison-body", "registry.unit.changed", b"{not json", ("publishing", "inquiry", "assessment")),
    ("poison-contract", "inquiry.message.changed", json.dumps({"id": "not a number"}).encode(), ("assessment",)),
]


def _connect(url: str, patience: float = 120) -> pika.BlockingConnection:
    """A connection, waiting out a broker the other lane of faults has just killed."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return pika.BlockingConnection(pika.URLParameters(url))
        except pika.exceptions.AMQPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def publish_poison(cluster) -> str:
    conn = _connect(cluster.rabbit.url)
    ch = conn.channel()
    ch.confirm_delivery()
    for message_id, event_type, body, _ in POISON:
        ch.basic_publish(cluster.topology.exchange, event_type, body, pika.BasicProperties(
            message_id=message_id, type=event_type, content_type="application/json", delivery_mode=2,
            app_id="faultrun", headers={"version": 1}), mandatory=True)
    conn.close()
    cluster.poisoned = True
    return f"published {len(POISON)} poison messages"

"""What travels on the bus: a message as published, and a delivery as received."""
from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    message_id: str
    event_type: str  # also the routing key
    version: int
    body: str  # the payload as JSON text
    producer: str
    occurred_at: str  # ISO 8601, UTC
    correlation_id: str | None = None

    @property
    def headers(self) -> dict:
        return {"version": self.version, "producer": self.producer, "occurred_at": self.occurred_at,
                "correlation_id": self.correlation_id}


@dataclass
class Delivery:
    """A message as a consumer receives it: the broker's tag, how often it came, the raw parts."""

    tag: int
    message_id: str | None
    event_type: str | None
    headers: dict
    body: bytes
    delivery_count: int = 0
    channel_id: int = 0  # tags are valid only on the channel that delivered them
    extra: dict = field(default_factory=dict)

    def payload(self) -> dict:
        data = json.loads(self.body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data

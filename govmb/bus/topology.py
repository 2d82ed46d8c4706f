"""Exchanges and queues, derived from the contracts' subscription table."""
from __future__ import annotations

from dataclasses import dataclass

from govmb.contracts import SUBSCRIPTIONS


@dataclass(frozen=True)
class QueueSpec:
    name: str
    bindings: tuple[str, ...]
    dead_letter_queue: str


@dataclass(frozen=True)
class Topology:
    exchange: str
    dead_exchange: str
    queues: tuple[QueueSpec, ...]
    delivery_limit: int

    def queue_for(self, service: str) -> QueueSpec:
        name = self.queue_name(service)
        for q in self.queues:
            if q.name == name:
                return q
        raise KeyError(f"{service} consumes no events")

    def queue_name(self, service: str) -> str:
        return f"{self.exchange.rsplit('.', 1)[0]}.{service}"

    def routes(self, routing_key: str) -> list[QueueSpec]:
        return [q for q in self.queues if any(topic_matches(b, routing_key) for b in q.bindings)]


def build_topology(namespace: str, delivery_limit: int,
                   subscriptions: dict[str, tuple[str, ...]] | None = None) -> Topology:
    subs = SUBSCRIPTIONS if subscriptions is None else subscriptions
    queues = tuple(QueueSpec(f"{namespace}.{svc}", tuple(keys), f"{namespace}.{svc}.dead")
                   for svc, keys in sorted(subs.items()) if keys)
    return Topology(f"{namespace}.events", f"{namespace}.dead", queues, delivery_limit)


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: `*` is one word, `#` is zero or more words."""
    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and (p[0] == "*" or p[0] == k[0]) and match(p[1:], k[1:])
    return match(pattern.split("."), key.split("."))

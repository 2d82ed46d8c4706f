"""A small service for the bus tests: `test.tick` events whose effect is a counter that
would double if a message were applied twice.

Run as a process for the crash tests:
    python -m tests.buskit consume|relay --db URL --amqp URL --ns NAMESPACE
"""
from __future__ import annotations

import argparse
import signal
import threading

import peewee
from marshmallow import Schema, fields

from govmb.bus import amqp
from govmb.bus.consumer import InboxConsumer
from govmb.bus.relay import Relay
from govmb.bus.store import BusStore, create_bus_tables_v1
from govmb.bus.topology import build_topology
from govmb.contracts import CATALOGUE, Contract
from govmb.db import open_database


class TickSchema(Schema):
    n = fields.Integer(required=True)
    poison = fields.Boolean(load_default=False)


CATALOGUE.setdefault("test.tick", Contract("test.tick", 1, TickSchema, "a test event"))
SUBSCRIPTIONS = {"ticker": ("test.tick",)}


class TickKit:
    """A producer and a consumer of ticks on one database (they could be two; one is enough)."""

    def __init__(self, url: str):
        self.db = peewee.DatabaseProxy()
        self.db.initialize(open_database(url))
        self.store = BusStore(self.db, "ticker")

        class Counter(peewee.Model):
            name = peewee.CharField(primary_key=True)
            value = peewee.IntegerField(default=0)

            class Meta:
                database = self.db

        class Effect(peewee.Model):  # deliberately no unique key: a second apply would show
            n = peewee.IntegerField()

            class Meta:
                database = self.db

        self.Counter, self.Effect = Counter, Effect

    def create_tables(self) -> None:
        with self.db.connection_context():
            create_bus_tables_v1(self.db)
            self.db.create_tables([self.Counter, self.Effect])
            self.Counter.insert(name="ticks", value=0).on_conflict_ignore().execute()

    def emit(self, numbers, poison: bool = False) -> None:
        with self.db.connection_context(), self.db.atomic():
            for n in numbers:
                self.store.emit("test.tick", {"n": n, "poison": poison})

    def handle(self, payload: dict, _delivery) -> None:
        if payload["poison"]:
            raise RuntimeError(f"tick {payload['n']} is poison")
        self.Counter.update(value=self.Counter.value + 1).where(self.Counter.name == "ticks").execute()
        self.Effect.create(n=payload["n"])

    def consumer(self) -> InboxConsumer:
        return InboxConsumer(self.store, {"test.tick": self.handle})

    def counts(self) -> tuple[int, int, int]:
        """(counter, effect rows, distinct numbers applied)"""
        with self.db.connection_context():
            counter = self.Counter.get_by_id("ticks").value
            rows = self.Effect.select().count()
            distinct = self.Effect.select(self.Effect.n).distinct().count()
        return counter, rows, distinct

    def unsent(self) -> int:
        with self.db.connection_context():
            return self.store.backlog()


def topology(namespace: str, delivery_limit: int = 3):
    return build_topology(namespace, delivery_limit, SUBSCRIPTIONS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=("consume", "relay"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--amqp", required=True)
    parser.add_argument("--ns", required=True)
    parser.add_argument("--prefetch", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--in-flight", type=int, default=2, help="relay batches in flight at once (PostgreSQL)")
    parser.add_argument("--noop", action="store_true", help="consume with a handler that does nothing")
    args = parser.parse_args()
    kit, topo, stop = TickKit(args.db), topology(args.ns), threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.role == "consume":
        consumer = InboxConsumer(kit.store, {"test.tick": lambda p, d: None}) if args.noop else kit.consumer()
        amqp.consume(args.amqp, topo, topo.queue_name("ticker"), consumer, stop, prefetch=args.prefetch)
    else:
        publisher = amqp.AmqpPublisher(args.amqp, topo).start()
        Relay(kit.store, publisher, batch_size=args.batch, poll_seconds=0.005, in_flight=args.in_flight).run(stop)
        publisher.stop()


if __name__ == "__main__":
    main()

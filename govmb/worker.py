"""A service's worker process: its outbox relay and its consumer, until SIGTERM."""
from __future__ import annotations

import logging
import signal
import threading

from govmb.bus import amqp
from govmb.bus.consumer import InboxConsumer
from govmb.bus.memory import MemoryBroker
from govmb.bus.relay import Relay
from govmb.bus.topology import Topology, build_topology
from govmb.config import Settings, load
from govmb.contracts import SUBSCRIPTIONS
from govmb.dbroles import migrate_service
from govmb.observability import configure_logging
from govmb.service import ServiceSpec, ensure_database

log = logging.getLogger(__name__)


class Worker:
    """Relay and consumer threads of one service, on RabbitMQ or on an in-process broker."""

    def __init__(self, spec: ServiceSpec, settings: Settings, broker: MemoryBroker | None = None,
                 topology: Topology | None = None, relay: bool = True, consume: bool = True):
        self.spec, self.settings, self.broker = spec, settings, broker
        self.topology = topology or (broker.topology if broker else
                                     build_topology(settings.bus_namespace, settings.delivery_limit))
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.publisher = None
        self.relay: Relay | None = None
        self.want_relay, self.want_consume = relay, consume

    def start(self) -> "Worker":
        load()  # the rest of the environment (the jobs' intervals among it), read and checked now
        ensure_database(self.spec, self.settings)
        s = self.settings
        if self.want_relay:
            if self.broker is not None:
                self.publisher = self.broker
            else:
                self.publisher = amqp.AmqpPublisher(s.amqp_url, self.topology, s.heartbeat_seconds,
                                                    name=f"{self.spec.name}-relay").start()
            self.relay = Relay(self.spec.store, self.publisher, s.relay_batch_size, s.relay_poll_seconds,
                               in_flight=s.relay_batches_in_flight)
            self._thread(f"{self.spec.name}-relay", self.relay.run, self.stop_event)
        for name, interval, job in self.spec.periodic():
            self._thread(f"{self.spec.name}-{name}", run_periodically, self.spec, name, interval, job, self.stop_event)
        if self.want_consume and SUBSCRIPTIONS.get(self.spec.name):
            consumer = InboxConsumer(self.spec.store, self.spec.handlers())
            queue = self.topology.queue_name(self.spec.name)
            if self.broker is not None:
                self._thread(f"{self.spec.name}-consumer", self.broker.consume, queue, consumer,
                             self.stop_event, s.consumer_prefetch)
            else:
                self._thread(f"{self.spec.name}-consumer", amqp.consume, s.amqp_url, self.topology, queue,
                             consumer, self.stop_event, s.consumer_prefetch, s.heartbeat_seconds,
                             f"{self.spec.name}-consumer")
        return self

    def _thread(self, name, target, *args) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def stop(self, timeout: float = 10) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout)
        if isinstance(self.publisher, amqp.AmqpPublisher):
            self.publisher.stop()


def run_periodically(spec: ServiceSpec, name: str, interval: float, job, stop: threading.Event,
                     first_delay: float = 30.0) -> None:
    """A named job, again and again until stopped, first after the shorter of `first_delay` and its
    interval (the service settles first); a failure is logged and the next run comes."""
    if stop.wait(min(first_delay, interval)):
        return
    while True:
        try:
            with spec.db.connection_context():
                log.info("job ran", extra={"job": name, "result": job()})
        except Exception:  # the next run tries again; the job is safe to repeat
            log.exception("job failed", extra={"job": name})
        if stop.wait(interval):
            return


def main(spec: ServiceSpec) -> None:
    """Entry point of `python -m services.<name>.worker` (distributed mode, on RabbitMQ)."""
    settings = Settings.from_env(spec.name)
    configure_logging(spec.name)
    if not settings.amqp_url:
        raise SystemExit("the worker process needs AMQP_URL; the embedded mode runs workers in-process (make run)")
    migrate_service(spec, settings)  # as the owner, given its URL; the application role only checks
    worker = Worker(spec, settings).start()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    log.info("worker started", extra={"queue": worker.topology.queue_name(spec.name)})
    stopped.wait()
    worker.stop()

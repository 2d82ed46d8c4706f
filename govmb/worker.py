"""A service's worker process: its outbox relay and its consumer, until SIGTERM."""
from __future__ import annotations

import logging
import signal
import threading
import time

import peewee
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from govmb import observability as metrics
from govmb.bus import amqp
from govmb.bus.consumer import InboxConsumer, Outcome
from govmb.bus.memory import MemoryBroker
from govmb.bus.message import Delivery, Message
from govmb.bus.relay import Publisher, Relay
from govmb.bus.topology import Topology, build_topology
from govmb.config import Settings, load, options
from govmb.contracts import SUBSCRIPTIONS
from govmb.dbroles import migrate_service
from govmb.metrics_api import MetricsServer, metrics_app
from govmb.observability import configure_logging, exposition
from govmb.service import ServiceSpec, ensure_database
from govmb.timefmt import utcnow

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
            self.relay = Relay(self.spec.store, CountedPublisher(self.publisher, self.spec.name),
                               s.relay_batch_size, s.relay_poll_seconds, in_flight=s.relay_batches_in_flight)
            self._thread(f"{self.spec.name}-relay", self.relay.run, self.stop_event)
        for name, interval, job in self.spec.periodic():
            self._thread(f"{self.spec.name}-{name}", run_periodically, self.spec, name, interval, job, self.stop_event)
        if self.want_consume and SUBSCRIPTIONS.get(self.spec.name):
            consumer = CountedConsumer(InboxConsumer(self.spec.store, self.spec.handlers()), self.spec.name)
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

    def stopped_threads(self) -> list[str]:
        """The names of the threads that should run and do not (for /healthz): none while it runs."""
        return [t.name for t in self.threads if not t.is_alive()] if not self.stop_event.is_set() else []

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
    metrics.JOB_INTERVAL.labels(spec.name, name).set(interval)
    if stop.wait(min(first_delay, interval)):
        return
    while True:
        run_job(spec, name, job)
        if stop.wait(interval):
            return


def run_job(spec: ServiceSpec, name: str, job) -> bool:
    """One run of a periodic job, logged and counted; whether it succeeded."""
    labels = (spec.name, name)
    metrics.JOB_RUNS.labels(*labels).inc()
    started = time.perf_counter()
    try:
        with spec.db.connection_context():
            log.info("job ran", extra={"job": name, "result": job()})
        metrics.JOB_LAST_SUCCESS.labels(*labels).set(time.time())
        return True
    except Exception:  # the next run tries again; the job is safe to repeat
        metrics.JOB_FAILURES.labels(*labels).inc()
        log.exception("job failed", extra={"job": name})
        return False
    finally:
        metrics.JOB_SECONDS.labels(*labels).observe(time.perf_counter() - started)


class CountedPublisher:
    """The relay's publisher, counting what the broker confirmed and what it did not (the relay
    sends a batch again when publish_batch raises)."""

    def __init__(self, publisher: Publisher, service: str):
        self.publisher = publisher
        self.sent, self.batches = metrics.RELAY_SENT.labels(service), metrics.RELAY_BATCHES.labels(service)
        self.failures = metrics.RELAY_FAILURES.labels(service)

    def publish_batch(self, messages: list[Message]) -> None:
        try:
            self.publisher.publish_batch(messages)
        except Exception:
            self.failures.inc()
            raise
        self.batches.inc()
        self.sent.inc(len(messages))


class CountedConsumer:
    """An inbox consumer, counting each batch's outcomes once committed: events applied,
    duplicates absorbed, handler failures (redelivered), deliveries refused to the dead letters."""

    def __init__(self, consumer: InboxConsumer, service: str):
        self.consumer = consumer
        self.applied, self.duplicates = (metrics.CONSUMER_APPLIED.labels(service),
                                         metrics.CONSUMER_DUPLICATES.labels(service))
        self.failures, self.dead = metrics.CONSUMER_FAILURES.labels(service), metrics.CONSUMER_DEAD.labels(service)

    def handle_batch(self, deliveries: list[Delivery]) -> list[Outcome]:
        before = self.consumer.duplicates
        outcomes = self.consumer.handle_batch(deliveries)
        duplicates = self.consumer.duplicates - before
        self.duplicates.inc(duplicates)
        self.applied.inc(sum(o is Outcome.ACK for o in outcomes) - duplicates)
        self.failures.inc(sum(o is Outcome.RETRY for o in outcomes))
        self.dead.inc(sum(o is Outcome.DEAD for o in outcomes))
        return outcomes


class OutboxGauges:
    """The outbox's backlog and the age of its oldest unsent event, read at each scrape (the
    partial index outbox_unsent finds both); absent while the database does not answer."""

    FAMILIES = {"govmb_outbox_backlog": "Outbox rows not yet confirmed by the broker",
                "govmb_outbox_oldest_unsent_age_seconds": "Age of the oldest outbox row not yet confirmed"}

    def __init__(self, spec: ServiceSpec):
        self.spec = spec

    def describe(self) -> list[GaugeMetricFamily]:
        return [GaugeMetricFamily(name, text, labels=["service"]) for name, text in self.FAMILIES.items()]

    def collect(self):
        try:
            with self.spec.db.connection_context():
                backlog = self.spec.store.backlog()
                oldest = self.spec.store.pending(1, lock=False)
        except peewee.DatabaseError:
            return
        age = (utcnow() - oldest[0].created_at).total_seconds() if oldest else 0.0
        for family, value in zip(self.describe(), (backlog, max(age, 0.0))):
            family.add_metric([self.spec.name], value)
            yield family


def serve_metrics(spec: ServiceSpec, settings: Settings, worker: Worker) -> MetricsServer | None:
    """/metrics and /healthz on WORKER_METRICS_PORT (0: none): the worker's counters, its jobs'
    and its outbox's gauges."""
    opts = options()
    if not opts.worker_metrics_port:
        return None
    outbox = CollectorRegistry(auto_describe=False)
    outbox.register(OutboxGauges(spec))

    def body() -> bytes:
        return exposition(metrics.WORKER_REGISTRY) + generate_latest(outbox)

    app = metrics_app(body, worker.stopped_threads, settings.metrics_token)
    return MetricsServer(app, opts.worker_metrics_host, opts.worker_metrics_port).start()


def main(spec: ServiceSpec) -> None:
    """Entry point of `python -m services.<name>.worker` (distributed mode, on RabbitMQ)."""
    settings = Settings.from_env(spec.name)
    configure_logging(spec.name)
    if not settings.amqp_url:
        raise SystemExit("the worker process needs AMQP_URL; the embedded mode runs workers in-process (make run)")
    migrate_service(spec, settings)  # as the owner, given its URL; the application role only checks
    worker = Worker(spec, settings).start()
    server = serve_metrics(spec, settings, worker)
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    log.info("worker started", extra={"queue": worker.topology.queue_name(spec.name)})
    stopped.wait()
    worker.stop()
    if server is not None:
        server.stop()

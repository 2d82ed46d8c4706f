"""Structured logs with the correlation id, Prometheus metrics, and health endpoints."""
from __future__ import annotations

import hmac
import logging
import sys
import time
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from pythonjsonlogger.json import JsonFormatter

from govmb.config import options
from govmb.context import accept_correlation_id, get_correlation_id, reset_correlation_id, set_correlation_id
from govmb.messages import said

REQUESTS = Counter("govmb_http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("govmb_http_request_seconds", "HTTP request latency", ["service", "endpoint"])

# The workers' own (govmb/worker.py, served by govmb/metrics_api.py), in a registry of their own so
# that an API's /metrics does not list families it never counts. Under PROMETHEUS_MULTIPROC_DIR
# the values go to that directory's files whichever registry they belong to.
WORKER_REGISTRY = CollectorRegistry(auto_describe=True)
RELAY_SENT = Counter("govmb_relay_events_sent_total", "Outbox events the broker confirmed", ["service"],
                     registry=WORKER_REGISTRY)
RELAY_BATCHES = Counter("govmb_relay_batches_total", "Batches the broker confirmed", ["service"],
                        registry=WORKER_REGISTRY)
RELAY_FAILURES = Counter("govmb_relay_send_failures_total", "Batches the broker did not confirm (sent again)",
                         ["service"], registry=WORKER_REGISTRY)
CONSUMER_APPLIED = Counter("govmb_consumer_events_applied_total", "Events handled and committed with the inbox",
                           ["service"], registry=WORKER_REGISTRY)
CONSUMER_DUPLICATES = Counter("govmb_consumer_duplicates_total", "Deliveries of events handled before, absorbed",
                              ["service"], registry=WORKER_REGISTRY)
CONSUMER_FAILURES = Counter("govmb_consumer_failures_total", "Deliveries whose handler failed (redelivered)",
                            ["service"], registry=WORKER_REGISTRY)
CONSUMER_DEAD = Counter("govmb_consumer_dead_lettered_total", "Deliveries refused straight to the dead-letter queue",
                        ["service"], registry=WORKER_REGISTRY)
# The one name without the prefix: the issue's, and the usual one of batch jobs' dashboards.
JOB_LAST_SUCCESS = Gauge("job_last_success_timestamp_seconds", "When a periodic job last succeeded (Unix time)",
                         ["service", "job"], registry=WORKER_REGISTRY, multiprocess_mode="max")
JOB_INTERVAL = Gauge("govmb_job_interval_seconds", "A periodic job's configured interval", ["service", "job"],
                     registry=WORKER_REGISTRY, multiprocess_mode="max")
JOB_RUNS = Counter("govmb_job_runs_total", "Periodic job runs, failed ones too", ["service", "job"],
                   registry=WORKER_REGISTRY)
JOB_FAILURES = Counter("govmb_job_failures_total", "Periodic job runs that raised", ["service", "job"],
                       registry=WORKER_REGISTRY)
JOB_SECONDS = Histogram("govmb_job_duration_seconds", "Time a periodic job's run took", ["service", "job"],
                        registry=WORKER_REGISTRY, buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600))


class _ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = get_correlation_id()
        record.service = getattr(record, "service", self.service)
        return True


def configure_logging(service: str, level: str | None = None) -> None:
    """JSON lines on stderr, each with the service and the correlation id of the work in hand."""
    root = logging.getLogger()
    if any(getattr(h, "_govmb", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level"}))
    handler.addFilter(_ContextFilter(service))
    handler._govmb = True
    root.addHandler(handler)
    root.setLevel(level or options().log_level)
    logging.getLogger("pika").setLevel(logging.WARNING)
    # urllib3 logs each request line, query string and all: a group robot's key is in it
    logging.getLogger("urllib3").setLevel(logging.WARNING)


def _unquoted(value):
    """An atom as gunicorn had it before its SafeAtoms put a backslash before every quote (for its
    own quoted format): the exact inverse, since every quote of the escaped text is preceded by
    its inserted backslash. JSON escapes it again, properly."""
    return value.replace('\\"', '"') if isinstance(value, str) else value


def _number(value, kind):
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


class AccessLogFormatter(JsonFormatter):
    """gunicorn's access log as JSON lines (gunicorn.conf.py's logconfig_dict): the request's
    method, path, status, size, time, client and correlation id as fields. The path is without
    its query, and the referer is left out (it holds the previous page's query): a query may hold
    what the logs must not (a citizen's contact looked up, a name searched for)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args or ("%(asctime)s %(levelname)s %(name)s %(message)s",), **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, dict) else None
        if atoms is None:  # not an access line: as any other
            return
        def get(key: str):
            return _unquoted(atoms.get(key))

        log_data.update(
            message=f"{get('m')} {get('U')} {get('s')}",
            method=get("m"), path=get("U"), protocol=get("H"), status=_number(get("s"), int),
            bytes=_number(atoms.get("B"), int), duration_seconds=_number(get("L"), float),
            remote_addr=get("h"), remote_port=_number(get("{remote_port}e"), int),
            user_agent=get("a"), correlation_id=get("{x-correlation-id}o") or None,
            pid=record.process)


def instrument(app: Flask, service: str) -> None:
    """Correlation id in and out of every request; a counter and a latency histogram."""
    @app.before_request
    def _start() -> None:
        g.correlation_token = set_correlation_id(accept_correlation_id(request.headers.get("X-Correlation-ID")))
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        if "started" in g:
            LATENCY.labels(service, endpoint).observe(time.perf_counter() - g.started)
        REQUESTS.labels(service, request.method, endpoint, response.status_code).inc()
        if get_correlation_id():
            response.headers["X-Correlation-ID"] = get_correlation_id()
        return response

    @app.teardown_request
    def _reset(_exc) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            reset_correlation_id(token)


TOKEN_NEEDED = "需要 METRICS_TOKEN：Authorization: Bearer <令牌>\n"


def bearer_accepted(authorization: str, token: str) -> bool:
    """Whether an Authorization header may read /metrics: any, without a token; else exactly
    `Bearer <token>` (compared in constant time)."""
    return not token or hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


def exposition(registry: CollectorRegistry) -> bytes:
    """The Prometheus text of `registry`; under PROMETHEUS_MULTIPROC_DIR (gunicorn's workers, or a
    worker in the image, which sets it), every process's values in that directory instead."""
    if options().metrics_dir:  # prometheus_client reads the variable itself
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        return generate_latest(merged)
    return generate_latest(registry)


def health_blueprint(checks: dict[str, Callable[[], object]], info: dict[str, Callable[[], object]] | None = None,
                     extra_metrics: Callable[[], str] | None = None, metrics_token: str = "") -> Blueprint:
    """/healthz (the process answers), /readyz (each check passes; `info` is reported only),
    /metrics (Prometheus; with `metrics_token`, only for `Authorization: Bearer <token>`)."""
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=current_app.name)

    @bp.get("/readyz")
    def readyz():
        results, ok = {}, True
        for name, check in {**checks, **(info or {})}.items():
            try:
                value = check()
                results[name] = "ok" if value is None or value is True else value  # not `in`: 1 == True
            except Exception as exc:  # each failing dependency is reported, not raised
                results[name] = said("失败：{kind}", kind=type(exc).__name__)
                ok = ok and name not in checks
        return jsonify(status="ok" if ok else "unavailable", service=current_app.name, checks=results), (200 if ok else 503)

    @bp.get("/metrics")
    def metrics():
        if not bearer_accepted(request.headers.get("Authorization", ""), metrics_token):
            return Response(TOKEN_NEEDED, 401, mimetype="text/plain")
        body = exposition(REGISTRY)
        if extra_metrics:
            body += extra_metrics().encode()
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    return bp

"""Structured logs with the correlation id, Prometheus metrics, and health endpoints."""
from __future__ import annotations

import hmac
import logging
import sys
import time
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from pythonjsonlogger.json import JsonFormatter

from govmb.config import options
from govmb.context import accept_correlation_id, get_correlation_id, reset_correlation_id, set_correlation_id
from govmb.messages import said

REQUESTS = Counter("govmb_http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("govmb_http_request_seconds", "HTTP request latency", ["service", "endpoint"])


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
        given = request.headers.get("Authorization", "")
        if metrics_token and not hmac.compare_digest(given.encode(), f"Bearer {metrics_token}".encode()):
            return Response("需要 METRICS_TOKEN：Authorization: Bearer <令牌>\n", 401, mimetype="text/plain")
        if options().metrics_dir:  # PROMETHEUS_MULTIPROC_DIR, which prometheus_client reads itself
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            body = generate_latest(registry)
        else:
            body = generate_latest()
        if extra_metrics:
            body += extra_metrics().encode()
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    return bp

"""A worker process's own small HTTP server: /metrics (Prometheus, behind the same bearer token as
the APIs' /metrics) and /healthz (the process and its threads live), on WORKER_METRICS_PORT.

A wsgiref server, one thread per request, in a daemon thread of the worker: nothing of the
relay's or the consumers' work waits on it, and a scrape never opens a broker connection."""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CONTENT_TYPE_LATEST

from govmb.observability import TOKEN_NEEDED, bearer_accepted

log = logging.getLogger(__name__)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a scrape in flight never holds the worker's exit


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # Prometheus scrapes every few seconds: no line each
        pass


def metrics_app(metrics: Callable[[], bytes], alive: Callable[[], list[str]], token: str):
    """The WSGI app: `metrics()` gives the exposition's text, `alive()` the names of the threads
    that should run and do not (empty: healthy)."""
    def app(request: dict, start_response) -> Iterable[bytes]:
        path = request.get("PATH_INFO", "")  # the WSGI environ of the request, not the process's
        if path == "/healthz":
            dead = alive()
            status = "200 OK" if not dead else "503 Service Unavailable"
            body = json.dumps({"status": "ok" if not dead else "unavailable", "stopped_threads": dead}).encode()
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        if path == "/metrics":
            if not bearer_accepted(request.get("HTTP_AUTHORIZATION", ""), token):
                start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8")])
                return [TOKEN_NEEDED.encode()]
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [metrics()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"/metrics or /healthz\n"]
    return app


class MetricsServer:
    """The server in a daemon thread; `start` returns None (logged) when the port is taken, so a
    second replica on one host runs without one rather than not at all."""

    def __init__(self, app, host: str, port: int):
        self.app, self.host, self.port = app, host, port
        self.server: WSGIServer | None = None

    def start(self) -> MetricsServer | None:
        try:
            self.server = make_server(self.host, self.port, self.app, server_class=_ThreadingServer,
                                      handler_class=_QuietHandler)
        except OSError as exc:
            log.error("worker metrics not served: the port is taken or not ours",
                      extra={"host": self.host, "port": self.port, "error": str(exc)})
            return None
        self.port = self.server.server_port  # the one bound (given 0, any free one)
        threading.Thread(target=self.server.serve_forever, name="worker-metrics", daemon=True).start()
        log.info("worker metrics served", extra={"host": self.host, "port": self.port})
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

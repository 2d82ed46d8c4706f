"""What a service is made of, and the one factory that turns it into a Flask app."""
from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import peewee
import pika
from flask import Blueprint, Flask, current_app, json, request

from govmb import auditchain, i18n, personal
from govmb.bus import amqp
from govmb.bus.consumer import Handler
from govmb.bus.store import BusStore
from govmb.bus.topology import build_topology
from govmb.config import Settings, load, options
from govmb.contracts import SUBSCRIPTIONS
from govmb.db import open_database, too_privileged
from govmb.errors import ProblemApi, problem, register_error_handlers
from govmb.headers import behind_proxies, secure_headers
from govmb.messages import said
from govmb.observability import configure_logging, health_blueprint, instrument
from govmb.openapi import ClientReady, served_here, servers
from govmb.revocation import revocations
from govmb.tables import MAX_BYTES


def bind_to_requests(app: Flask, db: peewee.DatabaseProxy) -> None:
    """Open the service's connection for each request and give it back on teardown."""
    @app.before_request
    def _open() -> None:
        if request.blueprint != "health":  # probes answer even when the database does not
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        if not db.is_closed():
            db.close()


@dataclass
class ServiceSpec:
    """A service: its name, its database and bus store, and its package, whose `api` module
    lists BLUEPRINTS and whose `handlers` module maps event types to HANDLERS."""

    name: str
    title: str  # in Chinese, for the OpenAPI description
    package: str  # "services.registry"
    db: peewee.DatabaseProxy
    store: BusStore

    @property
    def migrations(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).parent / "migrations"

    def blueprints(self) -> list[Blueprint]:
        return importlib.import_module(f"{self.package}.api").BLUEPRINTS

    def init_app(self, app: Flask) -> None:
        """Extensions a service's `api` module binds to its app (e.g. a rate limiter), if any."""
        init = getattr(importlib.import_module(f"{self.package}.api"), "init_app", None)
        if init is not None:
            init(app)

    def periodic(self) -> tuple:
        """(name, interval in seconds, job) of the service's `jobs` module, if it has one; its
        PERIODIC names each job's interval by its variable (govmb.config.Options.job_intervals)."""
        try:
            jobs = importlib.import_module(f"{self.package}.jobs").PERIODIC
        except ModuleNotFoundError:
            return ()
        intervals = options().job_intervals
        return tuple((name, intervals[variable], job) for name, variable, job in jobs)

    def handlers(self) -> dict[str, Handler]:
        return importlib.import_module(f"{self.package}.handlers").HANDLERS


log = logging.getLogger(__name__)
_bound_urls: dict[str, str] = {}


def ensure_database(spec: ServiceSpec, settings: Settings) -> None:
    """Point the service's database proxy at the configured URL (once per URL), and give the
    process the keys its personal data is sealed with (inquiry's), before anything reads it."""
    if settings.personal_keys is not None:
        personal.install(settings.personal_keys)
    if settings.audit_keys is not None:
        auditchain.install(settings.audit_keys)
    if _bound_urls.get(spec.name) != settings.database_url:
        if spec.db.obj is not None and not spec.db.is_closed():
            spec.db.close()
        spec.db.initialize(open_database(settings.database_url))
        _bound_urls[spec.name] = settings.database_url


def probe_parameters(url: str) -> list[pika.URLParameters]:
    """For a health probe: every broker host of AMQP_URL in its order (the first that answers
    will do), each with one attempt and a short timeout."""
    candidates = amqp.parameters(url, name="probe")
    for params in candidates:
        params.socket_timeout, params.stack_timeout = 2, 3
    return candidates


class BrokerCheck:
    """Is the broker reachable? Cached briefly so that probes do not open a connection each."""

    def __init__(self, url: str | None, ttl: float = 10.0):
        self.url, self.ttl, self._ok_until = url, ttl, 0.0

    def __call__(self) -> str:
        if not self.url:
            return "进程内传输"
        if time.monotonic() < self._ok_until:
            return "ok"
        pika.BlockingConnection(probe_parameters(self.url)).close()
        self._ok_until = time.monotonic() + self.ttl
        return "ok"


class DeadLetterCount:
    """How many messages wait in the service's dead-letter queue, for /readyz, /metrics and the
    status page (`python -m ops.cli dead-letters` shows them). Counted with a passive
    declare, at most every `ttl` seconds; None where there is no queue to count (the
    in-process transport, a service that consumes nothing)."""

    def __init__(self, settings: Settings, service: str, ttl: float = 10.0):
        self.settings, self.service, self.ttl = settings, service, ttl
        self._value: int | None = None
        self._error: Exception | None = None
        self._until = 0.0

    def __call__(self) -> int | None:
        if not self.settings.amqp_url or not SUBSCRIPTIONS.get(self.service):
            return None
        if time.monotonic() >= self._until:
            self._until = time.monotonic() + self.ttl  # a failure is cached too: probes do not pile onto a dead broker
            self._value, self._error = None, None
            queue = build_topology(self.settings.bus_namespace, self.settings.delivery_limit).queue_for(self.service)
            try:
                conn = pika.BlockingConnection(probe_parameters(self.settings.amqp_url))
                try:
                    self._value = conn.channel().queue_declare(queue.dead_letter_queue, passive=True).method.message_count
                finally:
                    conn.close()
            except Exception as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._value


SPEC_OPTIONS = {"components": {"securitySchemes": {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "web_client_secret": {"type": "apiKey", "in": "header", "name": "X-Web-Client-Secret",
                          "description": "网页端与登记服务共有的密钥（仅登记服务的 /api/auth/web-tokens）"}}},
    "security": [{"bearer": []}]}


class ServiceApi(ProblemApi):
    """A service's API: problem details for errors (ProblemApi), and an OpenAPI document ready
    for a client generator (govmb.openapi, docs/api.md)."""

    def __init__(self, app: Flask):
        super().__init__(app, spec_kwargs={"extra_plugins": [ClientReady()]})

    def _openapi_json(self):
        document = served_here(self.spec.to_dict(), request.script_root)
        return current_app.response_class(json.dumps(document, indent=2, sort_keys=False), mimetype="application/json")


def create_service_app(spec: ServiceSpec, settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env(spec.name)
    load()  # the rest of the environment, read and checked as the app starts (govmb.config)
    configure_logging(spec.name)
    ensure_database(spec, settings)

    app = Flask(spec.name, static_folder=None)
    app.json.ensure_ascii = False
    app.config.update(
        GOVMB_SETTINGS=settings,
        MAX_CONTENT_LENGTH=MAX_BYTES,  # a request, an upload's file with it
        API_TITLE=f"{spec.title} API", API_VERSION="1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={**SPEC_OPTIONS, "servers": servers(spec.name)},
    )
    behind_proxies(app, settings.trusted_proxies)  # the client system's address, for its limits
    bind_to_requests(app, spec.db)
    i18n.init_app(app, i18n.GOVMB_CATALOGUES)  # the language of the caller's Accept-Language, if catalogued
    instrument(app, spec.name)
    api = ServiceApi(app)
    for bp in spec.blueprints():
        api.register_blueprint(bp)
    spec.init_app(app)

    app.register_blueprint(_health(spec, settings))
    register_error_handlers(app)
    secure_headers(app, pages=False, production=settings.production)
    # Before flask-smorest's handler of every HTTP error, whose text would be werkzeug's English.
    app.register_error_handler(413, lambda _exc: problem(
        413, said("请求过大：上传的文件连同表单一次至多 {mb} MB", mb=MAX_BYTES // (1024 * 1024))))
    return app


def _least_privilege(spec: ServiceSpec) -> str:
    """Ready only as an application role: a superuser or the trail's owner is logged and refused."""
    if reason := too_privileged(spec.db):
        log.error("the database role is more than an application's: not ready", extra={"reason": reason})
        raise RuntimeError(reason)
    return "ok"


def _health(spec: ServiceSpec, settings: Settings):
    """/healthz, /readyz and /metrics of a service: readiness needs the database (and the
    revocation store, which every request asks); the broker, the outbox backlog and the dead
    letters are reported. /metrics answers while the database is away, and says so."""
    def database() -> str:
        with spec.db.connection_context():
            spec.db.execute_sql("SELECT 1")
        return "ok"

    def backlog() -> int:
        with spec.db.connection_context():
            return spec.store.backlog()

    def gauges() -> str:
        try:  # the database is away: /metrics still answers, and says so
            text = (f"# HELP govmb_outbox_backlog Outbox rows not yet confirmed by the broker\n"
                    f"# TYPE govmb_outbox_backlog gauge\n"
                    f'govmb_outbox_backlog{{service="{spec.name}"}} {backlog()}\n')
            up = 1
        except peewee.DatabaseError:
            text, up = "", 0
        text += (f"# HELP govmb_database_up Whether the service's database answered the last scrape\n"
                 f"# TYPE govmb_database_up gauge\n"
                 f'govmb_database_up{{service="{spec.name}"}} {up}\n')
        try:
            dead = dead_letters()
        except Exception:  # the broker is away: the gauge is left out, /readyz says why
            dead = None
        if dead is not None:
            text += (f"# HELP govmb_dead_letters Messages in the service's dead-letter queue\n"
                     f"# TYPE govmb_dead_letters gauge\n"
                     f'govmb_dead_letters{{service="{spec.name}"}} {dead}\n')
        return text

    # The API keeps taking requests while the broker is away (events wait in the outbox):
    # the broker, the backlog and the dead letters are reported, only the database decides readiness.
    dead_letters = DeadLetterCount(settings, spec.name)
    info = {"broker": BrokerCheck(settings.amqp_url), "outbox_backlog": backlog}
    if settings.amqp_url and SUBSCRIPTIONS.get(spec.name):
        info["dead_letters"] = dead_letters
    checks = {"database": database}
    if settings.production:  # least privilege: never ready as a superuser or the trail's owner
        checks["database_role"] = lambda: _least_privilege(spec)
    if not settings.revocation_store_uri.startswith("memory://"):  # every request asks it: needed
        checks["revocation_store"] = lambda: revocations(settings.revocation_store_uri).revoked("readyz")
    return health_blueprint(checks, info=info, extra_metrics=gauges, metrics_token=settings.metrics_token)

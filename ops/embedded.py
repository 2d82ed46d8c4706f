"""The embedded default: the whole system in one process on one host.

SQLite files under var/, the in-process transport in place of RabbitMQ (the same outbox,
relay, inbox and consumer code), every service's API and the web app on one port, and
the demo city loaded on first start. The in-process queues live in memory, so each start
sends the last hour's events again (`RESEND_WINDOW`) and the inboxes absorb the duplicates. `make run` starts it; it stays up until stopped.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
from dataclasses import replace

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from govmb.bus.memory import MemoryBroker
from govmb.bus.topology import build_topology
from govmb.config import SERVICES, ConfigError, Settings, load
from govmb.db import migrate
from govmb.observability import configure_logging
from govmb.service import create_service_app, ensure_database
from govmb.worker import Worker
from ops.cli import spec_of

log = logging.getLogger(__name__)
# The in-process queues die with the process: an event handed to them but not yet applied would
# be lost. At start, the events of the last hour are sent again; the inboxes absorb the rest.
RESEND_WINDOW = dt.timedelta(hours=1)


class EmbeddedSystem:
    def __init__(self, host: str = "127.0.0.1", port: int = 8000):
        self.host, self.port = host, port
        self.settings = {name: Settings.from_env(name) for name in SERVICES}
        if any(s.production for s in self.settings.values()):
            raise ConfigError("the embedded system is not for production mode: use the distributed mode")
        first = self.settings["registry"]
        first.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(first.data_dir, 0o700)  # its databases, their keys: the owner's alone
        self.broker = MemoryBroker(build_topology(first.bus_namespace, first.delivery_limit))
        self.workers: list[Worker] = []
        self.server = None

    def start(self, demo: bool = True, connections: tuple = ()) -> "EmbeddedSystem":
        """Every service, its worker and the web app; with `demo`, the demo city, and the demo's
        accounts connected to the platforms `connections` name (ops.fakeplatforms.demo)."""
        load()  # the environment as it is now (govmb.config)
        apps = {}
        for name in SERVICES:
            spec, settings = spec_of(name), self.settings[name]
            ensure_database(spec, settings)
            migrate(spec.db, spec.migrations, name)
            with spec.db.connection_context():  # what the last run's in-memory queues held is sent again
                resent = spec.store.resend_recent(RESEND_WINDOW)
            if resent:
                log.info("events sent again after a restart", extra={"service": name, "events": resent})
            apps[f"/{name}"] = create_service_app(spec, settings)
            self.workers.append(Worker(spec, settings, broker=self.broker).start())
        if demo:
            self._load_demo(connections)
        from web.app import create_app as create_web
        self.server = make_server(self.host, self.port, None, threaded=True)
        self.port = self.server.server_port
        base = f"http://{self.host}:{self.port}"
        web_settings = replace(Settings.from_env("web"), service_urls={n: f"{base}/{n}" for n in SERVICES})
        self.server.app = DispatcherMiddleware(create_web(web_settings), apps)
        threading.Thread(target=self.server.serve_forever, name="http", daemon=True).start()
        return self

    def _load_demo(self, connections: tuple = ()) -> None:
        from services.publishing import demo as publishing_demo
        from services.publishing.models import db as publishing_db
        from services.registry import demo as registry_demo
        from services.registry.models import db as registry_db
        with registry_db.connection_context():
            if registry_demo.load_demo():
                log.info("demo city loaded")
        with publishing_db.connection_context():
            publishing_demo.load_demo()
            for c in connections:  # once its copy of the account has come over the bus
                publishing_demo.connect(c.account_name, c.platform, c.account_uid, c.credentials)

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
        for w in self.workers:
            w.stop()


def main() -> None:
    configure_logging("embedded")
    env = load()  # HOST, PORT and the rest, checked before anything starts
    connections, fake = (), None
    if not (env.platform_adapters or env.platform_endpoints):  # none of the office's own: the demo's
        from ops.fakeplatforms import demo  # a local Weibo: a post goes out, a comment comes back
        fake = demo.start_weibo()
        demo.install(fake.base)
        connections = (demo.connection(),)
        env = load()
    system = EmbeddedSystem(env.host, env.port).start(connections=connections)
    print(f"政务微博管理平台已启动：http://{system.host}:{system.port}/  （Ctrl+C 停止）", flush=True)
    if fake is not None:
        print(f"演示用的新浪微博接口（本地模拟）：{fake.base}，“南昌发布”已连接", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    system.stop()
    if fake is not None:
        fake.stop()


if __name__ == "__main__":
    main()

"""Every service's API and two worker replicas as processes, on the run's own RabbitMQ node
and PostgreSQL cluster, with the primitive faults they can suffer."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import pika
import psycopg2

from govmb.bus.failpoints import EFFECT_JOURNAL
from govmb.bus.topology import build_topology
from govmb.config import SERVICES
from govmb.contracts import SUBSCRIPTIONS
from tests import infra
from tests.faultrun.client import Api
from tests.faultrun.servers import PrivatePostgres, SmallDisk, kill_broker

ROOT = Path(__file__).resolve().parents[2]
DELIVERY_LIMIT = 5
FULL_DISK_SERVICE = "inquiry"  # the busiest writer: its database lives on the small filesystem
JOURNAL = "consumer.journal"  # every worker journals its handlers' effects (govmb/bus/failpoints.py)


class Cluster:
    """The distributed mode on this host, with the faults it can suffer as methods."""

    def __init__(self, stack: ExitStack, logs: Path, replicas: int = 2, failpoints: dict | None = None,
                 disk_megabytes: int = 256):
        self.logs, self.replicas = logs, replicas
        self.failpoints = failpoints or {}  # (service, replica) -> extra failpoints, for the proof runs
        self.rabbit = infra.PrivateRabbit().start()
        stack.callback(self.rabbit.destroy)
        try:
            self.disk: SmallDisk | None = SmallDisk(disk_megabytes)
            stack.callback(self.disk.unmount)
            self.disk_refused = ""
        except PermissionError as exc:
            self.disk, self.disk_refused = None, str(exc)
        self.pg = PrivatePostgres().start()
        stack.callback(self.pg.destroy)
        self.namespace = f"fault{uuid.uuid4().hex[:8]}"
        self.topology = build_topology(self.namespace, DELIVERY_LIMIT)
        self.db = self._databases()
        self.ports = {s: infra.free_port() for s in SERVICES}
        self.env = {**os.environ, "AMQP_URL": self.rabbit.url, "BUS_NAMESPACE": self.namespace,
                    "DELIVERY_LIMIT": str(DELIVERY_LIMIT), "WEB_CONCURRENCY": "2", "THREADS": "4",
                    "PYTHONPATH": str(ROOT), "FIGURES_INTERVAL_SECONDS": "20", "SWEEP_INTERVAL_SECONDS": "20",
                    **{f"{s.upper()}_DATABASE_URL": url for s, url in self.db.items()},
                    **{f"{s.upper()}_URL": f"http://127.0.0.1:{p}" for s, p in self.ports.items()}}
        for name in ("GOVMB_MODE", "GOVMB_FAILPOINTS"):
            self.env.pop(name, None)
        self.fault_problems: list[str] = []  # what a fault itself saw go wrong (an API that hung)
        self.poisoned = False
        self.resend_from = ("registry", "publishing", "inquiry")  # whose sent events the fault sends again
        self.resent: list[tuple[str, str]] = []  # (message id, subscriber) of each event sent again on purpose
        self.apis: dict[str, subprocess.Popen] = {}
        self.workers: dict[tuple[str, int], subprocess.Popen] = {}
        stack.callback(self.stop)
        for s in SERVICES:
            subprocess.run([sys.executable, "-m", "ops.cli", "migrate", s], env=self.env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            if SUBSCRIPTIONS.get(s):  # the effects' journal: no unique key, so a double shows as two rows
                self.execute(s, f"CREATE TABLE {EFFECT_JOURNAL} (message_id varchar(200) NOT NULL, "
                                f"event_type varchar(100) NOT NULL, at timestamptz NOT NULL DEFAULT now())")
            self.apis[s] = self._spawn(f"api-{s}", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                                    f"services.{s}.app:create_app()"],
                                       BIND=f"127.0.0.1:{self.ports[s]}")
            for i in range(replicas):
                self.start_worker(s, i)
        self.api = {s: Api(f"http://127.0.0.1:{p}") for s, p in self.ports.items()}
        for s in SERVICES:
            self.api[s].get("/readyz", tries=120)

    def _databases(self) -> dict[str, str]:
        """A database per service on the private cluster; one of them in the small filesystem's
        tablespace, catalogue, tables, indexes and all."""
        admin = psycopg2.connect(self.pg.url)
        admin.autocommit = True
        urls = {}
        with admin.cursor() as cur:
            if self.disk:
                cur.execute(f"CREATE TABLESPACE fault_disk LOCATION '{self.disk.tablespace}'")
            for s in SERVICES:
                where = " TABLESPACE fault_disk" if self.disk and s == FULL_DISK_SERVICE else ""
                cur.execute(f'CREATE DATABASE "govmb_{s}"{where}')
                urls[s] = self.pg.url.rsplit("/", 1)[0] + f"/govmb_{s}"
        admin.close()
        return urls

    def _spawn(self, name: str, command: list[str], **env) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        return subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=log,
                                start_new_session=True)

    def start_worker(self, service: str, i: int) -> None:
        points = ",".join(filter(None, (JOURNAL, self.failpoints.get((service, i)), self.failpoints.get(service))))
        self.workers[(service, i)] = self._spawn(f"worker-{service}-{i}", [sys.executable, "-m", f"services.{service}.worker"],
                                                 GOVMB_FAILPOINTS=points)

    def stop(self) -> None:
        for p in [*self.apis.values(), *self.workers.values()]:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in [*self.apis.values(), *self.workers.values()]:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

    # the database ---------------------------------------------------------------------
    def rows(self, service: str, sql: str, args: tuple = ()) -> list[tuple]:
        with psycopg2.connect(self.db[service]) as conn, conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()

    def execute(self, service: str, sql: str, args: tuple = ()) -> list[tuple]:
        conn = psycopg2.connect(self.db[service])
        try:
            with conn, conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    # faults ---------------------------------------------------------------------------
    def kill_worker(self, rng: random.Random) -> str:
        service, i = rng.choice(sorted(self.workers))
        self.workers[(service, i)].kill()
        self.workers[(service, i)].wait()
        time.sleep(rng.uniform(0.5, 3))
        self.start_worker(service, i)
        return f"SIGKILL worker {service}#{i} (relay and consumer), started again"

    def kill_api_worker(self, rng: random.Random) -> str:
        service = rng.choice(SERVICES)
        children = subprocess.run(["pgrep", "-P", str(self.apis[service].pid)], capture_output=True,
                                  text=True).stdout.split()
        if not children:
            return f"no gunicorn worker of {service} to kill"
        os.kill(int(rng.choice(children)), signal.SIGKILL)
        return f"SIGKILL a gunicorn worker of {service}'s API (the master starts another)"

    def restart_broker(self, rng: random.Random) -> str:
        started = time.monotonic()
        self.rabbit.restart()
        return f"RabbitMQ node restarted ({time.monotonic() - started:.1f} s down)"

    def kill_broker(self, rng: random.Random) -> str:
        started = time.monotonic()
        kill_broker(self.rabbit)
        return f"SIGKILL the RabbitMQ node's beam, started again ({time.monotonic() - started:.1f} s down)"

    def restart_postgres(self, rng: random.Random) -> str:
        mode = rng.choice(("immediate", "fast"))
        started = time.monotonic()
        self.pg.restart(mode)
        how = "a crash: recovered from its WAL" if mode == "immediate" else "a clean shutdown"
        return f"PostgreSQL restarted, -m {mode} ({how}), {time.monotonic() - started:.1f} s down"

    def terminate_backends(self, rng: random.Random) -> str:
        service = rng.choice(SERVICES)
        name = self.db[service].rsplit("/", 1)[1]
        killed = self.execute(service, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))[0][0]
        return f"terminated {killed} PostgreSQL backends of {service}"

    def resend_events(self, rng: random.Random) -> str:
        """As if a relay had died after the broker took a batch but before marking it sent:
        sent rows marked unsent again, so they go out a second time."""
        producers = [s for s in self.resend_from  # those with events already sent
                     if self.rows(s, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")[0][0] >= 20]
        service = rng.choice(producers or ["registry"])
        rows = self.execute(service, "UPDATE outbox SET sent_at = NULL WHERE id IN (SELECT id FROM outbox "
                                     "WHERE sent_at IS NOT NULL ORDER BY random() LIMIT 20) RETURNING message_id, event_type")
        # each copy sent again reaches every subscriber, whose inbox must absorb it
        self.resent += [(message_id, s) for message_id, t in rows for s, keys in SUBSCRIPTIONS.items() if t in keys]
        return f"{len(rows)} of {service}'s sent events marked unsent (a relay's lost confirm): sent again"

    # the broker -----------------------------------------------------------------------
    def queue_depth(self, queue: str) -> int:
        return infra.queue_depth(self.rabbit.url, queue)

    def broker_up(self) -> None:
        """The node running for the drain: started again if a restart's start failed (it is in
        the report's faults as one that failed to inject)."""
        try:
            pika.BlockingConnection(pika.URLParameters(self.rabbit.url)).close()
        except pika.exceptions.AMQPConnectionError:
            self.rabbit.start()

    def absorbed(self) -> dict[str, list[str]]:
        """Per consuming service, the message ids its inboxes turned away (its workers' logs)."""
        ids: dict[str, list[str]] = {}
        for path in self.logs.glob("worker-*.log"):
            service = path.stem.split("-")[1]
            for line in path.read_text(errors="replace").splitlines():
                if '"duplicates absorbed"' in line:
                    try:
                        ids.setdefault(service, []).extend(json.loads(line).get("message_ids", []))
                    except ValueError:
                        pass
        return ids

"""The whole system under load and faults: nothing lost, nothing applied twice.

    python -m tests.faultrun [--seconds 180] [--write-doc]     # --write-doc: docs/reliability.md

Starts the distributed mode on this host: a private RabbitMQ node (never the shared one),
a fresh PostgreSQL database per service, each service's API under gunicorn and two
replicas of each service's worker (relay and consumer), all as separate processes. Drives a
city's traffic through the APIs (accounts applied, approved, filed and activated; drafts
written, reviewed and released; citizens' messages received, replied, transferred,
answered and resolved) and meanwhile:
- SIGKILLs a random worker replica (relay and consumer) and starts it again;
- SIGKILLs a random gunicorn worker of a random API (the master starts another);
- restarts the RabbitMQ node;
- terminates every PostgreSQL backend of a random service (its pools reconnect);
- marks sent outbox rows unsent, as a relay that died before its confirms would leave them
  (they are published again, and the inboxes must absorb them);
- publishes poison messages (a broken body, a broken contract) into the exchange.
Then, with the faults stopped and the queues drained, it counts: every outbox row sent;
every event each consumer subscribes to in its inbox (none missing); every event sent twice on
purpose turned away by each subscriber's inbox, by its message id (none applied twice); every copy
of the registry's units and accounts at the registry's revision; assessment's figures equal
to a count made from publishing's and inquiry's own tables, unit by unit; every write the
API acknowledged (a 2xx) still there, in the state acknowledged; the dead-letter queues holding exactly the poison
messages. It prints what was injected and what was counted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pika
import psycopg2
import requests

from govmb.bus.deadletters import DeadLetters
from govmb.bus.topology import build_topology
from govmb.config import SERVICES
from govmb.contracts import SUBSCRIPTIONS
from govmb.timefmt import BEIJING
from tests import infra
from tests.conftest import auth

ROOT = Path(__file__).resolve().parents[1]
ADMIN = auth(1, "/1/", "admin")
OFFICE_GRANTS = auth(1, "/1/", "joint_office", person=2)  # a unit's staff roles are the office's to grant (三员分立)
DELIVERY_LIMIT = 5


class Reply:
    """A response as the tests' helpers read it (`status_code`, `json`), from requests."""

    def __init__(self, r: requests.Response):
        self.status_code = r.status_code
        try:
            self.json = r.json()
        except ValueError:
            self.json = None


class Api:
    """One service's API over HTTP, with the Flask test client's shape (`get`, `post`)."""

    def __init__(self, url: str):
        self.url = url
        self.local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def get(self, path: str, headers: dict | None = None, tries: int = 30) -> Reply:
        for attempt in range(tries):  # a read is safe to repeat through a fault
            try:
                r = self._session().get(self.url + path, headers=headers, timeout=30)
                if r.status_code < 500:
                    return Reply(r)
            except requests.RequestException:
                self.local.session = requests.Session()
            time.sleep(min(0.2 * (attempt + 1), 2))
        raise RuntimeError(f"GET {self.url}{path} kept failing")

    def post(self, path: str, json: dict | None = None, headers: dict | None = None) -> Reply:
        """Once: a write is not repeated (a lost answer may hide a done write; the count says so)."""
        try:
            return Reply(self._session().post(self.url + path, json=json, headers=headers, timeout=30))
        except requests.RequestException:
            self.local.session = requests.Session()
            raise


class Ambiguous(Exception):
    """A write whose answer was lost or was a 5xx: it may or may not have happened."""


@dataclass
class Ledger:
    """What the driver did and what the APIs acknowledged."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: Counter = field(default_factory=Counter)  # kind of write -> 2xx answers
    ambiguous: Counter = field(default_factory=Counter)  # kind of write -> lost answers or 5xx
    refused: Counter = field(default_factory=Counter)  # kind -> 4xx (a step out of turn after an ambiguous one)
    refusals: list = field(default_factory=list)  # the first few 4xx answers, to read
    accounts: dict[int, str] = field(default_factory=dict)  # registry account id -> last acknowledged status
    drafts: dict[int, str] = field(default_factory=dict)  # publishing draft id -> last acknowledged status
    messages: dict[int, str] = field(default_factory=dict)  # inquiry message id -> last acknowledged status
    transfers: dict[int, str] = field(default_factory=dict)
    uncertain: set = field(default_factory=set)  # (table, id) whose last step's answer was lost: its state may be either

    def write(self, api: Api, kind: str, path: str, body: dict, headers: dict, ok=(200, 201),
              subject: tuple[str, int] | None = None) -> dict:
        try:
            r = api.post(path, json=body, headers=headers)
        except requests.RequestException as exc:
            with self.lock:
                self.ambiguous[kind] += 1
                self.uncertain.add(subject)
            raise Ambiguous(kind) from exc
        with self.lock:
            if r.status_code in ok:
                self.acknowledged[kind] += 1
                return r.json
            if r.status_code >= 500:
                self.ambiguous[kind] += 1
                self.uncertain.add(subject)
                raise Ambiguous(kind)
            self.refused[kind] += 1
            if len(self.refusals) < 10:
                self.refusals.append(f"{kind}: {r.status_code} {r.json}")
        raise Ambiguous(f"{kind}: {r.status_code}")


class Cluster:
    """Every service's API and two worker replicas as processes, on a private RabbitMQ."""

    def __init__(self, stack: ExitStack, postgres: str, logs: Path, replicas: int = 2):
        self.logs, self.replicas = logs, replicas
        self.rabbit = infra.PrivateRabbit().start()
        stack.callback(self.rabbit.destroy)
        self.namespace = f"fault{uuid.uuid4().hex[:8]}"
        self.topology = build_topology(self.namespace, DELIVERY_LIMIT)
        self.db = {s: stack.enter_context(infra.fresh_database(postgres, prefix=f"govmb_fault_{s}")) for s in SERVICES}
        self.ports = {s: infra.free_port() for s in SERVICES}
        self.env = {**os.environ, "AMQP_URL": self.rabbit.url, "BUS_NAMESPACE": self.namespace,
                    "DELIVERY_LIMIT": str(DELIVERY_LIMIT), "WEB_CONCURRENCY": "2", "THREADS": "4",
                    "PYTHONPATH": str(ROOT), "FIGURES_INTERVAL_SECONDS": "20", "SWEEP_INTERVAL_SECONDS": "20",
                    **{f"{s.upper()}_DATABASE_URL": url for s, url in self.db.items()},
                    **{f"{s.upper()}_URL": f"http://127.0.0.1:{p}" for s, p in self.ports.items()}}
        self.env.pop("GOVMB_MODE", None)
        self.resent: list[tuple[str, str]] = []  # (message id, subscriber) of each event sent again on purpose
        self.apis: dict[str, subprocess.Popen] = {}
        self.workers: dict[tuple[str, int], subprocess.Popen] = {}
        stack.callback(self.stop)
        for s in SERVICES:
            subprocess.run([sys.executable, "-m", "ops.cli", "migrate", s], env=self.env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            self.apis[s] = self._spawn(f"api-{s}", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                                    f"services.{s}.app:create_app()"],
                                       BIND=f"127.0.0.1:{self.ports[s]}")
            for i in range(replicas):
                self.start_worker(s, i)
        self.api = {s: Api(f"http://127.0.0.1:{p}") for s, p in self.ports.items()}
        for s in SERVICES:
            self.api[s].get("/readyz", tries=120)

    def _spawn(self, name: str, command: list[str], **env) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        return subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=log,
                                start_new_session=True)

    def start_worker(self, service: str, i: int) -> None:
        self.workers[(service, i)] = self._spawn(f"worker-{service}-{i}", [sys.executable, "-m", f"services.{service}.worker"])

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
        self.rabbit.restart()
        return "RabbitMQ node restarted"

    def terminate_backends(self, rng: random.Random) -> str:
        service = rng.choice(SERVICES)
        name = self.db[service].rsplit("/", 1)[1]
        with psycopg2.connect(self.db[service]) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            killed = cur.fetchone()[0]
        return f"terminated {killed} PostgreSQL backends of {service}"

    def resend_events(self, rng: random.Random) -> str:
        """As if a relay had died after the broker took a batch but before marking it sent:
        sent rows marked unsent again, so they go out a second time."""
        producers = [s for s in ("registry", "publishing", "inquiry")  # those with events already sent
                     if self.rows(s, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")[0][0] >= 20]
        service = rng.choice(producers or ["registry"])
        with psycopg2.connect(self.db[service]) as conn, conn.cursor() as cur:
            cur.execute("UPDATE outbox SET sent_at = NULL WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT NULL "
                        "ORDER BY random() LIMIT 20) RETURNING message_id, event_type")
            rows = cur.fetchall()
            again = len(rows)
        # each copy sent again reaches every subscriber, whose inbox must absorb it
        self.resent += [(message_id, s) for message_id, t in rows for s, keys in SUBSCRIPTIONS.items() if t in keys]
        return f"{again} of {service}'s sent events marked unsent (a relay's lost confirm): sent again"

    # counting -------------------------------------------------------------------------
    def rows(self, service: str, sql: str, args: tuple = ()) -> list[tuple]:
        with psycopg2.connect(self.db[service]) as conn, conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()

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


POISON = [  # (message id, event type, body, the queues it must end in)
    ("poison-body", "registry.unit.changed", b"{not json", ("publishing", "inquiry", "assessment")),
    ("poison-contract", "inquiry.message.changed", json.dumps({"id": "not a number"}).encode(), ("assessment",)),
]


def publish_poison(cluster: Cluster) -> str:
    conn = pika.BlockingConnection(pika.URLParameters(cluster.rabbit.url))
    ch = conn.channel()
    ch.confirm_delivery()
    for message_id, event_type, body, _ in POISON:
        ch.basic_publish(cluster.topology.exchange, event_type, body, pika.BasicProperties(
            message_id=message_id, type=event_type, content_type="application/json", delivery_mode=2,
            app_id="faultrun", headers={"version": 1}), mandatory=True)
    conn.close()
    return f"published {len(POISON)} poison messages"


class Traffic:
    """A city's work through the APIs, on threads, until stopped."""

    def __init__(self, cluster: Cluster, ledger: Ledger, rng: random.Random):
        self.c, self.ledger, self.rng = cluster, ledger, rng
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.people = {p["username"]: p for p in cluster.api["registry"].get("/api/people?page_size=500", headers=ADMIN).json}
        paths = {u["id"]: u["path"] for u in cluster.api["registry"].get("/api/units?page_size=500", headers=ADMIN).json}
        self.paths = paths
        self.active = [{**a, "unit_path": paths[a["unit_id"]]} for a in
                       cluster.api["registry"].get("/api/accounts?page_size=500", headers=ADMIN).json
                       if a["status"] == "active" and a["kind"] != "private"]

    def run(self, threads: int = 3) -> list[threading.Thread]:
        work = [self.accounts, self.posts, self.messages][:threads]
        running = [threading.Thread(target=self._loop, args=(w,), daemon=True, name=w.__name__) for w in work]
        for t in running:
            t.start()
        return running

    def _loop(self, work) -> None:
        while not self.stop.is_set():
            try:
                work()
            except Ambiguous:
                pass  # counted in the ledger; the flow starts again
            except Exception as exc:  # the driver's own bug: shown at the end
                self.errors.append(f"{work.__name__}: {exc!r}")
                time.sleep(1)

    def _who(self, username: str) -> dict:
        p = self.people[username]
        return auth(p["unit_id"], self.paths[p["unit_id"]], *p["roles"], person=p["id"])

    def accounts(self) -> None:
        """The office opens a department with its four staff; the department applies for an
        account, its principal approves, the office acknowledges the filing, the operator
        registers both platforms and activates it."""
        reg, w = self.c.api["registry"], self.ledger.write
        tag = uuid.uuid4().hex[:6]
        unit = w(reg, "unit.create", "/api/units", {"name": f"南昌市试点{tag}局", "kind": "department", "parent_id": 1},
                 ADMIN, ok=(201,))
        staff = {}
        for suffix, role in (("caozuo", "operator"), ("hegao", "responsible_office"), ("fenguan", "leader"),
                             ("zhuyao", "principal_leader")):
            person = w(reg, "person.create", "/api/people", {
                "unit_id": unit["id"], "name": f"试点{suffix}", "username": f"sd{tag}_{suffix}",
                "password": f"Pressure-{tag}-2026", "roles": [role]}, OFFICE_GRANTS, ok=(201,))
            staff[suffix] = auth(unit["id"], unit["path"], role, person=person["id"])
            staff[f"{suffix}_id"] = person["id"]
        team = [{"person_id": staff["fenguan_id"], "role": "leader_in_charge"},
                {"person_id": staff["hegao_id"], "role": "responsible_office"},
                {"person_id": staff["caozuo_id"], "role": "operator"}]
        a = w(reg, "account.apply", "/api/accounts", {
            "name": f"南昌试点{tag}发布", "kind": "institutional", "category": "livelihood",
            "platforms": ["sina", "tencent"], "positioning": "发布政务信息", "rules": "先审后发",
            "mechanism": "三审三校", "team": team}, staff["caozuo"], ok=(201,))
        self._account(a)
        steps = [(staff["zhuyao"], "approve", {}), (self._who("lianxi"), "acknowledge_filing", {}),
                 (staff["caozuo"], "register_platform", {"platform": "sina", "handle": tag, "url": f"https://weibo.com/{tag}"}),
                 (staff["caozuo"], "register_platform", {"platform": "tencent", "handle": tag, "url": f"https://t.qq.com/{tag}"}),
                 (staff["caozuo"], "activate", {})]
        for who, action, body in steps:
            self._account(w(reg, f"account.{action}", f"/api/accounts/{a['id']}/actions/{action}", body, who, ok=(200,),
                            subject=("account", a["id"])))

    def _account(self, a: dict) -> None:
        with self.ledger.lock:
            self.ledger.accounts[a["id"]] = a["status"]

    def posts(self) -> None:
        """A draft written, submitted, checked, approved and released on every platform."""
        pub, w = self.c.api["publishing"], self.ledger.write
        account = self.rng.choice(self.active)
        unit, path = account["unit_id"], account["unit_path"]
        operator, office, leader = (auth(unit, path, role, person=p) for role, p in
                                    (("operator", 901), ("responsible_office", 902), ("leader", 903)))
        original = self.rng.random() < 0.7
        body = {"account_id": account["id"], "text": f"{account['name']}发布便民信息{uuid.uuid4().hex[:6]}。",
                "info_type": "disclosure", "original": original, **({} if original else {"source": "新华社"})}
        d = w(pub, "draft.create", "/api/drafts", body, operator, ok=(201,))
        self._draft(d)
        for step, who in (("submit", operator), ("check", office), ("approve", leader)):
            d = w(pub, f"draft.{step}", f"/api/drafts/{d['id']}/actions/{step}", {"acknowledge": True}, who, ok=(200,),
                  subject=("draft", d["id"]))
            self._draft(d)
        for platform in d["platforms"]:
            d = w(pub, "draft.record_publication", f"/api/drafts/{d['id']}/actions/record_publication",
                  {"platform": platform, "url": f"https://{platform}.example.cn/{d['id']}"}, operator, ok=(200,),
                  subject=("draft", d["id"]))
            self._draft(d)

    def _draft(self, d: dict) -> None:
        with self.ledger.lock:
            self.ledger.drafts[d["id"]] = d["status"]

    def messages(self) -> None:
        """A citizen's message received, replied, given feedback and resolved; one in four
        is first sent on to another unit by the office, which accepts it or returns it."""
        inq, w = self.c.api["inquiry"], self.ledger.write
        account = self.rng.choice(self.active)
        staff = auth(account["unit_id"], account["unit_path"], "operator", person=904)
        hours = self.rng.choice([0, 1, 5, 30])
        received = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat()
        m = w(inq, "message.receive", "/api/messages", {
            "account_id": account["id"], "kind": "comment", "citizen_handle": f"@市民{self.rng.randrange(10**6)}",
            "received_at": received, "text": "小区门口路灯坏了，请尽快维修。"}, staff, ok=(201,))
        self._message(m)
        if self.rng.random() < 0.25:
            office = self.people["lianxi"]  # the joint-meeting office routes; never to its own unit
            other = self.rng.choice([a for a in self.active if a["unit_id"] not in (account["unit_id"], office["unit_id"])])
            t = w(inq, "transfer.send", f"/api/messages/{m['id']}/transfers",
                  {"to_unit_id": other["unit_id"], "note": "请办理"}, self._who("lianxi"), ok=(201,))
            with self.ledger.lock:
                self.ledger.transfers[t["id"]] = t["status"]
            accept = self.rng.random() < 0.5
            answer = {"accept": True} if accept else {"accept": False, "reason": "不属于本单位职责"}
            t = w(inq, "transfer.answer", f"/api/transfers/{t['id']}/answer", answer,
                  auth(other["unit_id"], other["unit_path"], "leader", person=906), ok=(200,), subject=("transfer", t["id"]))
            with self.ledger.lock:
                self.ledger.transfers[t["id"]] = t["status"]
            if accept:
                staff = auth(other["unit_id"], other["unit_path"], "operator", person=904)
        for step in ("reply", "feedback", "resolve")[:self.rng.choice([0, 1, 3])]:
            body = {"text": "已受理，正在处理。", "needs_verification": False} if step == "feedback" else {"text": "已处理。"}
            self._message(w(inq, f"message.{step}", f"/api/messages/{m['id']}/actions/{step}", body, staff, ok=(200,),
                            subject=("message", m["id"])))

    def _message(self, m: dict) -> None:
        with self.ledger.lock:
            self.ledger.messages[m["id"]] = m["status"]


FAULTS = ("kill_worker", "kill_api_worker", "terminate_backends", "resend_events", "kill_worker", "kill_api_worker")


def inject(cluster: Cluster, stop: threading.Event, rng: random.Random, injected: list[str], every: float,
           broker_restarts: int, duration: float) -> None:
    started = time.monotonic()
    restart_at = sorted(rng.uniform(0.2, 0.8) * duration for _ in range(broker_restarts))
    poisoned, first_round = False, rng.sample(sorted(set(FAULTS)), len(set(FAULTS)))  # each kind at least once
    while not stop.wait(rng.uniform(every / 2, every * 1.5)):
        elapsed = time.monotonic() - started
        try:
            if restart_at and elapsed >= restart_at[0]:
                restart_at.pop(0)
                what = cluster.restart_broker(rng)
            elif not poisoned and elapsed > duration / 3:
                poisoned, what = True, publish_poison(cluster)
            else:
                what = getattr(cluster, first_round.pop() if first_round else rng.choice(FAULTS))(rng)
        except Exception as exc:
            what = f"fault failed to inject: {exc!r}"
        injected.append(f"{elapsed:6.1f} s  {what}")


def drain(cluster: Cluster, timeout: float = 300) -> None:
    """Until every outbox is sent and every consumer's queue is empty, twice in a row."""
    deadline, calm = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        unsent = sum(cluster.rows(s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0] for s in SERVICES)
        try:
            waiting = sum(cluster.queue_depth(q.name) for q in cluster.topology.queues)
        except pika.exceptions.AMQPConnectionError:  # the node still coming back from its restart
            waiting = None
        calm = calm + 1 if unsent == 0 and waiting == 0 else 0
        if calm >= 3:
            return
        time.sleep(2)
    raise AssertionError(f"not drained after {timeout} s: {unsent} outbox rows unsent, {waiting} messages queued")


def _deliveries(cluster: Cluster) -> tuple[list[str], dict]:
    """Every event each consumer subscribes to, from every producer's outbox, against its inbox."""
    problems: list[str] = []
    sent = {s: dict(cluster.rows(s, "SELECT event_type, count(*) FROM outbox GROUP BY event_type")) for s in SERVICES}
    unsent = {s: cluster.rows(s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0] for s in SERVICES}
    report = {"events_sent": {s: sum(v.values()) for s, v in sent.items()}, "unsent": unsent,
              "delivered": {}, "lost": {}}
    poison_ids = {m for m, *_ in POISON}
    for consumer, types in SUBSCRIPTIONS.items():
        if not types or consumer not in SERVICES:
            continue
        expected = sum(n for s in SERVICES for t, n in sent[s].items() if t in types)
        inbox = dict(cluster.rows(consumer, "SELECT event_type, count(*) FROM inbox "
                                            "WHERE message_id NOT IN %s GROUP BY event_type", (tuple(poison_ids),)))
        delivered = sum(inbox.values())  # the inbox's key keeps one row a message: doubles show elsewhere
        report["delivered"][consumer] = delivered
        report["lost"][consumer] = max(expected - delivered, 0)
        if delivered != expected:
            problems.append(f"{consumer}: {expected} events subscribed, {delivered} in its inbox")
    if any(unsent.values()):
        problems.append(f"outbox rows left unsent: {unsent}")
    return problems, report


def count(cluster: Cluster, ledger: Ledger) -> dict:
    """What arrived where, checked against what was sent; raises on any loss or excess."""
    deadline = time.monotonic() + 60  # a batch a consumer still holds unacked shows in no queue depth: wait for it
    while True:
        problems, report = _deliveries(cluster)
        if not problems or time.monotonic() > deadline:
            break
        time.sleep(2)

    # copies of the registry's units and accounts, at the registry's revision
    for table in ("unit", "account"):
        truth = set(cluster.rows("registry", f'SELECT id, revision FROM "{table}"'))
        for s in ("publishing", "inquiry", "assessment"):
            copy = set(cluster.rows(s, f'SELECT id, revision FROM "{table}"'))
            if copy != truth:
                problems.append(f"{s}'s copy of {table}s differs from the registry: {len(truth ^ copy)} rows")

    # what the APIs acknowledged is there, in the state last acknowledged (unless a later step's answer was lost)
    for service, table, seen in (("registry", "account", ledger.accounts), ("publishing", "draft", ledger.drafts),
                                 ("inquiry", "message", ledger.messages), ("inquiry", "transfer", ledger.transfers)):
        stored = dict(cluster.rows(service, f'SELECT id, status FROM "{table}"'))
        missing = [i for i in seen if i not in stored]
        if missing:
            problems.append(f"{service}: {len(missing)} acknowledged {table}s missing, e.g. {missing[:5]}")
        moved = [(i, status, stored[i]) for i, status in seen.items()
                 if i in stored and stored[i] != status and (table, i) not in ledger.uncertain]
        if moved:
            problems.append(f"{service}: {len(moved)} {table}s not in the state the API acknowledged "
                            f"(id, acknowledged, stored), e.g. {moved[:5]}")
        report[f"{table}s_acknowledged"] = len(seen)
        report[f"{table}s_stored"] = len(stored)

    # dead letters: exactly the poison
    expected_dead = {s: sorted(m for m, _, _, queues in POISON if s in queues) for s in SERVICES if SUBSCRIPTIONS.get(s)}
    with DeadLetters(cluster.rabbit.url, cluster.topology) as dl:
        dead = {s: sorted(letter.message_id for letter in dl.report(s, show=1000).letters) for s in expected_dead}
    report["dead_letters"] = dead
    if dead != expected_dead:
        problems.append(f"dead-letter queues hold {dead}, expected exactly the poison {expected_dead}")
    absorbed = cluster.absorbed()
    report["duplicates_absorbed"] = sum(len(ids) for ids in absorbed.values())
    report["duplicates_sent_on_purpose"] = len(cluster.resent)
    applied_again = [(m, s) for m, s in cluster.resent if m not in set(absorbed.get(s, ()))]
    if applied_again:  # each copy sent again must have been turned away by its subscriber's inbox
        problems.append(f"{len(cluster.resent)} deliveries were sent twice on purpose, but {len(applied_again)} were "
                        f"not absorbed by the subscriber's inbox (applied again), e.g. {applied_again[:3]}")
    report["problems"] = problems
    return report


def figures_match(cluster: Cluster) -> tuple[bool, int, dict]:
    """Assessment's figures for this year against a count from publishing's and inquiry's
    tables: whether they agree, for how many units, and where not (assessed, counted)."""
    from govmb.service import ensure_database
    from tests.integration.test_assessment_counts import assessed, hand_count
    from tests.system import settings_for, spec_of
    for s in ("publishing", "inquiry"):
        ensure_database(spec_of(s), settings_for(s, cluster.db[s]))
    year = dt.datetime.now(BEIJING).year
    expected = {u: c for u, c in hand_count(year).items() if any(c.values())}
    got = assessed(cluster.api["assessment"], year)
    differ = {u: {k: (got.get(u, {}).get(k), v) for k, v in c.items() if got.get(u, {}).get(k) != v}
              for u, c in expected.items() if got.get(u) != c}
    return got == expected, len(expected), differ


def run(seconds: float, seed: int, every: float = 4.0, broker_restarts: int = 1, postgres: str | None = None,
        keep_logs: Path | None = None) -> dict:
    rng = random.Random(seed)
    logs = keep_logs or Path(tempfile.mkdtemp(prefix="govmb-faultrun-"))
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        started = time.monotonic()
        cluster = Cluster(stack, postgres or os.environ.get("DATABASE_URL", infra.LOCAL_POSTGRES), logs)
        subprocess.run([sys.executable, "-c", "from services.registry.app import SPEC; from services.registry import demo\n"
                        "from govmb.config import Settings; from govmb.service import ensure_database\n"
                        "ensure_database(SPEC, Settings.from_env('registry'))\n"
                        "with SPEC.db.connection_context(): demo.load_demo()"], env=cluster.env, cwd=ROOT, check=True)
        wanted = {a["id"] for a in cluster.api["registry"].get("/api/accounts?page_size=500", headers=ADMIN).json}
        for s in ("publishing", "inquiry", "assessment"):  # the copies, before traffic uses them
            _wait(lambda: wanted <= {a["id"] for a in cluster.api[s].get("/api/accounts?page_size=500", headers=ADMIN).json},
                  120, f"{s}'s copy of the demo city's accounts")
        ledger, injected = Ledger(), []
        traffic = Traffic(cluster, ledger, rng)
        threads = traffic.run()
        stop_faults = threading.Event()
        faults = threading.Thread(target=inject, args=(cluster, stop_faults, rng, injected, every, broker_restarts,
                                                       seconds), daemon=True)
        faults.start()
        time.sleep(seconds)
        stop_faults.set()
        faults.join(300)  # a broker restart on a loaded machine (make test runs two suites at once) takes a while
        cluster.broker_up()
        traffic.stop.set()
        for t in threads:
            t.join(120)
        drain_started = time.monotonic()
        drain(cluster)
        report = count(cluster, ledger)
        report["drain_seconds"] = round(time.monotonic() - drain_started, 1)
        matched, units, differ = _eventually(lambda: figures_match(cluster), 60)
        report["figures_units"] = units
        if not matched:
            report["problems"].append(f"assessment's figures differ from the count made from the source tables "
                                      f"(unit: field: (assessed, counted)): {differ}")
        report.update(seconds=seconds, seed=seed, every=every, broker_restarts=broker_restarts, injected=injected, driver_errors=traffic.errors,
                      acknowledged=dict(ledger.acknowledged), ambiguous=dict(ledger.ambiguous),
                      refused=dict(ledger.refused), refusals=ledger.refusals, total_seconds=round(time.monotonic() - started, 1),
                      logs=str(logs))
        return report


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def _eventually(check, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result[0] or time.monotonic() > deadline:
            return result
        time.sleep(2)


def render(report: dict) -> str:
    lines = [f"ran {report['seconds']} s of traffic (seed {report['seed']}), {report['total_seconds']} s in all; "
             f"drained in {report['drain_seconds']} s", "", "injected:"]
    lines += [f"  {x}" for x in report["injected"]]
    lines += ["", "acknowledged writes: " + ", ".join(f"{k} {v}" for k, v in sorted(report["acknowledged"].items())),
              "lost answers or 5xx (ambiguous): " + (", ".join(f"{k} {v}" for k, v in sorted(report["ambiguous"].items()))
                                                    or "none"),
              "refused (4xx): " + (", ".join(f"{k} {v}" for k, v in sorted(report["refused"].items())) or "none"),
              "events sent: " + ", ".join(f"{k} {v}" for k, v in report["events_sent"].items()),
              "events delivered: " + ", ".join(f"{k} {v}" for k, v in report["delivered"].items()),
              "lost: " + ", ".join(f"{k} {v}" for k, v in report["lost"].items()),
              f"duplicates absorbed by the inboxes: {report['duplicates_absorbed']} "
              f"(of which sent twice on purpose: {report['duplicates_sent_on_purpose']})",
              f"dead letters: {report['dead_letters']}",
              f"assessment's figures checked for {report['figures_units']} units",
              "problems: " + ("; ".join(report["problems"]) or "none")]
    if report["driver_errors"]:
        lines.append(f"driver errors: {report['driver_errors'][:5]}")
    if report["refusals"]:
        lines.append(f"first refusals: {report['refusals'][:5]}")
    return "\n".join(lines)


DOC = ROOT / "docs" / "reliability.md"


def write_doc(report: dict) -> None:
    """The figures section of docs/reliability.md, between its markers."""
    body = (f"Run on {dt.datetime.now(BEIJING):%Y-%m-%d %H:%M} (Beijing time), this machine ({os.cpu_count()} cores): "
            f"`python -m tests.faultrun --seconds {report['seconds']:g} --seed {report['seed']} --every {report['every']:g} "
            f"--broker-restarts {report['broker_restarts']} --write-doc`.\n\n"
            "```\n" + render(report) + "\n```")
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- faultrun -->", "<!-- /faultrun -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    DOC.write_text(f"{head}{start}\n{body}\n{end}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faultrun")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--every", type=float, default=4.0, help="seconds between faults, on average")
    parser.add_argument("--broker-restarts", type=int, default=2)
    parser.add_argument("--logs", type=Path, help="keep each process's log here")
    parser.add_argument("--write-doc", action="store_true", help="write the figures into docs/reliability.md")
    args = parser.parse_args()
    if not infra.rabbit_tools_available():
        print("needs Debian's rabbitmq-server for a private node", file=sys.stderr)
        return 2
    report = run(args.seconds, args.seed, args.every, args.broker_restarts, keep_logs=args.logs)
    print(render(report))
    if args.write_doc:
        write_doc(report)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""One fault run: the cluster up with the demo city, traffic and faults for a while, then the
drain and the checks."""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pika

from govmb.config import SERVICES
from tests.faultrun import checks
from tests.faultrun.client import Ledger
from tests.faultrun.cluster import ROOT, Cluster
from tests.faultrun.faults import HEAVY, LIGHT, inject
from tests.faultrun.traffic import ADMIN, Traffic

LOAD_DEMO = ("from services.registry.app import SPEC; from services.registry import demo\n"
             "from govmb.config import Settings; from govmb.service import ensure_database\n"
             "ensure_database(SPEC, Settings.from_env('registry'))\n"
             "with SPEC.db.connection_context(): demo.load_demo()")


def drain(cluster: Cluster, timeout: float = 300) -> None:
    """Until every outbox is sent and every consumer's queue is empty, three times in a row."""
    deadline, calm = time.monotonic() + timeout, 0
    unsent = waiting = None
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


def _city(cluster: Cluster) -> None:
    """The demo city loaded, and its accounts in every copy before the traffic uses them."""
    subprocess.run([sys.executable, "-c", LOAD_DEMO], env=cluster.env, cwd=ROOT, check=True)
    wanted = {a["id"] for a in cluster.api["registry"].get("/api/accounts?page_size=500", headers=ADMIN).json}
    for s in ("publishing", "inquiry", "assessment"):
        _wait(lambda: wanted <= {a["id"] for a in cluster.api[s].get("/api/accounts?page_size=500", headers=ADMIN).json},
              120, f"{s}'s copy of the demo city's accounts")


def run(seconds: float, seed: int, every: float = 4.0, broker_restarts: int = 1, keep_logs: Path | None = None,
        heavy: tuple[str, ...] | None = None, light: tuple[str, ...] = LIGHT, failpoints: dict | None = None,
        patience: float = 60, resend_from: tuple[str, ...] | None = None) -> dict:
    """`heavy`: the faults made once each (default: all, with `broker_restarts` graceful
    restarts); `light`: those made between them; `failpoints`: the workers' extra failpoints,
    {service or (service, replica): "name,…"}, and `resend_from`: the producers whose events
    are sent again, for the runs that show the checks can fail."""
    rng = random.Random(seed)
    heavy = tuple(h for h in HEAVY if h != "restart_broker") + ("restart_broker",) * broker_restarts \
        if heavy is None else heavy
    logs = keep_logs or Path(tempfile.mkdtemp(prefix="govmb-faultrun-"))
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        started = time.monotonic()
        cluster = Cluster(stack, logs, failpoints=failpoints)
        cluster.resend_from = resend_from or cluster.resend_from
        _city(cluster)
        ledger, injected = Ledger(), []
        traffic = Traffic(cluster, ledger, rng)
        traffic.warm()
        threads = traffic.run()
        stop_faults = threading.Event()
        faults = threading.Thread(target=inject, args=(cluster, traffic, stop_faults, rng, injected, every, seconds,
                                                       heavy, light), daemon=True)
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
        report = checks.count(cluster, ledger, patience)
        report["drain_seconds"] = round(time.monotonic() - drain_started, 1)
        matched, units, differ = _eventually(lambda: checks.figures_match(cluster), patience)
        report["figures_units"] = units
        if not matched:
            report["problems"].append(f"assessment's figures differ from the count made from the source tables "
                                      f"(unit: field: (assessed, counted)): {differ}")
        report["problems"] += cluster.fault_problems
        report.update(seconds=seconds, seed=seed, every=every, broker_restarts=broker_restarts, injected=injected,
                      driver_errors=traffic.errors, acknowledged=dict(ledger.acknowledged),
                      ambiguous=dict(ledger.ambiguous), refused=dict(ledger.refused), refusals=ledger.refusals,
                      total_seconds=round(time.monotonic() - started, 1), logs=str(logs))
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

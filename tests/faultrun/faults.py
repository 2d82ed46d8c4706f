"""The faults, and their schedule while the traffic runs.

Light faults come every few seconds, each kind at least once: a worker replica or a gunicorn
worker SIGKILLed, a service's PostgreSQL backends terminated, sent events marked unsent. Heavy
ones come once each, spread over the run: the broker restarted, the broker's beam SIGKILLed,
PostgreSQL restarted, one service's database filesystem filled, poison published."""
from __future__ import annotations

import random
import threading
import time

import requests

from tests.faultrun.cluster import FULL_DISK_SERVICE, Cluster
from tests.faultrun.poison import publish_poison
from tests.faultrun.traffic import Traffic

LIGHT = ("kill_worker", "kill_api_worker", "terminate_backends", "resend_events", "kill_worker", "kill_api_worker")
HEAVY = ("restart_broker", "kill_broker", "restart_postgres", "fill_disk", "poison")
HANG = 60  # seconds without an answer that make a hang (a new API worker's first message takes 20 s on a loaded machine)
FULL_FOR = (2.0, 4.0)  # seconds the disk stays full once the API has refused a write, for the traffic to meet it


def fill_disk(cluster: Cluster, traffic: Traffic, rng: random.Random) -> str:
    """Fill the filesystem under one service's database until writes fail; the API must answer
    an error (not hang); then free it: writes succeed again."""
    if cluster.disk is None:
        cluster.fault_problems.append(f"the full-disk fault was not injected: {cluster.disk_refused}")
        return f"full disk NOT injected: {cluster.disk_refused}"
    try:  # this thread's API worker warm first: jieba's dictionary loads at a worker's first message
        traffic.probe(timeout=120)
    except requests.RequestException:
        pass
    written = cluster.disk.fill()
    try:
        refused, fitted = _until(traffic, lambda status: status >= 500, 30)
        time.sleep(rng.uniform(*FULL_FOR))
    finally:
        cluster.disk.free()
    back, _ = _until(traffic, lambda status: status == 201, 120)
    if refused is None:
        cluster.fault_problems.append(f"with its disk full, {FULL_DISK_SERVICE}'s API never refused a write in 30 s")
    return (f"{FULL_DISK_SERVICE}'s database filesystem filled ({written >> 20} MiB written until full): "
            f"{fitted} writes still fitted, then its API answered {refused}; freed, writes succeed again "
            f"({back})")


def _until(traffic: Traffic, wanted, timeout: float) -> tuple[str | None, int]:
    """Probe writes until one's answer is `wanted`: that answer, timed (None if none came), and
    how many came before it. A probe without an answer in HANG seconds is a hang, and a problem."""
    started, before = time.monotonic(), 0
    while time.monotonic() - started < timeout:
        t0 = time.monotonic()
        try:
            status = traffic.probe(timeout=HANG)
        except requests.RequestException:
            if time.monotonic() - t0 >= HANG:
                traffic.c.fault_problems.append(f"{FULL_DISK_SERVICE}'s API hung on a write with its disk full")
            status = 0
        if status and wanted(status):
            return f"{status} in {time.monotonic() - t0:.2f} s, {time.monotonic() - started:.1f} s after", before
        before += 1
        time.sleep(0.2)
    return None, before


FAULTS = {
    "kill_worker": lambda c, t, rng: c.kill_worker(rng),
    "kill_api_worker": lambda c, t, rng: c.kill_api_worker(rng),
    "terminate_backends": lambda c, t, rng: c.terminate_backends(rng),
    "resend_events": lambda c, t, rng: c.resend_events(rng),
    "restart_broker": lambda c, t, rng: c.restart_broker(rng),
    "kill_broker": lambda c, t, rng: c.kill_broker(rng),
    "restart_postgres": lambda c, t, rng: c.restart_postgres(rng),
    "fill_disk": fill_disk,
    "poison": lambda c, t, rng: publish_poison(c),
}


def _one(name: str, cluster: Cluster, traffic: Traffic, rng: random.Random, injected: list[str],
         started: float) -> None:
    elapsed = time.monotonic() - started
    try:
        what = FAULTS[name](cluster, traffic, rng)
    except Exception as exc:
        what = f"{name}: fault failed to inject: {exc!r}"
    injected.append(f"{elapsed:6.1f} s  {what}")


BROKER = ("restart_broker", "kill_broker")  # a node takes 10-50 s to start on a loaded machine: a lane of their own


def _heavy(cluster: Cluster, traffic: Traffic, stop: threading.Event, rng: random.Random, injected: list[str],
           duration: float, heavy: tuple[str, ...], started: float) -> None:
    """Heavy faults once each, in a random order, spread over the first 60 % of the run; one
    after the other if they run late."""
    order = rng.sample(list(heavy), len(heavy))
    for k, name in enumerate(list(order)):
        at = started + duration * (0.05 + 0.55 * k / len(heavy))
        if stop.wait(max(at - time.monotonic(), 0)):
            break
        order.remove(name)
        _one(name, cluster, traffic, rng, injected, started)
    injected += [f"  (not injected, out of time: {name})" for name in order]


def inject(cluster: Cluster, traffic: Traffic, stop: threading.Event, rng: random.Random, injected: list[str],
           every: float, duration: float, heavy: tuple[str, ...] = HEAVY, light: tuple[str, ...] = LIGHT) -> None:
    """Until stopped: the heavy faults in two lanes (the broker's; PostgreSQL's, the disk's and
    the poison), each on a thread of its own, and light ones every `every` seconds on average
    beside them (each kind at least once)."""
    started = time.monotonic()
    lanes = [tuple(h for h in heavy if h in BROKER), tuple(h for h in heavy if h not in BROKER)]
    threads = [threading.Thread(target=_heavy, args=(cluster, traffic, stop, random.Random(rng.random()), injected,
                                                     duration, lane, started), daemon=True) for lane in lanes if lane]
    for t in threads:
        t.start()
    first_round = rng.sample(sorted(set(light)), len(set(light)))
    while light and not stop.wait(rng.uniform(every / 2, every * 1.5)):
        _one(first_round.pop() if first_round else rng.choice(light), cluster, traffic, rng, injected, started)
    for t in threads:
        t.join(300)
    injected.sort(key=lambda line: float(line.split()[0]) if line[:8].strip()[:1].isdigit() else float("inf"))

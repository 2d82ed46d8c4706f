"""Processes killed (SIGKILL) at the worst moments: nothing is lost, nothing applied twice."""
import os
import signal
import subprocess
import sys

import pytest

from tests import infra
from tests.conftest import wait_for
from tests.integration.test_bus_rabbitmq import raw_publish, tick

pytestmark = pytest.mark.integration


def start(role, kit_url, amqp_url, ns, failpoint=None, **extra):
    env = {**os.environ, "GOVMB_FAILPOINTS": failpoint or ""}
    args = [sys.executable, "-m", "tests.buskit", role, "--db", kit_url, "--amqp", amqp_url, "--ns", ns]
    for k, v in extra.items():
        args += [f"--{k}", str(v)]
    return subprocess.Popen(args, env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)


def test_a_consumer_killed_after_its_commit_but_before_its_ack_applies_nothing_twice(kit, topo, amqp_url, pg_url, namespace):
    raw_publish(amqp_url, topo, [tick(n) for n in range(40)])
    crashing = start("consume", pg_url, amqp_url, namespace, failpoint="consumer.after_commit", prefetch=15)
    assert crashing.wait(60) == -signal.SIGKILL
    committed = kit.counts()[0]
    assert 0 < committed < 40
    # Nothing was acked: every message, the committed ones included, is still in the queue.
    wait_for(lambda: infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 40, timeout=20,
             message="the unacked messages back in the queue")

    again = start("consume", pg_url, amqp_url, namespace)
    try:
        wait_for(lambda: kit.counts()[0] >= 40 and infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 0,
                 message="every message handled after the restart")
    finally:
        stop(again)
    assert kit.counts() == (40, 40, 40)  # the redelivered, already-committed ones were absorbed


def test_a_relay_killed_between_publish_and_confirm_still_delivers(kit, topo, amqp_url, pg_url, namespace):
    kit.emit(range(30))
    crashing = start("relay", pg_url, amqp_url, namespace, failpoint="relay.on_confirm")
    assert crashing.wait(60) == -signal.SIGKILL
    assert kit.unsent() == 30  # not marked sent: the relay died before handling the confirms
    queue = topo.queue_name("ticker")
    wait_for(lambda: infra.queue_depth(amqp_url, queue) == 30, timeout=10, message="the first copies in the queue")

    relay = start("relay", pg_url, amqp_url, namespace)
    try:
        wait_for(lambda: kit.unsent() == 0, message="the outbox sent again")
    finally:
        stop(relay)
    assert infra.queue_depth(amqp_url, queue) == 60  # each event twice on the wire...

    consumer = start("consume", pg_url, amqp_url, namespace)
    try:
        wait_for(lambda: infra.queue_depth(amqp_url, queue) == 0 and kit.counts()[0] >= 30,
                 message="both copies consumed")
    finally:
        stop(consumer)
    assert kit.counts() == (30, 30, 30)  # ...and once in effect

"""Dead letters for operators, on the real RabbitMQ: counted and shown with their reason and
the handler's last error, unchanged by looking, and re-driven to the service's own queue once
the cause is fixed, where they are applied once."""
import subprocess
import sys
import threading

import pika
import pytest

from govmb.bus import amqp
from govmb.bus.consumer import InboxConsumer
from govmb.bus.deadletters import DeadLetters, with_errors
from govmb.bus.message import Message
from tests import infra
from tests.conftest import wait_for
from tests.integration.test_bus_rabbitmq import raw_publish, running, tick  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration


def test_dead_letters_are_shown_with_their_errors_and_redriven_once_fixed(kit, topo, amqp_url, running):  # noqa: F811
    poison = tick(7, message_id="poison-7", poison=True)
    broken = Message("broken-1", "test.tick", 1, "{not json", "test", "2026-11-24T00:00:00+00:00")
    raw_publish(amqp_url, topo, [tick(1), poison, broken, tick(2)])
    running.consumer(kit, amqp_url, topo, prefetch=10)
    dlq = topo.queue_for("ticker").dead_letter_queue
    wait_for(lambda: infra.queue_depth(amqp_url, dlq) == 2, message="both bad messages in the DLQ")
    wait_for(lambda: kit.counts()[0] == 2, message="the good ones handled")

    with DeadLetters(amqp_url, topo) as dl:
        report = dl.report("ticker")
        with kit.db.connection_context():
            with_errors(report, kit.store.BusFailure)
        again = dl.report("ticker")
    assert (report.dead, again.dead, report.waiting) == (2, 2, 0)  # looking changes nothing
    letters = {letter.message_id: letter for letter in report.letters}
    assert letters["poison-7"].reason == "重试次数用尽" and "tick 7 is poison" in letters["poison-7"].error
    assert letters["broken-1"].reason.startswith("无法处理") and letters["broken-1"].body == "{not json"
    assert letters["poison-7"].producer == "test" and letters["poison-7"].event_type == "test.tick"

    running.close()  # the fix is deployed: a consumer whose handler takes tick 7
    fixed, stop = InboxConsumer(kit.store, {"test.tick": lambda p, d: kit.handle({**p, "poison": False}, d)}), threading.Event()
    worker = threading.Thread(target=amqp.consume, args=(amqp_url, topo, topo.queue_name("ticker"), fixed, stop, 10),
                              daemon=True)
    worker.start()
    try:
        with DeadLetters(amqp_url, topo) as dl:
            assert dl.redrive("ticker", {"poison-7"}) == 1  # only the one whose cause is fixed
        wait_for(lambda: kit.counts()[0] == 3, message="the re-driven tick applied")
        assert infra.queue_depth(amqp_url, dlq) == 1  # the broken one stays for a human
        with DeadLetters(amqp_url, topo) as dl:
            assert [letter.message_id for letter in dl.report("ticker").letters] == ["broken-1"]
            raw_publish(amqp_url, topo, [poison])  # the same message once more: the inbox knows it
        wait_for(lambda: infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 0, message="the queue to drain")
        assert kit.counts() == (3, 3, 3)
    finally:
        stop.set()
        worker.join(10)


def test_the_command_needs_rabbitmq():
    r = subprocess.run([sys.executable, "-m", "ops.cli", "dead-letters"], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "GOVMB_MODE": "embedded"})
    assert r.returncode == 2 and "AMQP_URL" in r.stderr


def test_a_service_reports_its_dead_letters_on_readyz_and_metrics(pg_url, amqp_url, namespace):
    from govmb.bus.topology import build_topology
    from tests.system import migrated_app, settings_for
    settings = settings_for("assessment", pg_url, amqp_url, namespace)
    client = migrated_app("assessment", settings).test_client()
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = conn.channel()
    amqp.declare_topology(channel, build_topology(namespace, settings.delivery_limit))
    assert client.get("/readyz").json["checks"]["dead_letters"] == 0
    channel.basic_publish("", f"{namespace}.assessment.dead", b"{}", pika.BasicProperties(message_id="dead-1"))
    conn.close()
    client = migrated_app("assessment", settings).test_client()  # a fresh count, not the cached one
    wait_for(lambda: client.get("/readyz").json["checks"]["dead_letters"] == 1, message="the count on /readyz")
    assert 'govmb_dead_letters{service="assessment"} 1' in client.get("/metrics").get_data(as_text=True)

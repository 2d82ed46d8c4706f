"""Several broker hosts in AMQP_URL (`amqp://user:pass@host1:5672,host2:5672/vhost`): every
process connects to the first host that answers and fails over when it reconnects.

The private node is the test's own (tests.infra.PrivateRabbit), never the shared one on 5672.
"""
import logging
from urllib.parse import urlsplit, urlunsplit

import pytest

from govmb.bus.deadletters import DeadLetters
from govmb.service import BrokerCheck
from tests import infra
from tests.buskit import TickKit, topology
from tests.conftest import wait_for
from tests.integration.test_bus_rabbitmq import Running

pytestmark = pytest.mark.integration


def with_hosts(url: str, *hosts: str) -> str:
    """`url` with `hosts` (host:port) put before its own host, user and virtual host kept."""
    parts = urlsplit(url)
    userinfo, _, own = parts.netloc.rpartition("@")
    return urlunsplit((parts.scheme, f"{userinfo}@{','.join([*hosts, own])}", parts.path, parts.query, ""))


def secrets_of(url: str) -> list[str]:
    parts = urlsplit(url)
    return [parts.password, f":{parts.password}@"]


def connected_to(caplog, port: int) -> list[str]:
    return [r.getMessage() + " " + r.__dict__.get("broker", "") for r in caplog.records
            if "connected to the broker" in r.getMessage() and r.__dict__.get("broker", "").endswith(f":{port}")]


def test_the_first_host_dead_the_second_answers(kit, topo, amqp_url, running, caplog):
    caplog.set_level(logging.DEBUG)  # pika's own debug lines too: none may carry the password
    dead = f"127.0.0.1:{infra.free_port()}"  # nothing listens there: refused at once
    url = with_hosts(amqp_url, dead)
    shared_port = urlsplit(amqp_url).port or 5672

    kit.emit(range(300))
    running.relay(kit, url, topo)
    running.consumer(kit, url, topo)
    wait_for(lambda: kit.counts()[0] >= 300, message="300 ticks through the second host")
    assert kit.counts() == (300, 300, 300)
    assert kit.unsent() == 0

    assert BrokerCheck(url)() == "ok"  # the readiness probe: the first host that answers will do
    with DeadLetters(url, topo) as dl:  # ops.cli dead-letters
        assert dl.report("ticker").dead == 0
    with pytest.raises(Exception):
        BrokerCheck(with_hosts(f"amqp://guest:guest@{dead}/%2F", f"127.0.0.1:{infra.free_port()}"))()

    assert len(connected_to(caplog, shared_port)) >= 2, "the relay and the consumer both on the second host"
    assert not connected_to(caplog, int(dead.rpartition(":")[2]))
    assert [r for r in caplog.records if r.__dict__.get("broker") == dead], "the dead host's refusal is logged"
    for secret in secrets_of(url):
        assert secret not in caplog.text


@pytest.fixture
def running():
    r = Running()
    yield r
    r.close()


@pytest.fixture
def rabbit():
    node = infra.PrivateRabbit().start()
    yield node
    node.destroy()


TOTAL = 3000


@pytest.mark.slow
@pytest.mark.skipif(not infra.rabbit_tools_available(), reason="needs Debian's rabbitmq-server")
def test_a_broker_stopped_mid_run_fails_over_to_the_next_host(pg_url, amqp_url, namespace, rabbit, caplog):
    """Private node first, the shared broker second. The private node stops while events flow:
    relay and consumer go on through the shared one. What the private node had confirmed but not
    yet delivered waits in its queue; once it is back, a consumer drains it: in the end every
    event is applied, none twice."""
    caplog.set_level(logging.INFO)
    kit = TickKit(pg_url)
    kit.create_tables()
    topo = topology(namespace, delivery_limit=5)
    url = urlunsplit(("amqp", f"guest:guest@127.0.0.1:{rabbit.port},{urlsplit(amqp_url).netloc.rpartition('@')[2]}",
                      urlsplit(amqp_url).path, "", ""))
    running = Running()
    try:
        running.relay(kit, url, topo, batch=200)
        running.consumer(kit, url, topo, prefetch=100)
        produced = running.producer(kit, TOTAL, 50, 0.05)  # a steady stream
        wait_for(lambda: kit.counts()[0] >= 300, timeout=60, message="the flow to be under way on the private node")
        assert len(connected_to(caplog, rabbit.port)) >= 2, "both started on the first host"
        rabbit.stop()
        stopped_at = kit.counts()[0]
        wait_for(produced.is_set, timeout=120, message="the producer to finish")
        wait_for(lambda: kit.unsent() == 0, timeout=120, message="the relay to send everything through the second host")
        shared_port = urlsplit(amqp_url).port or 5672
        assert len(connected_to(caplog, shared_port)) >= 2, "relay and consumer failed over to the second host"
        rabbit.start()  # what it held comes back with it
        running.consumer(kit, rabbit.url, topo, prefetch=100)
        wait_for(lambda: kit.counts()[0] >= TOTAL, timeout=120, interval=0.5, message="all events handled")
    finally:
        running.close()
        kit.db.close_all()
    assert stopped_at < TOTAL, "the stop must fall in the middle of the flow"
    assert kit.counts() == (TOTAL, TOTAL, TOTAL)
    for secret in secrets_of(url):
        assert secret not in caplog.text

"""The broker restarted while 10,000 events flow: every one arrives, once in effect.

The test starts a private RabbitMQ node (its own name, ports and data directory), never
the shared one on 5672.
"""

import pytest

from tests import infra
from tests.buskit import TickKit, topology
from tests.conftest import wait_for
from tests.integration.test_bus_rabbitmq import Running

pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(not infra.rabbit_tools_available(), reason="needs Debian's rabbitmq-server")]

TOTAL = 10_000


@pytest.fixture
def rabbit():
    node = infra.PrivateRabbit().start()
    yield node
    node.destroy()


def test_a_broker_restart_loses_nothing_and_doubles_nothing(pg_url, rabbit):
    kit = TickKit(pg_url)
    kit.create_tables()
    topo = topology("restart", delivery_limit=5)
    running = Running()
    try:
        running.relay(kit, rabbit.url, topo, batch=250)
        running.consumer(kit, rabbit.url, topo, prefetch=200)
        produced = running.producer(kit, TOTAL, 100, 0.03)  # a steady stream
        wait_for(lambda: kit.counts()[0] >= 1500, timeout=60, message="the flow to be under way")
        rabbit.restart()
        restarted_at = kit.counts()[0]
        wait_for(produced.is_set, timeout=120, message="the producer to finish")
        wait_for(lambda: kit.counts()[0] >= TOTAL and kit.unsent() == 0, timeout=180, interval=0.5,
                 message="all 10,000 events handled")
    finally:
        running.close()
    assert restarted_at < TOTAL, "the restart must fall in the middle of the flow"
    assert kit.counts() == (TOTAL, TOTAL, TOTAL)
    with kit.db.connection_context():
        assert kit.store.Inbox.select().count() == TOTAL

"""Fixtures of the bus tests on the real RabbitMQ and PostgreSQL."""
import pika
import pytest

from govmb.bus import amqp
from tests.buskit import TickKit, topology


@pytest.fixture
def kit(pg_url):
    """The tick service on a fresh PostgreSQL database."""
    k = TickKit(pg_url)
    k.create_tables()
    yield k
    k.db.close_all()


@pytest.fixture
def topo(namespace, amqp_url):
    """The tick topology, declared on the shared broker under the test's namespace."""
    t = topology(namespace, delivery_limit=3)
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    amqp.declare_topology(conn.channel(), t)
    conn.close()
    return t

"""Fixtures of the bus tests on the real RabbitMQ and PostgreSQL."""
import pika
import pytest

from govmb.bus import amqp
from govmb.worker import Worker
from tests import infra
from tests.buskit import TickKit, topology
from tests.system import SERVICES, migrated_app, settings_for, spec_of


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


@pytest.fixture
def distributed(postgres_server, amqp_url, namespace):
    """Each service on its own PostgreSQL database, talking over the real RabbitMQ."""
    dbs = [infra.fresh_database(postgres_server, prefix=f"govmb_{s}") for s in SERVICES]
    apps, workers = {}, []
    try:
        for name, cm in zip(SERVICES, dbs):
            settings = settings_for(name, cm.__enter__(), amqp_url, namespace)
            apps[name] = migrated_app(name, settings).test_client()
            workers.append(Worker(spec_of(name), settings).start())
        yield apps
    finally:
        for w in workers:
            w.stop()
        for name in SERVICES:
            spec_of(name).db.close_all()
        for cm in dbs:
            cm.__exit__(None, None, None)

"""The PostgreSQL pool hands out live connections without a `SELECT 1` on each checkout:
a connection whose backend was terminated while it sat in the pool is replaced."""
import psycopg2
import pytest

from govmb.db import open_database
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def _backend(db) -> int:
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def test_a_pooled_connection_is_reused_while_alive_and_replaced_once_terminated(pg_url):
    db = open_database(pg_url, max_connections=2)
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    with db.connection_context():
        first = _backend(db)
        db.execute_sql("SELECT 'the last statement'")
    with db.connection_context():
        pass  # a checkout with nothing to do
    with admin.cursor() as cur:  # what the backend last ran: still ours, no liveness query since
        cur.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (first,))
        assert cur.fetchone()[0] == "SELECT 'the last statement'"
    with db.connection_context():
        assert _backend(db) == first  # the same connection, back from the pool
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (first,))
        wait_for(lambda: cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (first,)) or not cur.fetchone(),
                 message="the backend to end")
    admin.close()
    with db.connection_context():
        assert _backend(db) != first  # a new connection: the request does not fail
    db.close_all()

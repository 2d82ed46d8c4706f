"""Fixtures shared by every test."""
from __future__ import annotations

import time
import uuid

import pytest

from govmb.auth import Identity, issue_token
from govmb.config import load
from govmb.keys import KeyRing
from tests import infra
from tests.keys import KEYS


@pytest.fixture(scope="session")
def amqp_url():
    with infra.rabbitmq_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_server():
    with infra.postgres_server() as url:
        yield url


@pytest.fixture
def pg_url(postgres_server):
    """A fresh PostgreSQL database for one test."""
    with infra.fresh_database(postgres_server) as url:
        yield url


@pytest.fixture
def namespace(amqp_url):
    """A bus namespace of the test's own on the shared broker; its queues are deleted after."""
    ns = f"t{uuid.uuid4().hex[:10]}"
    yield ns
    from govmb.config import SERVICES
    queues = [f"{ns}.{s}{suffix}" for s in (*SERVICES, "ticker") for suffix in ("", ".dead")]
    infra.delete_namespace(amqp_url, queues, [f"{ns}.events", f"{ns}.dead"])


@pytest.fixture(autouse=True)
def _fresh_revocations():
    """Each test its own memory of revoked sessions and systems: the tests make many registries
    in one process, whose client systems are numbered from 1 again."""
    from govmb import revocation
    revocation._stores.clear()
    yield


def token(unit_id: int, unit_path: str, *roles: str, person: int = 1, keys: KeyRing = KEYS) -> str:
    who = Identity(person, "测试用户", unit_id, unit_path, frozenset(roles), session=f"test-{uuid.uuid4().hex[:16]}")
    return issue_token(who, keys, 3600)


def auth(unit_id: int, unit_path: str, *roles: str, person: int = 1) -> dict:
    return {"Authorization": f"Bearer {token(unit_id, unit_path, *roles, person=person)}"}


def audit_trail(client, headers: dict, **params) -> list[dict]:
    """The rows of a service's audit trail (GET /api/audit) a reader sees, newest first."""
    r = client.get("/api/audit", query_string={"per_page": 200, **params}, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json["items"]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05, message: str = "condition"):
    """Poll until predicate() is truthy; its last value, or a failure naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}; last value {value!r}")
        time.sleep(interval)


@pytest.fixture(autouse=True)
def _environment_read_afresh():
    """The environment as each test finds it, and as it leaves it (govmb.config reads it once
    per process start; a test that changes it calls `load()`)."""
    load()
    yield
    load()

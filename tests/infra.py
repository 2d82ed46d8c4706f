"""The real servers the integration tests use.

Where a Docker engine answers, testcontainers starts RabbitMQ and PostgreSQL; otherwise
the servers named by AMQP_URL and DATABASE_URL (on the project's machines, the ones on
127.0.0.1). Tests that stop a broker start a private RabbitMQ node of their own.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pika
import psycopg2

LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def docker_available() -> bool:
    try:
        import docker
        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@contextmanager
def rabbitmq_server():
    if os.environ.get("AMQP_URL") or not docker_available():
        yield os.environ.get("AMQP_URL", LOCAL_AMQP)
        return
    from testcontainers.rabbitmq import RabbitMqContainer
    with RabbitMqContainer("rabbitmq:4.3-management") as rabbit:
        p = rabbit.get_connection_params()
        yield f"amqp://guest:guest@{p.host}:{p.port}/%2F"


@contextmanager
def postgres_server():
    if os.environ.get("DATABASE_URL") or not docker_available():
        yield os.environ.get("DATABASE_URL", LOCAL_POSTGRES)
        return
    from testcontainers.postgres import PostgresContainer
    with PostgresContainer("postgres:15", driver=None) as pg:
        yield pg.get_connection_url()


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@contextmanager
def fresh_database(server_url: str, prefix: str = "govmb_test"):
    """A new empty PostgreSQL database, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server_url, name)
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def delete_namespace(amqp_url: str, queues: list[str], exchanges: list[str]) -> None:
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    ch = conn.channel()
    for q in queues:
        ch.queue_delete(q)
    for x in exchanges:
        ch.exchange_delete(x)
    conn.close()


def queue_depth(amqp_url: str, queue: str) -> int:
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return conn.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRabbit:
    """A RabbitMQ node of the test's own (Debian's rabbitmq-server), never the shared one."""

    def __init__(self):
        self.port, self.dist_port = free_port(), free_port()
        self.node = f"govmbtest{uuid.uuid4().hex[:8]}@localhost"
        self.dir = Path(tempfile.mkdtemp(prefix="govmb-rabbit-"))
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        (self.dir / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        (self.dir / "env.conf").write_text("")
        (self.dir / "enabled_plugins").write_text("[].\n")
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            user = pwd.getpwnam("rabbitmq")
            for p in [self.dir, *self.dir.iterdir()]:
                os.chown(p, user.pw_uid, user.pw_gid)
        self.env = {**os.environ,
                    "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(self.port),
                    "RABBITMQ_DIST_PORT": str(self.dist_port),
                    "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"), "RABBITMQ_LOG_BASE": str(self.dir / "log"),
                    "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
                    "RABBITMQ_CONF_ENV_FILE": str(self.dir / "env.conf"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
                    "RABBITMQ_PID_FILE": str(self.dir / "pid"),
                    "ERL_EPMD_ADDRESS": "127.0.0.1",
                    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}"}

    def _ctl(self, *args: str, timeout: int = 120) -> None:
        subprocess.run(["rabbitmqctl", "-n", self.node, *args], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)

    def start(self) -> "PrivateRabbit":
        subprocess.run(["rabbitmq-server", "-detached"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        self._ctl("wait", str(self.dir / "pid"), "--timeout", "120")
        return self

    def stop(self) -> None:
        self._ctl("stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        try:
            self.stop()
        except Exception:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def rabbit_tools_available() -> bool:
    return shutil.which("rabbitmq-server") is not None and shutil.which("rabbitmqctl") is not None

"""One peewee database per service, from a URL; opened per request; migrated by files."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import urlparse

import peewee
from flask import Flask, request
from playhouse.db_url import parse
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase

log = logging.getLogger(__name__)


def open_database(url: str, max_connections: int = 20) -> peewee.Database:
    """A database for a URL: `sqlite:///path` (the embedded default) or `postgresql://...` (pooled)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("postgres"):
        params = parse(url)
        return PooledPostgresqlDatabase(
            params.pop("database"), max_connections=max_connections, stale_timeout=300,
            timeout=10, **params)
    if scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets the relay read while a request writes; busy_timeout waits out short locks.
        # IMMEDIATE: a transaction takes the write lock at BEGIN, waiting for it, instead of
        # failing at once ("database is locked") when its read snapshot went stale.
        return peewee.SqliteDatabase(path, check_same_thread=False, timeout=30, lock_type="IMMEDIATE", pragmas={
            "journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1, "synchronous": "normal"})
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def is_postgres(db: peewee.Database) -> bool:
    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    return isinstance(target, peewee.PostgresqlDatabase)


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)


def transaction_lock(db: peewee.Database, name: str) -> None:
    """Hold the lock called `name` until the current transaction ends, on PostgreSQL (SQLite
    lets one writer in at a time anyway): for a check-then-write that must not race itself."""
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_lock_key(name),))


def bind_to_requests(app: Flask, db: peewee.DatabaseProxy) -> None:
    """Open the service's connection for each request and give it back on teardown."""
    @app.before_request
    def _open() -> None:
        if request.blueprint != "health":  # probes answer even when the database does not
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        if not db.is_closed():
            db.close()


def migrate(db: peewee.Database, directory: Path, name: str) -> list[str]:
    """Apply pending migration files in order; on PostgreSQL, one process at a time."""
    with db.connection_context():
        if is_postgres(db):
            key = _lock_key(f"govmb-migrate-{name}")
            db.execute_sql("SELECT pg_advisory_lock(%s)", (key,))
            try:
                applied = Runner(db, str(directory)).up()
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (key,))
        else:
            applied = Runner(db, str(directory)).up()
    for migration in applied:
        log.info("migrated", extra={"service": name, "migration": migration})
    return applied

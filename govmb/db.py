"""One peewee database per service, from a URL; opened per request; migrated by files."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import select
import threading
import time
import weakref
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee
import psycopg2.extensions
import psycopg2.extras
from playhouse.db_url import parse
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase

log = logging.getLogger(__name__)


class PooledPostgres(PooledPostgresqlDatabase):
    """peewee's pool, checking a connection it hands out without a round trip: peewee's own
    check sends `SELECT 1` on every checkout, a third of a fast request's round trips. An idle
    connection the server has closed (a terminated backend, a restart) has something to read,
    its FATAL message or the end of the stream; such a connection is dropped for a new one. A
    connection that died without a word (a network cut) is found by the request's first
    statement, which fails once."""

    def _is_closed(self, conn) -> bool:
        if conn.closed or conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_UNKNOWN:
            return True
        waiting = select.poll()
        waiting.register(conn.fileno(), select.POLLIN)
        if waiting.poll(0):  # we listen for nothing: the server spoke, so it is gone
            return True
        if conn.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            try:  # peewee runs psycopg2 in autocommit and opens transactions itself: end it the same way
                conn.cursor().execute("ROLLBACK")
            except psycopg2.Error:
                return True
        return False


def open_database(url: str, max_connections: int = 20) -> peewee.Database:
    """A database for a URL: `sqlite:///path` (the embedded default) or `postgresql://...` (pooled)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("postgres"):
        params = parse(url)
        for part in ("user", "password"):  # playhouse leaves them %-encoded; libpq's own URLs decode them
            if params.get(part):
                params[part] = unquote(params[part])
        return PooledPostgres(
            params.pop("database"), max_connections=max_connections, stale_timeout=300,
            timeout=10, **params)
    if scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            private_sqlite_file(Path(path))
        # WAL lets the relay read while a request writes; busy_timeout waits out short locks.
        # IMMEDIATE: a transaction takes the write lock at BEGIN, waiting for it, instead of
        # failing at once ("database is locked") when its read snapshot went stale.
        return peewee.SqliteDatabase(path, check_same_thread=False, timeout=30, lock_type="IMMEDIATE", pragmas={
            "journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1, "synchronous": "normal"})
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def private_sqlite_file(path: Path) -> None:
    """A SQLite file for its owner only (0600; a folder made for it 0700): SQLite makes the
    file's -wal and -shm with the file's own mode. One made before is made private too."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))  # an empty file is an empty database to SQLite
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.relay.lock")):
        if name.exists() and name.stat().st_mode & 0o077:
            os.chmod(name, 0o600)


def is_postgres(db: peewee.Database) -> bool:
    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    return isinstance(target, peewee.PostgresqlDatabase)


def too_privileged(db: peewee.Database, audit_table: str = "audit_entry") -> str | None:
    """Why the role this process connects as is more than an application's (a superuser; the
    audit trail's owner, or a role that may change or empty it), or None. Production refuses
    such a role (least privilege, govmb.dbroles); SQLite has no roles."""
    if not is_postgres(db):
        return None
    with db.connection_context():
        row = db.execute_sql(
            "SELECT r.rolsuper, r.rolname, c.oid IS NOT NULL AND pg_get_userbyid(c.relowner) = current_user, "
            "c.oid IS NOT NULL AND (has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') "
            "OR has_table_privilege(c.oid, 'TRUNCATE')) "
            "FROM pg_roles r LEFT JOIN pg_class c ON c.relname = %s AND c.relkind = 'r' "
            "AND c.relnamespace = 'public'::regnamespace WHERE r.rolname = current_user", (audit_table,)).fetchone()
    superuser, name, owner, may_change = row
    if superuser:
        return f"its role {name} is a superuser"
    if owner:
        return f"its role {name} owns the audit trail (the owner migrates; the services connect as the application role)"
    if may_change:
        return f"its role {name} may change or delete the audit trail's rows"
    return None


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)


def locked(model: type[peewee.Model], row_id) -> peewee.Model:
    """The row, locked against other writers until the transaction ends: SELECT … FOR UPDATE on
    PostgreSQL; SQLite lets one writer in at a time anyway. Inside a transaction."""
    query = model.select().where(model._meta.primary_key == row_id)
    return (query.for_update() if is_postgres(model._meta.database) else query).get()


def transaction_lock(db: peewee.Database, name: str) -> None:
    """Hold the lock called `name` until the current transaction ends, on PostgreSQL (SQLite
    lets one writer in at a time anyway): for a check-then-write that must not race itself."""
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_lock_key(name),))


def insert_rows(model: type[peewee.Model], columns: tuple[str, ...], rows, page: int = 1000) -> int:
    """Insert plain tuples of `columns` into the model's table, `page` rows a statement, without
    peewee building each value's SQL (for 150,000 rows of twenty numbers peewee's insert_many
    spent 50 s making the text): psycopg2's execute_values on PostgreSQL, executemany on SQLite.
    Run it inside the caller's transaction; returns the number of rows."""
    db = model._meta.database
    table = model._meta.table_name
    names = ", ".join(f'"{model._meta.fields[c].column_name}"' for c in columns)
    rows = list(rows)
    if not rows:
        return 0
    cursor = db.cursor()
    with peewee.__exception_wrapper__:
        if is_postgres(db):
            psycopg2.extras.execute_values(cursor, f'INSERT INTO "{table}" ({names}) VALUES %s', rows, page_size=page)
        else:
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})', rows)
    return len(rows)


def text_to_timestamps(db: peewee.Database, table: str, columns: tuple[str, ...]) -> None:
    """A migration's change of time columns kept as ISO 8601 text with its offset
    (`2026-10-01T08:30:00+00:00`) to timestamps, naive UTC as every stored time. PostgreSQL
    rewrites the table once (its indexes with it); SQLite, whose columns take any value, gets
    the text in the form peewee reads back (`2026-10-01 08:30:00`, milliseconds if any)."""
    if is_postgres(db):
        changes = ", ".join(f'ALTER COLUMN "{c}" TYPE timestamp USING ("{c}"::timestamptz AT TIME ZONE \'UTC\')'
                            for c in columns)
        db.execute_sql(f'ALTER TABLE "{table}" {changes}')
        return
    sets = ", ".join(f"\"{c}\" = CASE WHEN instr(\"{c}\", '.') THEN strftime('%Y-%m-%d %H:%M:%f', \"{c}\") "
                     f"ELSE datetime(\"{c}\") END" for c in columns)
    db.execute_sql(f'UPDATE "{table}" SET {sets}')


def write_together(db: peewee.Database, queries: list) -> None:
    """Write queries (inserts, updates: nothing read back) as one transaction. On PostgreSQL
    they go to the server as one multi-statement query, which it runs as one transaction:
    one round trip instead of BEGIN, one per statement and COMMIT. On SQLite (in process, no
    round trips), or inside a transaction already, one after the other in a (nested)
    transaction."""
    if not is_postgres(db) or db.in_transaction():
        with db.atomic():
            for query in queries:
                query.execute()
        return
    cursor = db.cursor()
    sql = b";\n".join(cursor.mogrify(*query.sql()) for query in queries)  # psycopg2's own quoting
    with peewee.__exception_wrapper__:  # psycopg2 errors as peewee.IntegrityError and the like
        cursor.execute(sql)  # no parameters: the text is already bound


class Insert:
    """One row's INSERT, for `write_together`, its SQL made once per model and set of columns:
    peewee builds a query's SQL anew each time, up to half a millisecond for a wide row, the
    largest cost of a fast write. Defaults are filled in as peewee's own insert does."""

    _statements: dict[tuple, tuple[str, list[peewee.Field]]] = {}

    def __init__(self, model: type[peewee.Model], row: dict):
        self.model, self.row = model, dict(row)
        for field, default in model._meta.defaults.items():
            if field.name not in self.row:
                self.row[field.name] = default() if callable(default) else default

    def sql(self) -> tuple[str, list]:
        key = (self.model, self.model._meta.database.param, tuple(self.row))
        if key not in self._statements:
            fields = [self.model._meta.fields[name] for name in self.row]
            param = self.model._meta.database.param
            columns = ", ".join(f'"{f.column_name}"' for f in fields)
            self._statements[key] = (f'INSERT INTO "{self.model._meta.table_name}" ({columns}) '
                                     f'VALUES ({", ".join([param] * len(fields))})', fields)
        sql, fields = self._statements[key]
        return sql, [f.db_value(self.row[f.name]) for f in fields]

    def execute(self):
        return self.model.insert(self.row).execute()


class IdBlocks:
    """Ids for a table's rows taken from its PostgreSQL sequence a block at a time, for an
    insert whose id other rows must name in the same `write_together` (its steps, its
    event). Unique, but not in order of insertion across processes. None on SQLite, where
    the database numbers the row as it inserts it."""

    def __init__(self, model: type[peewee.Model], size: int = 64):
        self.model, self.size = model, size
        self._lock = threading.Lock()
        self._free: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per database object

    def take(self) -> int | None:
        db = self.model._meta.database
        if not is_postgres(db):
            return None
        target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
        with self._lock:
            free = self._free.setdefault(target, [])
            if not free:
                table = self.model._meta.table_name
                rows = db.execute_sql("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                                      (f'"{table}"', self.size)).fetchall()
                free.extend(sorted((r[0] for r in rows), reverse=True))
            return free.pop()


def migrate(db: peewee.Database, directory: Path, name: str) -> list[str]:
    """Apply pending migration files in order; on PostgreSQL, one process at a time."""
    with db.connection_context():
        if is_postgres(db):
            with _migration_lock(db, name):
                applied = Runner(db, str(directory)).up()
        else:
            applied = Runner(db, str(directory)).up()
    for migration in applied:
        log.info("migrated", extra={"service": name, "migration": migration})
    return applied


@contextlib.contextmanager
def _migration_lock(db: peewee.PostgresqlDatabase, name: str):
    """One migrating process per database: a transaction lock, held by a transaction of its own
    on a second connection, open while the migrations run on the first. Not a session lock
    (pg_advisory_lock): behind PgBouncer in transaction pooling, a session lock stays on the
    server connection its statement ran on, which then serves other clients, and the unlock
    may run on another, so the lock is never released (docs/operations.md, PgBouncer). The
    lock's transaction holds no snapshot between its statements (READ COMMITTED), so an index
    built CONCURRENTLY does not wait for it. Asked again and again, not waited for in one
    statement: a statement waiting on a lock holds a snapshot, which such an index build would
    wait for (a deadlock between two processes that start at once)."""
    key = _lock_key(f"govmb-migrate-{name}")
    holder = psycopg2.connect(dbname=db.database, **db.connect_params)
    try:
        holder.set_session(isolation_level="READ COMMITTED")  # sent with each BEGIN, not as a session SET
        with holder.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,))
                if cursor.fetchone()[0]:
                    break
                holder.rollback()  # no transaction open while it waits
                time.sleep(0.5)
        yield
    finally:
        holder.close()  # the transaction ends, and the lock with it

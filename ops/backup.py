"""Backups and restores of each service's own database (docs/operations.md).

`python -m ops.cli backup <service|all> --to DIR` and
`python -m ops.cli restore <service> --from FILE [--replace]`.

PostgreSQL: pg_dump's custom format, one consistent snapshot of one database (the service's
records, its outbox and its inbox together), restored by pg_restore in one transaction.
SQLite: the sqlite3 online backup API, a consistent copy even while the service writes.
A backup holds people's password hashes and the audit trail: every file is sealed with AES-GCM
under BACKUP_KEY_FILE (ops.sealed_files; the embedded mode's own key in the data directory)
and written for its owner only; the plain dump lives only in a private temporary folder while
it is sealed or restored. A backup made before backups were sealed still restores.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg2

from govmb.config import SERVICES, ConfigError, Settings, backup_keys, database_url
from govmb.contracts import SUBSCRIPTIONS
from govmb.dbroles import regrant
from govmb.personal import DataKeys
from govmb.timefmt import BEIJING
from ops.sealed_files import SealedFileError, is_sealed, open_file, seal_file

PG_MAGIC = b"PGDMP"  # the first bytes of pg_dump's custom format
SQLITE_MAGIC = b"SQLite format 3\x00"
SUFFIX = {"postgresql": ".dump.sealed", "sqlite": ".sqlite.sealed"}


class BackupError(RuntimeError):
    """What the operator must know to fix a backup or a restore that did not happen."""


def backup_order() -> list[str]:
    """The services in the order `backup all` dumps them: each consumer before the services it
    consumes from. A consumer dumped first can only be behind its producer (a replay fills the
    gap), never ahead of it. Publishing and inquiry consume each other: between those two no
    order helps, and the one with fewer consumers still to dump goes first."""
    producers = {s: {e.split(".")[0] for e in SUBSCRIPTIONS.get(s, ())} - {s} for s in SERVICES}
    order, left = [], list(SERVICES)
    while left:
        nxt = min(left, key=lambda s: sum(s in producers[c] for c in left))  # ties: SERVICES order
        order.append(nxt)
        left.remove(nxt)
    return order


def kind_of(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme.startswith("postgres"):
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    raise BackupError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def backup(service: str, url: str, directory: Path, keys: DataKeys) -> Path:
    """Write one sealed backup file of the service's database into `directory`; its path."""
    kind = kind_of(url)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = dt.datetime.now(BEIJING).strftime("%Y%m%dT%H%M%S+0800")
    target = directory / f"{service}-{stamp}{SUFFIX[kind]}"
    partial = target.with_name(target.name + ".partial")  # never mistaken for a finished backup
    if target.exists():
        raise BackupError(f"{target} already exists")
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        with tempfile.TemporaryDirectory(prefix="govmb-backup-") as tmp:  # 0700: the plain dump, briefly
            plain = Path(tmp) / "plain"
            if kind == "postgresql":
                _dump_postgres(url, plain)
            else:
                _copy_sqlite(_sqlite_path(url), plain)
            seal_file(plain, partial, keys)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(service: str, url: str, source: Path, keys: DataKeys | None = None, replace: bool = False) -> None:
    """Load a backup file into the service's database: an empty one, or with `replace` one whose
    tables are dropped first, in the same transaction as the load. A sealed file is opened into a
    private temporary folder first; a damaged one, or one of another key, changes nothing."""
    kind, named = kind_of(url), source
    with tempfile.TemporaryDirectory(prefix="govmb-restore-") as tmp:
        if _readable(source) and is_sealed(source):
            if keys is None:
                raise BackupError(f"{source} is sealed: BACKUP_KEY_FILE must name the key it was sealed with")
            plain = Path(tmp) / "plain"
            try:
                open_file(source, plain, keys)
            except SealedFileError as exc:
                raise BackupError(str(exc)) from None
            source = plain
        found = _file_kind(source)
        if found != kind:
            raise BackupError(f"{named} is a {found} backup, but {service}'s database is {kind} ({_safe(url)})")
        if kind == "postgresql":
            _restore_postgres(url, source, replace)
        else:
            _restore_sqlite(source, _sqlite_path(url), replace)


def _readable(source: Path) -> bool:
    try:
        with open(source, "rb"):
            return True
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None


def command(args: argparse.Namespace) -> int:
    """The `backup` and `restore` subcommands of ops.cli."""
    try:
        keys = backup_keys()
        if args.command == "backup":
            for name in backup_order() if args.service == "all" else (args.service,):
                print(name, backup(name, database_url(name), args.to, keys))
        else:
            settings = Settings.from_env(args.service)
            url = settings.migration_database_url or settings.database_url  # the owner makes the tables
            restore(args.service, url, args.source, keys, args.replace)
            regrant(settings)  # the dump comes without its grants
            print(args.service, "restored from", args.source, "into", _safe(url))
    except (BackupError, ConfigError) as exc:
        print(f"{args.command} failed: {exc}", file=sys.stderr)
        return 1
    return 0


# PostgreSQL ----------------------------------------------------------------

def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump, pg_restore and psql, and the password for their environment
    (PGPASSWORD): a password on a command line is readable by anyone on the host."""
    u = urlsplit(url)
    userinfo, at, hostport = u.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    uri = urlunsplit(("postgresql", f"{user}{at}{hostport}" if user else hostport, u.path, u.query, ""))
    return uri, ({"PGPASSWORD": unquote(password)} if password else {})


def _safe(url: str) -> str:
    return _libpq(url)[0] if kind_of(url) == "postgresql" else url


def _run(tool: str, *args: str, url: str | None = None, what: str = "") -> bytes:
    """Run a PostgreSQL client tool (on `url`'s database, if given); its output, or BackupError with its
    message."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} not found: install Debian's postgresql-client (make tools)")
    env = dict(os.environ)
    command = [path]
    if url is not None:
        uri, secret = _libpq(url)
        command.append(f"--dbname={uri}")
        env.update(secret)
    done = subprocess.run([*command, *args], capture_output=True, env=env)
    if done.returncode != 0:
        raise BackupError(f"{what or tool} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _major(tool: str) -> int:
    version = _run(tool, "--version").decode()
    match = re.search(r"\(PostgreSQL\) (\d+)", version)
    if not match:
        raise BackupError(f"cannot read the version of {tool}: {version!r}")
    return int(match.group(1))


def _query(url: str, sql: str) -> list[tuple]:
    uri, secret = _libpq(url)
    try:
        conn = psycopg2.connect(uri, password=secret.get("PGPASSWORD"))
    except psycopg2.OperationalError as exc:
        raise BackupError(f"cannot connect to {uri}: {str(exc).strip()}") from None
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def _check_client(tool: str, url: str) -> None:
    """pg_dump and pg_restore refuse a server newer than themselves: say which client to install,
    before trying."""
    client = _major(tool)
    server = _query(url, "SHOW server_version_num")[0][0]
    if client < int(server) // 10000:
        raise BackupError(f"{tool} {client} cannot work with PostgreSQL {int(server) // 10000}: "
                          f"install postgresql-client-{int(server) // 10000}")


def _dump_postgres(url: str, target: Path) -> None:
    _check_client("pg_dump", url)
    _run("pg_dump", "--format=custom", "--no-password", f"--file={target}", url=url)


def _restore_postgres(url: str, source: Path, replace: bool) -> None:
    _run("pg_restore", "--list", str(source), what=f"reading {source}")  # a damaged file changes nothing
    _check_client("pg_restore", url)
    tables = [row[0] for row in _query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    if tables and not replace:
        raise BackupError(f"{_safe(url)} is not empty ({len(tables)} tables): restore into an empty database, "
                          "or pass --replace to drop its tables in the restore's transaction")
    options = ("--no-owner", "--no-privileges")
    if not tables:
        _run("pg_restore", *options, "--exit-on-error", "--single-transaction", str(source), url=url)
        return
    # The dump as a script, run after dropping what the database holds, in one transaction: if
    # anything fails, the database is left as it was. The script is written out in full first,
    # so that a pg_restore that stops half-way cannot hand psql a shorter script to commit.
    with tempfile.TemporaryDirectory(prefix="govmb-restore-") as tmp:
        script = Path(tmp) / "restore.sql"
        _run("pg_restore", *options, f"--file={script}", str(source), what=f"reading {source}")
        _run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
             "-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public",
             "-c", "GRANT USAGE ON SCHEMA public TO PUBLIC", "-f", str(script),
             url=url, what="psql (the database is unchanged)")


# SQLite --------------------------------------------------------------------

def _sqlite_path(url: str) -> Path:
    path = url[len("sqlite:///"):]
    if path in ("", ":memory:"):
        raise BackupError(f"{url} is not a file")
    return Path(path)


def _copy_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent copy, WAL included
    finally:
        dst.close()
        src.close()


def _restore_sqlite(source: Path, target: Path, replace: bool) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source} is damaged (PRAGMA integrity_check)")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            tables = dst.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables and not replace:
                raise BackupError(f"{target} is not empty ({tables} tables): restore into a new file, "
                                  "or pass --replace to overwrite it")
            src.backup(dst)  # replaces every page of the target in one transaction
        finally:
            dst.close()
    finally:
        src.close()


def _file_kind(source: Path) -> str:
    try:
        with open(source, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise BackupError(f"{source} is neither a pg_dump custom-format file nor a SQLite database")

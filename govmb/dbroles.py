"""Who may do what in a service's PostgreSQL database, and who migrates it.

Two roles per service (docs/operations.md, "Database roles"). The *owner* owns the database,
its schema and every table, and runs the migrations. The *application role*, which the API
and the worker connect as, reads and writes rows and nothing else: SELECT, INSERT, UPDATE and
DELETE on the tables, USAGE and SELECT on the sequences, and on the audit trail INSERT and
SELECT only. Owning nothing and without CREATE on the schema, it cannot drop the trail's
triggers, alter or create a table, or change, delete or truncate a trail row, whatever a flaw
in the application lets an attacker send to the database.

A process given `<SERVICE>_MIGRATION_DATABASE_URL` (the owner's) migrates with it, then
grants the application role (the user of `<SERVICE>_DATABASE_URL`) its rights again: on
every table, so those a migration just added are covered too (the owner's default privileges
cover them as well), and with the trail's UPDATE, DELETE and TRUNCATE taken away again. A
process without it migrates with its own URL where it may (SQLite, a one-role database); the
application role finds nothing to do, or stops saying what to run.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import unquote, urlsplit

import peewee
from playhouse.migrations import Runner

from govmb.audit import CHECKPOINTS as AUDIT_CHECKPOINTS
from govmb.audit import TABLE as AUDIT_TABLE
from govmb.config import ConfigError, Settings
from govmb.db import is_postgres, migrate, open_database, too_privileged
from govmb.service import ServiceSpec, ensure_database

log = logging.getLogger(__name__)
ON_TABLES = "SELECT, INSERT, UPDATE, DELETE"
ON_SEQUENCES = "USAGE, SELECT"
ON_AUDIT = "INSERT, SELECT"  # the trail is written and read, never changed
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class MigrationRefused(ConfigError):
    """Migrations are pending and the process's role may not run them."""


def role(name: str) -> str:
    """A role's (or a database's) name, quoted for SQL; only plain lower-case names are accepted."""
    if not ROLE_NAME.match(name or ""):
        raise ConfigError(f"{name!r} is not a name this system gives a role or a database: lower-case letters, "
                          "digits and _")
    return f'"{name}"'


def user_of(url: str) -> str | None:
    user = urlsplit(url).username
    return unquote(user) if user else None


def grant_statements(app: str, owner: str, audit_table: bool = True, checkpoints: bool = True) -> list[str]:
    """What makes `app` a DML-only role on `owner`'s tables, from whatever it held before."""
    app, owner = role(app), role(owner)
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}",
        f"REVOKE CREATE ON SCHEMA public FROM {app}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",  # PostgreSQL before 15 let every role create there
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT {ON_TABLES} ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT {ON_SEQUENCES} ON ALL SEQUENCES IN SCHEMA public TO {app}",
        # Tables and sequences the owner creates later (the next release's migrations): in every
        # schema of this database, so a restore that makes the schema anew keeps them too.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT {ON_TABLES} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT {ON_SEQUENCES} ON SEQUENCES TO {app}",
    ]
    if audit_table:
        statements += [f"REVOKE ALL ON {AUDIT_TABLE} FROM {app}", f"GRANT {ON_AUDIT} ON {AUDIT_TABLE} TO {app}"]
    if checkpoints:  # written by the purge alone, as the owner: the services read them
        statements += [f"REVOKE ALL ON {AUDIT_CHECKPOINTS} FROM {app}", f"GRANT SELECT ON {AUDIT_CHECKPOINTS} TO {app}"]
    return statements


def grant_to_app(db: peewee.Database, app: str, owner: str | None = None) -> None:
    """Give the application role its rights on the database `db` is connected to, in one
    transaction; run by the owner (`owner` None: the connected role) or a superuser. Safe to
    run again: every migration run does."""
    with db.connection_context(), db.atomic():
        owner = owner or db.execute_sql("SELECT current_user").fetchone()[0]
        for sql in grant_statements(app, owner, db.table_exists(AUDIT_TABLE), db.table_exists(AUDIT_CHECKPOINTS)):
            db.execute_sql(sql)
    log.info("database grants applied", extra={"role": app, "owner": owner})


def pending(db: peewee.Database, spec: ServiceSpec) -> list[str]:
    with db.connection_context():
        return [m.name for m in Runner(db, str(spec.migrations)).status() if m.path and not m.applied]


def may_create(db: peewee.Database) -> bool:
    with db.connection_context():
        return bool(db.execute_sql("SELECT has_schema_privilege('public', 'CREATE')").fetchone()[0])


def migrate_service(spec: ServiceSpec, settings: Settings) -> list[str]:
    """Apply the service's pending migrations as whoever may: the owner of
    `<SERVICE>_MIGRATION_DATABASE_URL` when it is set (then the application role's grants),
    else the process's own role where it may create tables. The application role alone
    migrates nothing: with nothing pending it goes on, else it stops (MigrationRefused). In
    production the process then refuses to run as more than an application role."""
    ensure_database(spec, settings)
    if settings.migration_database_url:
        applied = _migrate_as_owner(spec, settings)
    elif is_postgres(spec.db) and not may_create(spec.db):
        if waiting := pending(spec.db, spec):
            variable = f"{spec.name.upper()}_MIGRATION_DATABASE_URL"
            raise MigrationRefused(
                f"{spec.name}: {len(waiting)} migrations wait ({waiting[0]} first) and this process's database role "
                f"may not create tables: run `python -m ops.cli migrate {spec.name}` with {variable} (the owner's "
                "URL) first")
        applied = []
    else:
        applied = migrate(spec.db, spec.migrations, spec.name)
    refuse_privileged(spec, settings)
    return applied


def refuse_privileged(spec: ServiceSpec, settings: Settings) -> None:
    """Production refuses to run as a role more than an application's (`govmb.db.too_privileged`)."""
    if settings.production and (reason := too_privileged(spec.db)):
        raise ConfigError(f"production mode refuses {settings.database_variable}: {reason}; connect as the "
                          "application role (docs/operations.md, Database roles)")


def _migrate_as_owner(spec: ServiceSpec, settings: Settings) -> list[str]:
    owner_db = open_database(settings.migration_database_url, max_connections=2)
    try:
        applied = migrate(owner_db, spec.migrations, spec.name)
        regrant(settings, owner_db)
    finally:
        close(owner_db)
    return applied


def regrant(settings: Settings, owner_db: peewee.Database | None = None) -> None:
    """The application role's rights again, granted by the owner of
    `<SERVICE>_MIGRATION_DATABASE_URL` (`owner_db`: a database already opened on it): after
    migrations, and after a restore (the dump comes without its grants). Nothing without
    that URL, or on SQLite."""
    if not settings.migration_database_url:
        return
    db = owner_db or open_database(settings.migration_database_url, max_connections=1)
    try:
        if not is_postgres(db):
            return
        app = user_of(settings.database_url)
        if not app:
            raise ConfigError(f"{settings.database_variable} names no user: the application role to grant to")
        with db.connection_context():
            owner = db.execute_sql("SELECT current_user").fetchone()[0]
        if app != owner:
            grant_to_app(db, app, owner)
    finally:
        if owner_db is None:
            close(db)


def close(db: peewee.Database) -> None:
    """Every connection of a database opened for one job (a pool's too)."""
    if hasattr(db, "close_all"):
        db.close_all()
    else:
        db.close()

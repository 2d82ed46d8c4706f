"""`python -m ops.cli db-roles <service|all>`: each service's PostgreSQL database with its two
roles (govmb.dbroles), made or brought in line by the server's superuser. Safe to run again:
each run sets the roles' passwords to the ones the URLs carry (so it also rotates them),
hands the database, its schema and whatever a previous setup left in it to the owner, and
grants the application role its rights again.

What it makes is read from the services' own variables, so nothing is said twice: the owner
is the user and password of `<SERVICE>_MIGRATION_DATABASE_URL`, the application role those of
`<SERVICE>_DATABASE_URL`, the database their path. The superuser's URL comes from
`POSTGRES_SUPERUSER_URL`. Passwords go to the server as SCRAM verifiers, never as text a
statement log could keep.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import secrets
import sys
from urllib.parse import unquote, urlsplit

import psycopg2

from govmb.config import SERVICES, ConfigError, Settings, superuser_url
from govmb.db import open_database
from govmb.dbroles import close, grant_to_app, role

# Every relation and function in public not owned by the owner yet (an older setup's
# superuser, a restore's user), as the statement that hands it over. Sequences that belong to
# a column move with their table.
FOREIGN_OBJECTS = """
SELECT format('ALTER %%s %%s OWNER TO %%I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
              WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, c.oid::regclass, %(owner)s)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relowner <> %(owner)s::regrole
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                        AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT format('ALTER FUNCTION %%s OWNER TO %%I', p.oid::regprocedure, %(owner)s)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proowner <> %(owner)s::regrole"""


def add_parser(sub) -> None:
    p = sub.add_parser("db-roles", help="each service's PostgreSQL database, its owner and its application role "
                                        "(POSTGRES_SUPERUSER_URL; idempotent, rotates the passwords)")
    p.add_argument("service", choices=(*SERVICES, "all"))


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """What PostgreSQL keeps of a password (SCRAM-SHA-256, RFC 7677), made here so that the
    password itself never reaches the server's statement log."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}"


class Plan:
    """One service's database and roles, read from its settings."""

    def __init__(self, settings: Settings):
        variable = f"{settings.service.upper()}_MIGRATION_DATABASE_URL"
        if not settings.migration_database_url:
            raise ConfigError(f"db-roles needs {variable}: the URL of the database's owner (who migrates)")
        app, owner = urlsplit(settings.database_url), urlsplit(settings.migration_database_url)
        for name, url in ((settings.database_variable, app), (variable, owner)):
            if not url.scheme.startswith("postgres") or not url.username or not url.password:
                raise ConfigError(f"db-roles needs {name} as postgresql://user:password@host/database")
        self.database = app.path.lstrip("/")
        if owner.path.lstrip("/") != self.database:
            raise ConfigError(f"{variable} and {settings.database_variable} name different databases")
        self.owner, self.owner_password = unquote(owner.username), unquote(owner.password)
        self.app, self.app_password = unquote(app.username), unquote(app.password)
        if self.owner == self.app:
            raise ConfigError(f"{variable} and {settings.database_variable} name the same role: give each its own")
        role(self.database), role(self.owner), role(self.app)  # plain names only, refused otherwise


def set_role(cur, name: str, password: str) -> None:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    verb = "ALTER" if cur.fetchone() else "CREATE"
    cur.execute(f"{verb} ROLE {role(name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                "NOBYPASSRLS PASSWORD %s", (scram_verifier(password),))


def set_database(cur, plan: Plan) -> None:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (plan.database,))
    if cur.fetchone():
        cur.execute(f"ALTER DATABASE {role(plan.database)} OWNER TO {role(plan.owner)}")
    else:
        cur.execute(f"CREATE DATABASE {role(plan.database)} OWNER {role(plan.owner)}")
    cur.execute(f"REVOKE ALL ON DATABASE {role(plan.database)} FROM PUBLIC")  # no other service's role gets in
    cur.execute(f"GRANT CONNECT ON DATABASE {role(plan.database)} TO {role(plan.app)}")
    cur.execute(f"REVOKE {role(plan.owner)} FROM {role(plan.app)}")  # the app role borrows nothing of the owner's


def set_up(superuser_url: str, plan: Plan) -> None:
    """The roles, the database, its schema and objects handed to the owner, the grants."""
    conn = psycopg2.connect(superuser_url)
    conn.autocommit = True  # CREATE DATABASE runs outside a transaction
    try:
        with conn.cursor() as cur:
            set_role(cur, plan.owner, plan.owner_password)
            set_role(cur, plan.app, plan.app_password)
            set_database(cur, plan)
    finally:
        conn.close()
    db = open_database(urlsplit(superuser_url)._replace(path=f"/{plan.database}").geturl(), max_connections=1)
    try:
        with db.connection_context(), db.atomic():
            db.execute_sql(f"ALTER SCHEMA public OWNER TO {role(plan.owner)}")
            db.execute_sql("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            for (statement,) in db.execute_sql(FOREIGN_OBJECTS, {"owner": plan.owner}).fetchall():
                db.execute_sql(statement)
        grant_to_app(db, plan.app, plan.owner)
    finally:
        close(db)


def command(args: argparse.Namespace) -> int:
    admin = superuser_url()
    if not admin:
        print("db-roles needs POSTGRES_SUPERUSER_URL: postgresql://postgres:…@host:5432/postgres", file=sys.stderr)
        return 2
    names = SERVICES if args.service == "all" else (args.service,)
    try:
        plans = {name: Plan(Settings.from_env(name)) for name in names}
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    for name, plan in plans.items():
        set_up(admin, plan)
        print(f"{name}: database {plan.database} on {urlsplit(admin).hostname}, owner {plan.owner}, "
              f"application role {plan.app}")
    return 0

"""Least-privilege database roles on the real PostgreSQL (govmb.dbroles, ops.dbroles).

`ops.cli db-roles` makes a scratch registry database with its owner and its application
role; `ops.cli migrate` migrates it as the owner. Connected as the application role, the
service's own code writes rows and the audit trail, but dropping the trail's trigger,
altering or creating a table, and changing, deleting or truncating trail rows are refused by
PostgreSQL's privileges (not only by the trigger). A table a later migration adds is the
application role's to use, with the trail still INSERT and SELECT only. The roles and the
database have names of their own and are dropped afterwards."""
from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from urllib.parse import urlsplit

import psycopg2
import psycopg2.errors
import pytest

from govmb.config import Settings
from govmb.dbroles import MigrationRefused, migrate_service
from govmb.service import ServiceSpec
from ops.cli import main as cli
from tests.integration.test_audit_trail import OFFICE
from tests.system import spec_of

pytestmark = pytest.mark.integration
LATER = '''"""A later release's table."""
from peewee import CharField, Model


def up(migrator, db):
    class LaterThing(Model):
        name = CharField(max_length=20)

        class Meta:
            database = db
            table_name = "later_thing"

    db.create_tables([LaterThing])
'''


class Scratch:
    """A database, its owner and its application role, with names of the test's own."""

    def __init__(self, server_url: str):
        tag = uuid.uuid4().hex[:10]
        self.server_url, self.database = server_url, f"govmb_roles_{tag}"
        self.owner, self.app = f"govmb_{tag}_owner", f"govmb_{tag}_app"
        self.owner_password, self.app_password = uuid.uuid4().hex, uuid.uuid4().hex
        where = urlsplit(server_url)
        self.host = f"{where.hostname}:{where.port or 5432}"

    def url(self, user: str, password: str) -> str:
        return f"postgresql://{user}:{password}@{self.host}/{self.database}"

    @property
    def app_url(self) -> str:
        return self.url(self.app, self.app_password)

    @property
    def owner_url(self) -> str:
        return self.url(self.owner, self.owner_password)

    def superuser(self, database: str | None = None):
        conn = psycopg2.connect(urlsplit(self.server_url)._replace(path=f"/{database or 'postgres'}").geturl())
        conn.autocommit = True
        return conn

    def drop(self) -> None:
        conn = self.superuser()
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            for name in (self.app, self.owner):
                cur.execute(f'DROP ROLE IF EXISTS "{name}"')
        conn.close()


@pytest.fixture
def scratch(postgres_server, monkeypatch, tmp_path):
    """The registry's environment for the scratch database, its roles made by `ops.cli db-roles`."""
    s = Scratch(postgres_server)
    monkeypatch.setenv("GOVMB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POSTGRES_SUPERUSER_URL", postgres_server)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", s.app_url)
    monkeypatch.setenv("REGISTRY_MIGRATION_DATABASE_URL", s.owner_url)
    try:
        assert cli(["db-roles", "registry"]) == 0
        yield s
    finally:
        spec_of("registry").db.close_all()
        s.drop()


def as_app(scratch: Scratch):
    conn = psycopg2.connect(scratch.app_url)
    conn.autocommit = True
    return conn


def refused(conn, sql: str) -> None:
    with conn.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(sql)


def table_owners(scratch: Scratch) -> set[str]:
    conn = scratch.superuser(scratch.database)
    with conn.cursor() as cur:
        cur.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        owners = {row[0] for row in cur.fetchall()}
    conn.close()
    return owners


def record_as_the_service(settings: Settings) -> None:
    """The registry's own code, on the application role: a unit and its audit row."""
    from services.registry.models import Unit, audit
    spec = spec_of("registry")
    assert migrate_service(spec, settings) == []  # migrated already: nothing the app role must do
    with spec.db.connection_context(), spec.db.atomic():
        unit = Unit.create(name="试验单位", kind="region", path="/")
        unit.path = f"/{unit.id}/"
        unit.save()
        audit.record(OFFICE, "unit.create", "unit", unit.id, unit.path, "角色测试")
    with spec.db.connection_context():
        assert "角色测试" in [e.detail for e in audit.Entry.select()]


def test_the_application_role_writes_rows_but_cannot_touch_the_schema_or_the_trail(scratch):
    assert cli(["migrate", "registry"]) == 0
    assert table_owners(scratch) == {scratch.owner}
    settings = Settings.from_env("registry")
    assert settings.database_url == scratch.app_url
    record_as_the_service(settings)

    conn = as_app(scratch)
    with conn.cursor() as cur:  # rows of an ordinary table: read, write, change, delete
        cur.execute("INSERT INTO unit (name, kind, path, revision, created_at, updated_at) "
                    "VALUES ('另一单位', 'region', '/', 1, now(), now()) RETURNING id")
        unit_id = cur.fetchone()[0]
        cur.execute("UPDATE unit SET name = '改名' WHERE id = %s", (unit_id,))
        cur.execute("DELETE FROM unit WHERE id = %s", (unit_id,))
        cur.execute("SELECT count(*) FROM audit_entry")
        assert cur.fetchone()[0] == 1
    refused(conn, "DROP TRIGGER audit_entry_final ON audit_entry")
    refused(conn, "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_final")
    refused(conn, "DROP FUNCTION audit_entry_is_final() CASCADE")
    refused(conn, "ALTER TABLE unit ADD COLUMN sneaky integer")
    refused(conn, "DROP TABLE audit_entry")
    refused(conn, "CREATE TABLE sneaky (id integer)")
    refused(conn, "UPDATE audit_entry SET detail = '改写'")  # the privilege, before the trigger is asked
    refused(conn, "DELETE FROM audit_entry")
    refused(conn, "TRUNCATE audit_entry")
    with conn.cursor() as cur:
        cur.execute("SELECT has_table_privilege('audit_entry', 'INSERT'), has_table_privilege('audit_entry', 'SELECT'),"
                    " has_schema_privilege('public', 'CREATE'), has_database_privilege(current_database(), 'CREATE')")
        assert cur.fetchone() == (True, True, False, False)
    conn.close()


def test_a_table_a_later_migration_adds_is_the_application_roles_and_the_trail_stays_closed(scratch, tmp_path,
                                                                                          monkeypatch):
    assert cli(["migrate", "registry"]) == 0
    later = tmp_path / "migrations"
    shutil.copytree(spec_of("registry").migrations, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "0999_later_thing.py").write_text(LATER, encoding="utf-8")
    monkeypatch.setattr(ServiceSpec, "migrations", property(lambda self: later))

    settings = Settings.from_env("registry")
    without_owner = replace(settings, migration_database_url=None)
    with pytest.raises(MigrationRefused, match="REGISTRY_MIGRATION_DATABASE_URL"):
        migrate_service(spec_of("registry"), without_owner)  # the app role does not migrate: it says who must
    assert migrate_service(spec_of("registry"), settings) == ["0999_later_thing"]

    conn = as_app(scratch)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO later_thing (name) VALUES ('新表') RETURNING id")
        cur.execute("SELECT name FROM later_thing")
        assert cur.fetchall() == [("新表",)]
        cur.execute("SELECT has_table_privilege('audit_entry', 'UPDATE') OR has_table_privilege('audit_entry', 'DELETE')"
                    " OR has_table_privilege('audit_entry', 'TRUNCATE')")
        assert cur.fetchone() == (False,)
    refused(conn, "ALTER TABLE later_thing ADD COLUMN sneaky integer")
    conn.close()


def test_db_roles_hands_an_older_setup_over_to_the_owner_and_sets_the_passwords_again(scratch):
    """A database migrated by the superuser (the old compose file's setup) is handed to the
    owner, trigger function too; a second run changes nothing but the passwords (rotation),
    which PostgreSQL keeps as SCRAM verifiers."""
    superuser = replace(Settings.from_env("registry"), migration_database_url=None,
                        database_url=urlsplit(scratch.server_url)._replace(path=f"/{scratch.database}").geturl())
    migrate_service(spec_of("registry"), superuser)
    spec_of("registry").db.close_all()
    assert table_owners(scratch) == {urlsplit(scratch.server_url).username or "postgres"}
    conn = scratch.superuser()
    with conn.cursor() as cur:
        cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (scratch.app,))
        before = cur.fetchone()[0]
    assert cli(["db-roles", "registry"]) == 0
    assert table_owners(scratch) == {scratch.owner}
    with conn.cursor() as cur:
        cur.execute("SELECT rolpassword, rolsuper, rolcreatedb, rolcreaterole FROM pg_authid WHERE rolname = %s",
                    (scratch.app,))
        after, *powers = cur.fetchone()
    conn.close()
    assert after.startswith("SCRAM-SHA-256$4096:") and after != before and scratch.app_password not in after
    assert powers == [False, False, False]
    db = scratch.superuser(scratch.database)
    with db.cursor() as cur:
        cur.execute("SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'audit_entry_is_final'")
        assert cur.fetchone()[0] == scratch.owner
    db.close()
    assert cli(["migrate", "registry"]) == 0  # up to date, and the grants applied again
    record_as_the_service(Settings.from_env("registry"))
    refused(as_app(scratch), "DROP TRIGGER audit_entry_final ON audit_entry")


def test_a_restore_by_the_owner_leaves_the_application_role_its_rows_and_the_trail_closed(scratch, tmp_path):
    """`restore --replace` makes the schema anew as the owner (the dump comes without grants):
    the application role gets its rows back, and the trail INSERT and SELECT only."""
    assert cli(["migrate", "registry"]) == 0
    record_as_the_service(Settings.from_env("registry"))
    spec_of("registry").db.close_all()
    assert cli(["backup", "registry", "--to", str(tmp_path / "backups")]) == 0  # as the application role
    dump = next((tmp_path / "backups").glob("registry-*.dump*"))  # sealed: registry-….dump.sealed
    assert cli(["restore", "registry", "--from", str(dump), "--replace"]) == 0
    assert table_owners(scratch) == {scratch.owner}
    conn = as_app(scratch)
    with conn.cursor() as cur:
        cur.execute("SELECT detail FROM audit_entry")
        assert cur.fetchall() == [("角色测试",)]
        cur.execute("UPDATE unit SET name = '恢复后改名'")
    refused(conn, "DELETE FROM audit_entry")
    refused(conn, "DROP TRIGGER audit_entry_final ON audit_entry")
    refused(conn, "CREATE TABLE sneaky (id integer)")
    conn.close()


def test_the_application_role_reads_the_chain_but_only_the_owner_purges_it(scratch, monkeypatch, capsys):
    assert cli(["migrate", "registry"]) == 0
    record_as_the_service(Settings.from_env("registry"))
    conn = as_app(scratch)
    refused(conn, "INSERT INTO audit_checkpoint (at, through_id, through_hash, removed, older_than, seal) "
                  "VALUES (now(), 1, '', 1, now(), '')")
    refused(conn, "ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_final")
    conn.close()
    assert cli(["audit-verify", "registry"]) == 0  # with the application role's URL: reading is enough
    assert "registry: 完整，已核验 1 行" in capsys.readouterr().out
    assert cli(["audit-purge", "registry"]) == 0  # as the owner: nothing is old enough
    assert "没有超过 365 天的记录可清理" in capsys.readouterr().out
    monkeypatch.delenv("REGISTRY_MIGRATION_DATABASE_URL")
    assert cli(["audit-purge", "registry"]) == 1
    assert "REGISTRY_MIGRATION_DATABASE_URL" in capsys.readouterr().err


def test_production_refuses_to_run_as_the_owner_or_a_superuser_and_is_not_ready(scratch, postgres_server):
    """The review's finding: an application URL naming the owner or a superuser started normally,
    and the trail's triggers stayed within its reach."""
    from dataclasses import replace

    from govmb.config import ConfigError
    from govmb.dbroles import migrate_service
    from tests.system import migrated_app, settings_for
    assert cli(["migrate", "registry"]) == 0
    spec = spec_of("registry")
    base = replace(settings_for("registry", scratch.app_url), mode="production", metrics_token="m" * 40)
    assert migrate_service(spec, base) == []  # the application role: runs
    for url, said in ((scratch.owner_url, "owns the audit trail"),
                      (urlsplit(postgres_server)._replace(path=f"/{scratch.database}").geturl(), "superuser")):
        spec.db.close_all()
        with pytest.raises(ConfigError, match=said):
            migrate_service(spec, replace(base, database_url=url))
        app = migrated_app("registry", replace(settings_for("registry", url), mode="production",
                                               metrics_token="m" * 40))
        ready = app.test_client().get("/readyz")
        assert ready.status_code == 503 and ready.json["checks"]["database_role"].startswith("失败")
    spec.db.close_all()

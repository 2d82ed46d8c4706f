"""Issue 21's migration of the registry (0019_person_locale) on a database that has people already,
on PostgreSQL and on SQLite: each existing person gets zh_Hans, the column is NOT NULL with the
database's default 'zh_Hans' (a row written without it, as an older process would, gets it too)."""
from __future__ import annotations

import shutil

import peewee
import pytest

from govmb.db import migrate, open_database
from tests import infra
from tests.system import spec_of

pytestmark = pytest.mark.integration
BEFORE = "0019_person_locale.py"


def _people_then_locale(url: str, tmp_path) -> peewee.Database:
    """The registry migrated to the step before, two people written, then the rest of the migrations."""
    directory = spec_of("registry").migrations
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    for path in sorted(directory.glob("0*.py")):
        if path.name < BEFORE:
            shutil.copy(path, earlier / path.name)
    db = open_database(url, max_connections=2)
    migrate(db, earlier, "registry")
    with db.connection_context():
        db.execute_sql("INSERT INTO unit (name, kind, path, revision, created_at, updated_at, name_ug) "
                       "VALUES ('南昌市', 'region', '/1/', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '')")
        for username in ("zhang", "li"):
            db.execute_sql("INSERT INTO person (unit_id, name, username, password_hash, roles, rank, title, active, "
                           "created_at, password_changed_at, must_change_password) VALUES (1, %s, %s, 'x', 'operator', "
                           "'staff', '', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE)".replace(
                               "%s", db.param), (username, username))
    assert migrate(db, directory, "registry")[0] == BEFORE.removesuffix(".py")  # and any after it
    return db


def _check(db: peewee.Database) -> None:
    with db.connection_context():
        assert db.execute_sql("SELECT username, locale FROM person ORDER BY id").fetchall() == [
            ("zhang", "zh_Hans"), ("li", "zh_Hans")]
        db.execute_sql("INSERT INTO person (unit_id, name, username, password_hash, roles, rank, title, active, "
                       "created_at, password_changed_at, must_change_password) VALUES (1, 'wang', 'wang', 'x', '', "
                       "'staff', '', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE)")
        assert db.execute_sql("SELECT locale FROM person WHERE username = 'wang'").fetchone() == ("zh_Hans",)
        with pytest.raises(peewee.IntegrityError), db.atomic():
            db.execute_sql("UPDATE person SET locale = NULL WHERE username = 'wang'")


def test_on_postgresql(postgres_server, tmp_path):
    with infra.fresh_database(postgres_server, prefix="govmb_locale") as url:
        db = _people_then_locale(url, tmp_path)
        try:
            _check(db)
        finally:
            db.close_all()


def test_on_sqlite(tmp_path):
    db = _people_then_locale(f"sqlite:///{tmp_path / 'registry.db'}", tmp_path)
    _check(db)

"""The audit trail's hash chain on PostgreSQL, where the superuser can disable the trail's
trigger: the forgeries of tests/unit/test_audit_chain.py, done as the superuser, each found; the
migration chains the rows written before it; the purge keeps what is young. Rows are chained
under an advisory lock: writers in several threads at once still make one chain."""
import threading

import pytest

from govmb.db import open_database
from tests.system import migrated_app, settings_for
from tests.unit import test_audit_chain as chain
from tests.unit.test_audit import OFFICE

pytestmark = pytest.mark.integration


def registry_trail(pg_url):
    migrated_app("registry", settings_for("registry", pg_url))
    from services.registry import models
    with models.db.connection_context(), models.db.atomic():
        models.Unit.insert(id=4, name="东湖区民政局", kind="office", path="/1/3/4/").execute()
    return models.audit


@pytest.mark.parametrize("case", chain.CASES, ids=lambda c: c.__name__.removeprefix("assert_"))
def test_the_chain_on_postgresql(case, pg_url):
    trail = registry_trail(pg_url)
    with trail.db.connection_context():
        case(trail)


def test_the_purge_on_postgresql(pg_url, monkeypatch):
    trail = registry_trail(pg_url)
    with trail.db.connection_context():
        chain.assert_purge_keeps_what_is_young_and_the_chain_verifies(trail, monkeypatch)


def test_the_migration_chains_the_rows_written_before_it_on_postgresql(pg_url):
    db = open_database(pg_url, max_connections=2)
    with db.connection_context():
        chain.assert_migration_chains_existing_rows(db)
    db.close_all()


def test_writers_at_once_make_one_chain(pg_url):
    trail = registry_trail(pg_url)

    def writer():
        with trail.db.connection_context():
            for n in range(20):
                with trail.db.atomic():
                    trail.record(OFFICE, "unit.update", "unit", 4, "/1/3/4/", f"并发{n}")
    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with trail.db.connection_context():
        report = chain.checked(trail)
    assert report.whole and report.checked == 80, report

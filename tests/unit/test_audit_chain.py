"""The audit trail's hash chain on SQLite (tests/integration/test_audit_chain.py runs the same on
PostgreSQL): a whole chain verifies; a row changed, a row deleted, a row put in the middle, a
chain rebuilt without the key and a forged checkpoint are each found, at the right row; the
migration chains the rows written before it, a page at a time; the purge keeps every row younger
than 180 days, refuses less, and leaves a chain that still verifies."""
import datetime as dt
import importlib

import pytest

from govmb import auditchain
from govmb.audit import create_audit_table_v1, make_audit_model
from govmb.auditmigrate import chain_table_v2
from govmb.auditpurge import PurgeRefused, purge
from govmb.auditverify import verify
from govmb.config import ConfigError, read_options
from govmb.db import is_postgres, open_database
from govmb.personal import DataKeys
from tests.keys import AUDIT
from tests.unit.test_audit import OFFICE, trail_of


def write(trail, count: int, detail: str = "记录") -> list[int]:
    ids = []
    for n in range(count):
        with trail.db.atomic():
            trail.record(OFFICE, "unit.update", "unit", 4, "/1/3/4/", f"{detail}{n}", "东湖区民政局")
        ids.append(trail.Entry.select().order_by(trail.Entry.id.desc()).first().id)
    return ids


def forge(db, *statements: str) -> None:
    """What the database's owner or superuser can do: the trail's triggers out of the way, then
    any SQL (without the chain's key)."""
    with db.atomic():
        if is_postgres(db):
            db.execute_sql("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_final")
        else:
            db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")
            db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        for sql in statements:
            db.execute_sql(sql)


def checked(trail):
    return verify(trail.db, AUDIT, "registry", page=2)  # small pages: the walk crosses them


def assert_whole_chain_verifies(trail) -> None:
    ids = write(trail, 5)
    report = checked(trail)
    assert report.whole and report.checked == 5 and report.head_id == ids[-1], report
    rows = list(trail.Entry.select().order_by(trail.Entry.id))
    assert rows[0].prev_hash == "" and all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:]))
    assert all(r.row_hash.startswith(AUDIT.current + ".") and len(r.row_hash) == 73 for r in rows)


def assert_changed_row_found(trail) -> None:
    ids = write(trail, 5)
    forge(trail.db, f"UPDATE audit_entry SET detail = '改过的说明' WHERE id = {ids[2]}")
    report = checked(trail)
    assert (report.kind, report.broken_at, report.checked) == ("changed", ids[2], 2), report


def assert_deleted_row_found(trail) -> None:
    ids = write(trail, 5)
    forge(trail.db, f"DELETE FROM audit_entry WHERE id = {ids[2]}")
    report = checked(trail)
    assert (report.kind, report.broken_at) == ("deleted", ids[3]), report


def assert_inserted_row_found(trail) -> None:
    """A row put in the middle: the rows after it moved up to make room, the forged one given the
    link of the row before, and a hash that cannot be made without the key."""
    ids = write(trail, 5)
    prev = trail.Entry.get_by_id(ids[1]).row_hash
    row = trail.Entry.get_by_id(ids[2])
    forge(trail.db, f"UPDATE audit_entry SET id = id + 1000 WHERE id >= {ids[2]}",
          "INSERT INTO audit_entry (id, at, actor_id, actor_name, actor_unit_id, actor_unit_name, actor_roles, "
          "actor_client, action, subject_type, subject_id, subject_name, unit_path, unit_name, detail, correlation_id, "
          f"prev_hash, row_hash) VALUES ({ids[2]}, '{row.at}', 1, '假人', 2, '', '', '', 'unit.update', 'unit', '4', "
          f"'', '/1/3/4/', '', '伪造', '', '{prev}', '{AUDIT.current}.{'0' * 64}')")
    report = checked(trail)
    assert (report.kind, report.broken_at) == ("inserted", ids[2]), report


def assert_chain_rebuilt_without_the_key_fails(trail) -> None:
    """The owner changes a row and computes every hash again, with a key of their own."""
    write(trail, 3)
    forge(trail.db, "UPDATE audit_entry SET detail = '改过的说明'")
    other, prev, changes = DataKeys.generate(), "", []
    for row in trail.Entry.select().order_by(trail.Entry.id).dicts():
        this = auditchain.row_hash(other, prev, row)
        changes.append(f"UPDATE audit_entry SET prev_hash = '{prev}', row_hash = '{this}' WHERE id = {row['id']}")
        prev = this
    forge(trail.db, *changes)
    report = checked(trail)
    assert (report.kind, report.checked) == ("changed", 0), report


def assert_purge_keeps_what_is_young_and_the_chain_verifies(trail, monkeypatch) -> None:
    now = dt.datetime.utcnow()
    for age, count in ((400, 3), (200, 2), (179, 2), (0, 1)):
        monkeypatch.setattr(auditchain, "utcnow", lambda age=age: now - dt.timedelta(days=age))
        write(trail, count, f"{age}天前")
    monkeypatch.undo()
    with pytest.raises(PurgeRefused, match="至少保存 180 天"):
        purge(trail.db, AUDIT, 179)
    done = purge(trail.db, AUDIT, 180, "registry", batch=2)  # batches: each with its checkpoint
    assert done.removed == 5
    left = [r.detail for r in trail.Entry.select().order_by(trail.Entry.id)]
    assert left == ["179天前0", "179天前1", "0天前0"]  # nothing younger than 180 days goes
    assert trail.Checkpoint.select().count() == 3
    write(trail, 1, "清理后")
    report = checked(trail)
    assert report.whole and report.checked == 4, report
    assert purge(trail.db, AUDIT, 180).removed == 0
    forge(trail.db, f"DELETE FROM audit_entry WHERE id = {trail.Entry.select().order_by(trail.Entry.id).first().id}")
    assert checked(trail).kind == "deleted"  # the first kept row no longer follows the checkpoint
    with pytest.raises(PurgeRefused, match="链已断裂"):
        purge(trail.db, AUDIT, 180)


def assert_forged_checkpoint_found(trail) -> None:
    ids = write(trail, 3)
    forge(trail.db, f"DELETE FROM audit_entry WHERE id <= {ids[1]}",
          f"INSERT INTO audit_checkpoint (at, through_id, through_hash, removed, older_than, seal) VALUES "
          f"('2026-01-01 00:00:00', {ids[1]}, '{trail.Entry.get_by_id(ids[2]).prev_hash}', 2, '2025-07-01 00:00:00', "
          f"'{AUDIT.current}.{'1' * 64}')")
    assert checked(trail).kind == "checkpoint"


def assert_a_hash_of_any_text_is_found_not_a_crash(trail) -> None:
    """A forged hash need not be hex: the check compares bytes, and reports the row."""
    ids = write(trail, 3)
    forge(trail.db, f"UPDATE audit_entry SET row_hash = '{AUDIT.current}.伪造的哈希' WHERE id = {ids[1]}")
    assert (checked(trail).kind, checked(trail).broken_at) == ("changed", ids[1])


CASES = [assert_a_hash_of_any_text_is_found_not_a_crash, assert_whole_chain_verifies, assert_changed_row_found, assert_deleted_row_found, assert_inserted_row_found,
         assert_chain_rebuilt_without_the_key_fails, assert_forged_checkpoint_found]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.removeprefix("assert_"))
def test_the_chain_on_sqlite(case, tmp_path):
    _app, trail = trail_of("registry", tmp_path)
    case(trail)


def test_the_purge_on_sqlite(tmp_path, monkeypatch):
    _app, trail = trail_of("registry", tmp_path)
    assert_purge_keeps_what_is_young_and_the_chain_verifies(trail, monkeypatch)


def test_the_purge_keeps_the_last_row_even_when_every_row_is_old(tmp_path, monkeypatch):
    _app, trail = trail_of("registry", tmp_path)
    monkeypatch.setattr(auditchain, "utcnow", lambda: dt.datetime.utcnow() - dt.timedelta(days=500))
    write(trail, 3)
    monkeypatch.undo()
    assert purge(trail.db, AUDIT, 365).removed == 2
    write(trail, 1)
    assert checked(trail).whole


def test_a_retention_under_180_days_is_refused(monkeypatch):
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "90")
    with pytest.raises(ConfigError, match="AUDIT_RETENTION_DAYS must be at least 180"):
        read_options()
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "180")
    assert read_options().audit_retention_days == 180
    monkeypatch.delenv("AUDIT_RETENTION_DAYS")
    assert read_options().audit_retention_days == 365


def assert_migration_chains_existing_rows(db) -> None:
    """The rows of version 1 chained by the migration, a page at a time, with the trigger put back."""
    with db.atomic():
        create_audit_table_v1(db)
        old = make_audit_model(db, chained=False)
        for n in range(7):
            old.create(actor_id=1, actor_name="赵磊", actor_unit_id=2, action="unit.update", subject_type="unit",
                       subject_id="4", unit_path="/1/3/4/", detail=f"旧记录{n}",
                       at=dt.datetime(2026, 1, 1, 8, 0, n, 1000 * n))
    auditchain.install(AUDIT)
    with db.atomic():
        assert chain_table_v2(db, page=3) == 7
    report = verify(db, AUDIT, page=2)
    assert report.whole and report.checked == 7, report
    with pytest.raises(Exception, match="never changed or deleted"), db.atomic():
        db.execute_sql("UPDATE audit_entry SET detail = 'x'")


def test_the_migration_chains_the_rows_written_before_it_on_sqlite(tmp_path):
    assert_migration_chains_existing_rows(open_database(f"sqlite:///{tmp_path / 'old.db'}"))


def test_every_service_has_its_chain_migration():
    for service, number in (("registry", "0010"), ("publishing", "0012"), ("inquiry", "0020"),
                            ("assessment", "0019")):
        module = importlib.import_module(f"services.{service}.migrations.{number}_audit_chain")
        assert module.up.__code__.co_names == ("chain_table_v2",)

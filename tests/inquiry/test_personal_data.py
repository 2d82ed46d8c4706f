"""Citizens' handles and contacts at rest and on the API (govmb.personal, services/inquiry/
citizens.py, sealing.py, migration 0019): sealed in the database, masked in every answer, whole
only to the handling unit's staff on a read the audit trail records; a value that does not open
is a clean 409, never a 500; a rotation and the reseal command; the migration seals old rows on
SQLite and PostgreSQL."""
import shutil
from pathlib import Path

import pytest
from playhouse.migrations import Runner

from govmb import personal
from govmb.account_copy import apply_account_snapshot
from ops.cli import main as cli
from services.inquiry import sealing
from services.inquiry.models import Account, Message, audit, db
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, JOINT, OTHER, message
from tests.keys import PERSONAL
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for, spec_of

MIGRATIONS = spec_of("inquiry").migrations


def raw(message_id: int) -> tuple:
    return db.execute_sql('SELECT "citizen_handle", "citizen_contact", "citizen_contact_hash" FROM "message" '
                          'WHERE "id" = ?', (message_id,)).fetchone()


def test_the_database_holds_no_plain_handle_or_contact(app, client):
    m = message(client).json
    with app.app_context():
        handle, contact, contact_hash = raw(m["id"])
    assert "东湖" not in handle and "13800000000" not in contact and "13800000000" not in contact_hash
    assert personal.kid_of(handle) == personal.kid_of(contact) == PERSONAL.current
    assert PERSONAL.open(contact, "message.citizen_contact") == "13800000000"


def test_lists_and_pages_are_masked_for_everyone_and_only_the_handling_unit_reads_the_whole_value(app, client):
    m = message(client).json
    for who in (DEPT_STAFF, COUNTY, JOINT):
        listed = client.get("/api/messages", headers=who).json
        page = client.get(f"/api/messages/{m['id']}", headers=who).json
        for shown in (listed[0], page):
            assert (shown["citizen_handle"], shown["citizen_contact"]) == ("@东**民", "138****0000")
    r = client.get(f"/api/messages/{m['id']}/contact", headers=DEPT_STAFF)
    assert r.status_code == 200 and r.json == {"citizen_handle": "@东湖居民", "citizen_contact": "13800000000"}
    assert r.headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/messages/{m['id']}/contact", headers=COUNTY).status_code == 403  # sees it, does not handle it
    assert client.get(f"/api/messages/{m['id']}/contact", headers=JOINT).status_code == 403  # city-wide: masked only
    assert client.get(f"/api/messages/{m['id']}/contact", headers=OTHER).status_code == 404  # out of sight
    with app.app_context():
        reads = list(audit.Entry.select().where(audit.Entry.action == "message.contact_read"))
    assert [(e.actor_id, e.subject_type, e.subject_id) for e in reads] == [(13, "message", str(m["id"]))]  # refusals: none
    assert "13800000000" not in reads[0].detail and "东湖居民" not in reads[0].detail


def test_the_handling_unit_finds_a_citizens_messages_by_contact_without_it_being_stored(client):
    first = message(client, citizen_contact="138 0000 1111").json
    message(client, citizen_contact="13900000000")
    found = client.get("/api/messages?citizen_contact=%2B86 13800001111", headers=DEPT_STAFF).json
    assert [x["id"] for x in found] == [first["id"]]
    assert client.get("/api/messages?citizen_contact=13800001111", headers=JOINT).json == []  # its own unit's only


def test_a_value_that_does_not_open_is_a_409_on_the_read_and_unreadable_in_lists_never_a_500(app, client, caplog):
    m = message(client).json
    with app.app_context():
        _, contact, _ = raw(m["id"])
        tampered = contact[:-4] + ("AAAA" if not contact.endswith("AAAA") else "BBBB")
        db.execute_sql('UPDATE "message" SET "citizen_handle" = ?, "citizen_contact" = ? WHERE "id" = ?',
                       (contact, tampered, m["id"]))  # the contact's ciphertext moved into the handle
    r = client.get(f"/api/messages/{m['id']}/contact", headers=DEPT_STAFF)
    assert r.status_code == 409 and set(r.json["errors"]) == {"citizen_handle", "citizen_contact"}
    assert "无法解密" in r.json["errors"]["citizen_contact"][0]
    listed = client.get("/api/messages", headers=DEPT_STAFF)
    assert listed.status_code == 200 and listed.json[0]["citizen_contact"] == "（无法解密）"
    assert "personal data does not open" in caplog.text and "13800000000" not in caplog.text
    with app.app_context():
        assert not audit.Entry.select().where(audit.Entry.action == "message.contact_read").exists()


def test_a_wrong_key_fails_cleanly(app, client):
    m = message(client).json
    with personal.using(personal.DataKeys.generate()):
        assert client.get(f"/api/messages/{m['id']}/contact", headers=DEPT_STAFF).status_code == 409
        assert client.get(f"/api/messages/{m['id']}", headers=DEPT_STAFF).json["citizen_handle"] == "（无法解密）"


def test_after_a_rotation_old_rows_open_and_reseal_moves_them_to_the_new_key(app, client, tmp_path, monkeypatch):
    old_row = message(client).json
    rotated = PERSONAL.rotated()
    key_file = tmp_path / "rotated.keys"
    key_file.write_bytes(rotated.text())
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", str(key_file))
    monkeypatch.setenv("INQUIRY_DATABASE_URL", app.config["GOVMB_SETTINGS"].database_url)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")  # reseals its secrets too
    migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"))
    monkeypatch.setenv("PUBLISHING_DATABASE_URL", f"sqlite:///{tmp_path / 'publishing.db'}")  # its credentials too
    migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'publishing.db'}"))
    with personal.using(rotated):
        new_row = message(client, citizen_contact="13900000000").json
        assert client.get(f"/api/messages/{old_row['id']}/contact", headers=DEPT_STAFF).json["citizen_contact"] \
            == "13800000000"
        with app.app_context():
            assert personal.kid_of(raw(old_row["id"])[1]) == PERSONAL.current
            assert personal.kid_of(raw(new_row["id"])[1]) == rotated.current
            before = raw(new_row["id"])
        assert cli(["reseal", "--page", "1"]) == 0
        with app.app_context():
            assert all(personal.kid_of(v) == rotated.current for v in raw(old_row["id"])[:2])
            assert raw(old_row["id"])[2].startswith(rotated.current + ".")
            assert raw(new_row["id"]) == before  # already under the new key: untouched
            assert sealing.key_use(db) == {rotated.current: 4}
        assert client.get(f"/api/messages/{old_row['id']}/contact", headers=DEPT_STAFF).json["citizen_contact"] \
            == "13800000000"
    with personal.using(rotated.retired()):  # the old key can go now
        assert client.get(f"/api/messages/{old_row['id']}/contact", headers=DEPT_STAFF).status_code == 200


def _before_0019(directory: Path) -> Path:
    older = directory / "migrations-0018"
    older.mkdir()
    for f in sorted(MIGRATIONS.glob("0*.py")):
        if f.name < "0019":
            shutil.copy(f, older / f.name)
    return older


PLAIN_ROW = ('INSERT INTO "message" ("account_id", "unit_id", "unit_path", "platform", "kind", "source", "via", '
             '"citizen_handle", "citizen_contact", "text", "status", "received_at", "reply_due_at", "feedback_due_at", '
             '"keywords", "provisional", "category_confirmed", "sentiment_confirmed", "reply_text", "feedback_text", '
             '"result_text", "revision") VALUES (1, 4, \'/1/3/4/\', \'\', \'comment\', \'staff\', \'\', {p}, {p}, '
             '\'路灯坏了\', \'received\', \'2026-10-01 08:00:00\', \'2026-10-02 08:00:00\', \'2026-10-09 00:00:00\', '
             '\'\', {f}, {f}, {f}, \'\', \'\', \'\', 1)')


def _migration_then_the_job_seal_plain_rows(url: str, tmp_path: Path) -> None:
    """0019 changes the schema only (no rewrite, no long lock); the worker's job seals the rows
    from before, a page a transaction, found by the partial indexes; a run after the last finds none."""
    spec = spec_of("inquiry")
    from govmb.service import ensure_database
    ensure_database(spec, settings_for("inquiry", url))
    with spec.db.connection_context():
        Runner(spec.db, str(_before_0019(tmp_path))).up()
        false = "false" if "postgres" in url else "0"
        for i in range(5):  # more than one page of two
            spec.db.execute_sql(PLAIN_ROW.format(p=spec.db.param, f=false), (f"@旧居民{i}", f"1380000000{i}" if i else ""))
        Runner(spec.db, str(MIGRATIONS)).up()
        read = 'SELECT "citizen_handle", "citizen_contact", "citizen_contact_hash" FROM "message" ORDER BY "id"'
        assert spec.db.execute_sql(read).fetchall()[1][:2] == ("@旧居民1", "13800000001")  # as they were, for now
        if "postgres" in url:  # the job's query is one the partial index answers (its predicate, as written)
            spec.db.execute_sql("SET enable_seqscan = off")
            plan = spec.db.execute_sql("EXPLAIN " + sealing.PLAIN.format(c="citizen_handle", p="%s"), ("pd1.%", 2))
            assert "message_plain_handle" in " ".join(r[0] for r in plan.fetchall())
            spec.db.execute_sql("SET enable_seqscan = on")
        assert sealing.seal_plain(spec.db, PERSONAL, page=2, pages=1) == 4  # a page of each column a run
        assert sealing.seal_plain(spec.db, PERSONAL, page=2) == 1
        assert sealing.seal_plain(spec.db, PERSONAL, page=2) == 0  # all sealed: nothing more to find
        rows = spec.db.execute_sql(read).fetchall()
    assert len(rows) == 5 and all("旧居民" not in h and "1380000000" not in c for h, c, _ in rows)
    assert [PERSONAL.open(h, "message.citizen_handle") for h, _, _ in rows] == [f"@旧居民{i}" for i in range(5)]
    assert rows[0][1] == rows[0][2] == ""  # no contact: nothing to seal or hash
    assert rows[3][2] == PERSONAL.lookup_hash("13800000003", "message.citizen_contact")


def test_the_rows_already_there_are_sealed_after_the_migration_on_sqlite(tmp_path):
    _migration_then_the_job_seal_plain_rows(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)


@pytest.mark.integration
def test_the_rows_already_there_are_sealed_after_the_migration_on_postgresql(pg_url, tmp_path):
    _migration_then_the_job_seal_plain_rows(pg_url, tmp_path)
    app = migrated_app("inquiry", settings_for("inquiry", pg_url))  # and the service works on it
    with app.app_context():
        apply_account_snapshot(Account)(account(1), None)
        assert Message.select().count() == 5
    client = app.test_client()
    m = message(client).json
    assert client.get(f"/api/messages/{m['id']}/contact", headers=DEPT_STAFF).json["citizen_contact"] == "13800000000"
    assert client.get("/api/messages", headers=DEPT_STAFF).json[0]["citizen_handle"].startswith("@")


def test_a_value_from_before_sealing_reads_as_written_until_the_job_seals_it(app, client):
    """A row an older release wrote while this one rolled out: plain, shown, then sealed."""
    m = message(client).json
    db.execute_sql('UPDATE "message" SET "citizen_contact" = ? WHERE "id" = ?', ("13900000009", m["id"]))
    whole = client.get(f"/api/messages/{m['id']}/contact", headers=DEPT_STAFF)
    assert whole.status_code == 200 and whole.json["citizen_contact"] == "13900000009"
    with app.app_context():
        assert sealing.seal_plain(db, PERSONAL) == 1
        assert personal.is_sealed(raw(m["id"])[1])

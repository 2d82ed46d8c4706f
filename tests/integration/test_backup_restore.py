"""Backups and restores (ops/backup.py, docs/operations.md): a running system fills every
service's database through the APIs; `python -m ops.cli backup all` dumps them; each dump,
restored by `python -m ops.cli restore` into a fresh database, holds every row of every table
(the migrations' version table, the outbox and the inbox too) and every sequence where it was;
the service started on it answers as before. On PostgreSQL and on SQLite."""
import os
import sqlite3
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg2
import pytest

from govmb.timefmt import beijing_today, last_month
from ops.backup import backup_order
from ops.embedded import EmbeddedSystem
from tests import infra
from tests.conftest import auth, wait_for
from tests.integration.test_assessment_counts import ADMIN, OFFICE, office_work, receive, release
from tests.system import SERVICES, migrated_app, settings_for, spec_of

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
# Tables each service must have filled, so that the comparison is not one of empty tables.
FILLED = {"registry": ("unit", "person", "account", "account_step", "outbox", "schema_migration"),
          "publishing": ("draft", "review_step", "publication", "monthly_figure", "directive", "directive_target",
                         "lexicon_entry", "unit", "account", "outbox", "inbox", "schema_migration"),
          "inquiry": ("message", "message_step", "transfer", "problem_notice", "unit", "account", "outbox", "inbox",
                      "schema_migration"),
          "assessment": ("post_fact", "message_fact", "directive_fact", "transfer_fact", "notice_fact",
                         "training_session", "unit", "account", "inbox", "schema_migration")}


@contextmanager
def running_system(monkeypatch, urls: dict[str, str]):
    """The embedded system (in-process bus, demo city) on the given databases."""
    for name, url in urls.items():
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", url)
    for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
        monkeypatch.delenv(var, raising=False)
    system = EmbeddedSystem(port=0).start()
    try:
        yield system
    finally:
        system.stop()


def settled(system) -> bool:
    """Every outbox sent, every queue empty and acknowledged."""
    for name in SERVICES:
        with spec_of(name).db.connection_context():
            if spec_of(name).store.backlog():
                return False
    return all(q.depth() == 0 and q.unacked() == 0 for q in system.broker.queues.values())


def fill(system) -> dict[str, tuple[str, dict, object]]:
    """Real records in every service, through the APIs; for each service, a request and the answer
    it got, to ask again of the restored service."""
    apps = {name: system.server.app.mounts[f"/{name}"].test_client() for name in SERVICES}
    reg, pub, inq, asm = (apps[name] for name in SERVICES)
    r = reg.post("/api/units", json={"name": "湾里管理局", "kind": "zone", "parent_id": 1}, headers=ADMIN)
    assert r.status_code == 201, r.json
    paths = {u["id"]: u["path"] for u in reg.get("/api/units", headers=ADMIN).json}
    picked = [{**a, "unit_path": paths[a["unit_id"]]} for a in reg.get("/api/accounts", headers=ADMIN).json
              if a["status"] == "active" and a["kind"] != "private"][:3]
    for name in ("publishing", "inquiry", "assessment"):
        wait_for(lambda: {a["id"] for a in apps[name].get("/api/accounts", headers=ADMIN).json}
                 >= {a["id"] for a in picked}, message=f"{name}'s copy of the accounts")
    for account in picked:
        release(pub, account, 2, original=True)
        receive(inq, account, 1, reply=True, resolve=True)
        receive(inq, account, 30, reply=True)
    office_work(pub, inq, picked)
    from services.publishing import figures
    with spec_of("publishing").db.connection_context():
        figures.report(last_month())
    session = asm.post("/api/training/sessions", headers=OFFICE, json={
        "kind": "course", "title": "政务微博运营与舆情应对", "held_on": beijing_today().isoformat(), "hours": 3,
        "place": "市政府第一会议室", "trainers": [{"name": "陈晓", "kind": "platform_expert", "affiliation": "新浪网"}],
        "invited_unit_ids": [picked[0]["unit_id"]], "attendees": [{"person_name": "马丽", "unit_id": picked[0]["unit_id"]}]})
    assert session.status_code == 201, session.json
    wait_for(lambda: settled(system), message="every event delivered")
    operator = auth(picked[0]["unit_id"], picked[0]["unit_path"], "operator", person=901)
    asks = {"registry": ("/api/accounts", ADMIN), "publishing": ("/api/drafts", operator),
            "inquiry": ("/api/notices", OFFICE), "assessment": (f"/api/training/sessions/{session.json['id']}", OFFICE)}
    answers = {}
    for name, (path, headers) in asks.items():
        r = apps[name].get(path, headers=headers)
        assert r.status_code == 200 and r.json, (name, r.json)
        answers[name] = (path, headers, r.json)
    return answers


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ops.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=120)


def backup_all(directory: Path) -> dict[str, Path]:
    done = cli("backup", "all", "--to", str(directory))
    assert done.returncode == 0, done.stderr
    files = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert list(files) == backup_order() and set(files) == set(SERVICES)
    for path in files.values():
        assert Path(path).parent == directory and Path(path).stat().st_mode & 0o077 == 0  # the owner's only
    return {name: Path(path) for name, path in files.items()}


def restore(service: str, source: Path, url: str, *more: str) -> subprocess.CompletedProcess:
    return cli("restore", service, "--from", str(source), *more, **{f"{service.upper()}_DATABASE_URL": url})


def pg_contents(url: str) -> dict[str, list]:
    """Every table's rows (in a stable order) and every sequence's value."""
    conn = psycopg2.connect(url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        found = {}
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT * FROM "{table}"')
            found[table] = sorted(cur.fetchall(), key=repr)
        cur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        found["(sequences)"] = sorted(cur.fetchall())
        return found
    finally:
        conn.close()


def sqlite_contents(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def assert_same(service: str, source: dict, restored: dict) -> None:
    assert sorted(restored) == sorted(source), f"{service}: the restored database has other tables"
    for table, rows in source.items():
        assert len(restored[table]) == len(rows), f"{service}.{table}: {len(restored[table])} rows, not {len(rows)}"
        assert restored[table] == rows, f"{service}.{table}: the rows differ"
    empty = [t for t in FILLED[service] if not source[t]]
    assert not empty, f"{service}: nothing was written to {empty}, so nothing was shown for them"


def ask_again(service: str, url: str, answer: tuple) -> None:
    """Start the service on the restored database and ask what the running system was asked."""
    client = migrated_app(service, settings_for(service, url)).test_client()
    path, headers, expected = answer
    r = client.get(path, headers=headers)
    assert r.status_code == 200 and r.json == expected, (service, path)


def test_every_postgresql_database_comes_back_whole_from_its_backup(postgres_server, monkeypatch, tmp_path):
    with ExitStack() as stack:
        urls = {name: stack.enter_context(infra.fresh_database(postgres_server, prefix=f"govmb_{name}"))
                for name in SERVICES}
        with running_system(monkeypatch, urls) as system:
            answers = fill(system)
        files = backup_all(tmp_path / "backups")
        assert all(f.name.endswith(".dump.sealed") and not f.read_bytes().startswith(b"PGDMP") for f in files.values())
        for name in SERVICES:
            source = pg_contents(urls[name])
            fresh = stack.enter_context(infra.fresh_database(postgres_server, prefix=f"govmb_restored_{name}"))
            done = restore(name, files[name], fresh)
            assert done.returncode == 0, done.stderr
            assert_same(name, source, pg_contents(fresh))
            ask_again(name, fresh, answers[name])

        # The registry, restored again over its restored database after a change: refused without
        # --replace (nothing changed), then with it the database is the backup's again.
        target = stack.enter_context(infra.fresh_database(postgres_server, prefix="govmb_restored_again"))
        assert restore("registry", files["registry"], target).returncode == 0
        client = migrated_app("registry", settings_for("registry", target)).test_client()
        new = client.post("/api/units", json={"name": "备份后新设单位", "kind": "zone", "parent_id": 1}, headers=ADMIN)
        assert new.status_code == 201, new.json
        source = pg_contents(urls["registry"])
        assert new.json["id"] > max(row[0] for row in source["unit"])  # the id sequence came back too
        refused = restore("registry", files["registry"], target)
        assert refused.returncode == 1 and "is not empty" in refused.stderr and "--replace" in refused.stderr
        assert len(pg_contents(target)["unit"]) == len(source["unit"]) + 1
        replaced = restore("registry", files["registry"], target, "--replace")
        assert replaced.returncode == 0, replaced.stderr
        assert_same("registry", source, pg_contents(target))


def test_every_sqlite_database_comes_back_whole_from_its_backup(monkeypatch, tmp_path):
    urls = {name: f"sqlite:///{tmp_path / 'var' / name}.db" for name in SERVICES}
    with running_system(monkeypatch, urls) as system:
        answers = fill(system)
    files = backup_all(tmp_path / "backups")
    assert all(f.name.endswith(".sqlite.sealed") for f in files.values())
    assert not any(b"SQLite format 3" in f.read_bytes() or "@市民".encode() in f.read_bytes() for f in files.values())
    for name in SERVICES:
        restored = tmp_path / "restored" / f"{name}.db"
        done = restore(name, files[name], f"sqlite:///{restored}")
        assert done.returncode == 0, done.stderr
        assert_same(name, sqlite_contents(tmp_path / "var" / f"{name}.db"), sqlite_contents(restored))
        ask_again(name, f"sqlite:///{restored}", answers[name])
    refused = restore("registry", files["registry"], f"sqlite:///{tmp_path / 'restored' / 'registry.db'}")
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    wrong = restore("registry", files["publishing"], urls["registry"].replace("sqlite:///", "postgresql://x@h/"))
    assert wrong.returncode == 1 and "is a sqlite backup" in wrong.stderr


def test_backup_all_dumps_each_consumer_before_the_services_it_consumes_from():
    from govmb.contracts import SUBSCRIPTIONS
    order = backup_order()
    assert sorted(order) == sorted(SERVICES)
    for consumer, types in SUBSCRIPTIONS.items():
        for producer in {t.split(".")[0] for t in types} - {consumer}:
            mutual = any(t.startswith(f"{consumer}.") for t in SUBSCRIPTIONS.get(producer, ()))
            assert mutual or order.index(consumer) < order.index(producer), (consumer, producer)


def test_a_pg_dump_older_than_the_server_is_refused_naming_the_client_to_install(pg_url, tmp_path):
    old = tmp_path / "bin" / "pg_dump"
    old.parent.mkdir()
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    done = cli("backup", "registry", "--to", str(tmp_path / "out"), REGISTRY_DATABASE_URL=pg_url,
               PATH=f"{old.parent}:{os.environ['PATH']}")
    conn = psycopg2.connect(pg_url)
    server = conn.server_version // 10000
    conn.close()
    assert done.returncode == 1 and f"install postgresql-client-{server}" in done.stderr, done.stderr
    assert list((tmp_path / "out").iterdir()) == []  # no file that looks like a backup

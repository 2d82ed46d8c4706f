"""Files that hold personal data: the SQLite databases (and their -wal, -shm and relay lock) and
the key files are their owner's alone; a backup is sealed (not a readable database), restores
with its key, and a damaged one or one of another key is refused with nothing changed; production
refuses to start the inquiry service without its personal data key."""
import os
import sqlite3
from unittest import mock

import pytest

from govmb.config import ConfigError, Settings
from govmb.db import open_database
from govmb.personal import DataKeys
from ops import backup


def test_sqlite_files_and_their_folder_are_the_owners_alone(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'var' / 'inquiry.db'}")
    db.connect()
    db.execute_sql("CREATE TABLE t (x TEXT)")
    db.execute_sql("INSERT INTO t VALUES ('13800000000')")
    made = sorted(p.name for p in (tmp_path / "var").iterdir())
    assert made == ["inquiry.db", "inquiry.db-shm", "inquiry.db-wal"]
    assert all((tmp_path / "var" / n).stat().st_mode & 0o777 == 0o600 for n in made)
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
    db.close()


def test_a_database_made_before_is_made_private_when_opened(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    open_database(f"sqlite:///{path}").close()
    assert path.stat().st_mode & 0o777 == 0o600


def _database(path):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE message (citizen_contact TEXT)")
        conn.execute("INSERT INTO message VALUES ('13800000000')")
    conn.close()


def test_a_backup_is_sealed_restores_with_its_key_and_a_damaged_one_changes_nothing(tmp_path):
    keys = DataKeys.generate()
    _database(tmp_path / "inquiry.db")
    made = backup.backup("inquiry", f"sqlite:///{tmp_path / 'inquiry.db'}", tmp_path / "backups", keys)
    data = made.read_bytes()
    assert made.name.endswith(".sqlite.sealed") and made.stat().st_mode & 0o777 == 0o600
    assert b"SQLite format 3" not in data and b"13800000000" not in data
    backup.restore("inquiry", f"sqlite:///{tmp_path / 'back.db'}", made, keys)
    with sqlite3.connect(tmp_path / "back.db") as conn:
        assert conn.execute("SELECT citizen_contact FROM message").fetchall() == [("13800000000",)]
    conn.close()

    damaged = tmp_path / "damaged.sealed"
    damaged.write_bytes(data[:-20] + bytes(b ^ 1 for b in data[-20:]))
    cut = tmp_path / "cut.sealed"
    cut.write_bytes(data[:len(data) // 2])
    for bad, key, words in ((damaged, keys, "does not open"), (cut, keys, "cut short"),
                            (made, DataKeys.generate(), "BACKUP_KEY_FILE does not hold")):
        with pytest.raises(backup.BackupError, match=words):
            backup.restore("inquiry", f"sqlite:///{tmp_path / 'never.db'}", bad, key)
        assert not (tmp_path / "never.db").exists()


def test_a_backup_made_before_sealing_still_restores(tmp_path):
    _database(tmp_path / "plain.sqlite")
    backup.restore("inquiry", f"sqlite:///{tmp_path / 'back.db'}", tmp_path / "plain.sqlite", DataKeys.generate())
    with sqlite3.connect(tmp_path / "back.db") as conn:
        assert conn.execute("SELECT count(*) FROM message").fetchone() == (1,)
    conn.close()


def test_production_refuses_to_start_inquiry_without_its_personal_data_key(tmp_path):
    from tests.keys import ENV
    env = {**ENV, "GOVMB_MODE": "production", "DATABASE_URL": "postgresql://inquiry_app:" + "p" * 32 + "@h/govmb",
           "AMQP_URL": "amqp://govmb_mq:" + "q" * 32 + "@h", "METRICS_TOKEN": "m" * 40,
           "REVOCATION_STORE_URI": "redis://h:6379/1"}
    env.pop("PERSONAL_DATA_KEY_FILE")
    with mock.patch.dict(os.environ, env, clear=True):
        with pytest.raises(ConfigError, match="PERSONAL_DATA_KEY_FILE"):
            Settings.from_env("inquiry")
        with pytest.raises(ConfigError, match="PERSONAL_DATA_KEY_FILE"):  # it seals the platforms' credentials
            Settings.from_env("publishing")
        assert Settings.from_env("assessment").personal_keys is None  # only inquiry, the registry and publishing hold it
        os.environ["PERSONAL_DATA_KEY_FILE"] = ENV["PERSONAL_DATA_KEY_FILE"]
        assert Settings.from_env("inquiry").personal_keys is not None
        os.environ["PERSONAL_DATA_KEY_FILE"] = str(tmp_path / "missing.keys")
        with pytest.raises(ConfigError, match="PERSONAL_DATA_KEY_FILE"):
            Settings.from_env("inquiry")

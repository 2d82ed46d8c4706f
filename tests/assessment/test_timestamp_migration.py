"""Migration 0018: the facts' times kept as ISO 8601 text become timestamps (naive UTC), the same
moments, on SQLite and on PostgreSQL; the counts then compare them as times."""
import datetime as dt

import peewee
import pytest
from playhouse.migrations import Runner

from govmb.db import open_database
from services.assessment import models
from tests.system import spec_of

BEFORE = "0017_kept_from"

ROWS = {  # as the handlers stored them before (utc_text), and one with another offset, as the cast must honour it
    "post_fact": ("draft_id, account_id, unit_id, unit_path, original, info_type, released_at, fast_track, "
                  "emergency_event_at, day, text, reviews",
                  [(1, 7, 3, "/1/3/", True, "news", "2026-10-01T08:30:00+00:00", False, None, "2026-10-01", "", "[]"),
                   (2, 7, 3, "/1/3/", True, "news", "2026-10-02T00:15:00+08:00", False, "2026-10-01T15:00:00+00:00",
                    "2026-10-02", "", "[]")]),
    "message_fact": ("id, account_id, unit_id, unit_path, status, step, received_at, replied_at, reply_due_at, "
                     "feedback_due_at, revision, received_day",
                     [(5, 7, 3, "/1/3/", "received", "received", "2026-10-01T16:00:00+00:00", None,
                       "2026-10-02T16:00:00+00:00", "2026-10-15T16:00:00+00:00", 1, "2026-10-02")]),
    "directive_fact": ("directive_id, title, due_at, account_ids", [(9, "口径", "2026-10-03T04:00:00+00:00", "[7]")]),
    "forward_fact": ("directive_id, account_id, unit_id, unit_path, forwarded_at, on_time",
                     [(9, 7, 3, "/1/3/", "2026-10-03T03:59:59+00:00", True)]),
    "missed_deadline_fact": ("message_id, deadline, unit_id, unit_path, due_at",
                             [(5, "reply", 3, "/1/3/", "2026-10-02T16:00:00+00:00")]),
    "transfer_fact": ("transfer_id, message_id, from_unit_id, to_unit_id, to_unit_path, status, reason, at",
                      [(4, 5, 3, 6, "/1/6/", "returned", "不属本单位", "2026-10-01T17:00:00+00:00")]),
    "notice_fact": ("notice_id, unit_id, unit_path, importance, kind, status, issued_at, replied_at",
                    [(8, 3, "/1/3/", "normal", "other", "replied", "2026-10-01T02:00:00+00:00",
                      "2026-10-04T02:00:00+00:00")]),
    "account": ("id, unit_id, unit_path, name, kind, status, platforms, team, activated_at, closed_at, revision, "
                "updated_at",
                [(7, 3, "/1/3/", "南昌发布", "government", "active", "[]", "[]", "2026-09-01T00:00:00.250000+00:00",
                  None, 3, dt.datetime(2026, 9, 1))]),
}


def migrate_with_text_rows(url: str) -> peewee.Database:
    db = open_database(url)
    runner = Runner(db, str(spec_of("assessment").migrations))
    with db.connection_context():
        runner.up(target=BEFORE)
        for table, (columns, rows) in ROWS.items():
            marks = ", ".join([db.param] * len(rows[0]))
            for row in rows:
                db.execute_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)
        assert runner.up(target="0018_timestamps") == ["0018_timestamps"]
    return db


def one(model, key, *names):
    """The row with primary key `key`, only the columns named (those of version 2: a fact table
    gains columns in later migrations, which this database, migrated to 0018, does not have)."""
    return model.select(*(getattr(model, n) for n in names)).where(model._meta.primary_key == key).get()


def check_the_same_moments(db: peewee.Database) -> None:
    models.db.initialize(db)
    with db.connection_context():
        released = dict(models.PostFact.select(models.PostFact.draft_id, models.PostFact.released_at).tuples())
        assert released == {1: dt.datetime(2026, 10, 1, 8, 30), 2: dt.datetime(2026, 10, 1, 16, 15)}
        assert one(models.PostFact, 2, "emergency_event_at").emergency_event_at == dt.datetime(2026, 10, 1, 15, 0)
        assert one(models.PostFact, 1, "emergency_event_at").emergency_event_at is None
        m = one(models.MessageFact, 5, "received_at", "replied_at", "reply_due_at")
        assert (m.received_at, m.replied_at, m.reply_due_at) == (dt.datetime(2026, 10, 1, 16), None,
                                                                 dt.datetime(2026, 10, 2, 16))
        assert one(models.DirectiveFact, 9, "due_at").due_at == dt.datetime(2026, 10, 3, 4)
        assert models.ForwardFact.get().forwarded_at == dt.datetime(2026, 10, 3, 3, 59, 59)
        assert models.MissedDeadlineFact.get().due_at == dt.datetime(2026, 10, 2, 16)
        assert one(models.TransferFact, 4, "at").at == dt.datetime(2026, 10, 1, 17)
        n = one(models.NoticeFact, 8, "issued_at", "replied_at")
        assert (n.issued_at, n.replied_at) == (dt.datetime(2026, 10, 1, 2), dt.datetime(2026, 10, 4, 2))
        # the columns of version 2 only (the copy gains columns in later migrations)
        a = models.Account.select(models.Account.activated_at, models.Account.closed_at).where(
            models.Account.id == 7).get()
        assert a.activated_at.replace(microsecond=0) == dt.datetime(2026, 9, 1) and a.closed_at is None
        # compared as times in the database: the second post (00:15 in Beijing) is after 08:30 UTC of the day before
        assert models.PostFact.select(models.PostFact.draft_id).where(
            models.PostFact.released_at > dt.datetime(2026, 10, 1, 9)).count() == 1
        waiting = models.MessageFact.select().where(models.MessageFact.replied_at.is_null(),
                                                    models.MessageFact.received_at < dt.datetime(2026, 10, 1, 16, 0, 1))
        assert waiting.count() == 1
    db.close()


def test_the_facts_times_become_timestamps_on_sqlite(tmp_path):
    check_the_same_moments(migrate_with_text_rows(f"sqlite:///{tmp_path / 'a.db'}"))


@pytest.mark.integration
def test_the_facts_times_become_timestamps_on_postgresql(pg_url):
    db = migrate_with_text_rows(pg_url)
    with db.connection_context():
        types = dict(db.execute_sql("SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
                                    "WHERE column_name IN ('released_at', 'received_at', 'at', 'activated_at') "
                                    "AND table_name IN ('post_fact', 'message_fact', 'transfer_fact', 'account')").fetchall())
    assert types == {"post_fact.released_at": "timestamp without time zone",
                     "message_fact.received_at": "timestamp without time zone",
                     "transfer_fact.at": "timestamp without time zone",
                     "account.activated_at": "timestamp without time zone"}
    check_the_same_moments(db)

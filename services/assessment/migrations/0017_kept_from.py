"""Kept figures hold from a moment of their own (services/assessment/kept.py): each settled
month's snapshot records the moment from which it equals the count from the facts (the month's
end, or its last deadline if later), so that a check as of the next month's end reads it too.
The snapshots counted before get theirs here, from the facts (a range of the received-day index
per month)."""
import calendar
import datetime as dt

from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(migrator.add_column("figure_month", "holds_from", DateTimeField(null=True)))
    for (month,) in db.execute_sql("SELECT month FROM figure_month WHERE snapshot_version >= 0").fetchall():
        year, number = int(month[:4]), int(month[5:7])
        end = dt.datetime(year + number // 12, number % 12 + 1, 1) - dt.timedelta(hours=8)  # Beijing midnight, in UTC
        first, last = f"{month}-01", f"{month}-{calendar.monthrange(year, number)[1]:02d}"
        dues = db.execute_sql("SELECT MAX(reply_due_at), MAX(feedback_due_at), MAX(verification_due_at) "
                              f"FROM message_fact WHERE received_day BETWEEN {db.param} AND {db.param}",
                              (first, last)).fetchone()
        latest = max([end, *(dt.datetime.fromisoformat(d).astimezone(dt.timezone.utc).replace(tzinfo=None)
                             for d in dues if d)])
        db.execute_sql(f"UPDATE figure_month SET holds_from = {db.param} WHERE month = {db.param}", (latest, month))

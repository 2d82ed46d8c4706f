"""The reminders said (issue 17): one row per dormancy, fix date and shift, claimed before its event
goes out (govmb/reminders.py); and the index of the accounts' last-post days the dormancy reminder
ranges over (a small table: one row an account)."""
from govmb.reminders import create_sent_table_v1


def up(migrator, db):
    create_sent_table_v1(db)
    db.execute_sql("CREATE INDEX IF NOT EXISTS last_post_day ON last_post (day)")

"""The reminders said (issue 17): one row per directive target, claimed before its event
goes out (govmb/reminders.py)."""
from govmb.reminders import create_sent_table_v1


def up(migrator, db):
    create_sent_table_v1(db)

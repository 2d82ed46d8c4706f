"""The reminders said (issue 17): one row per message, deadline and handling unit, claimed before
its event goes out (govmb/reminders.py); and the index the reminder queries range over (a status,
its deadlines in the next hours), built CONCURRENTLY on PostgreSQL (outside a transaction:
`atomic = False`) so that intake goes on while it builds."""
from govmb.db import is_postgres
from govmb.reminders import create_sent_table_v1

atomic = False


def up(migrator, db):
    create_sent_table_v1(db)
    concurrently = "CONCURRENTLY " if is_postgres(db) else ""
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS message_status_due_at ON message (status, due_at)")

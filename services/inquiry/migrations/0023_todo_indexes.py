"""The to-do counts (services/inquiry/todo.py): a unit's open messages by deadline, transfers
waiting for a unit or returned to it, notices a unit has not answered. Built CONCURRENTLY on PostgreSQL: the tables
stay writable while the indexes build."""
from govmb.db import is_postgres

atomic = False  # CONCURRENTLY runs outside a transaction


def up(migrator, db):
    concurrently = "CONCURRENTLY " if is_postgres(db) else ""
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS message_unit_id_due_at ON message (unit_id, due_at)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS transfer_to_unit_id_status ON transfer (to_unit_id, status)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS transfer_from_unit_id_status ON transfer (from_unit_id, status)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS problem_notice_unit_id_status ON problem_notice (unit_id, status)")

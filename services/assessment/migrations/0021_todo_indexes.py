"""The to-do counts (services/assessment/todo.py): a unit's owed fixes by deadline, the reports
waiting for review, a unit's shifts today. Built CONCURRENTLY on PostgreSQL: the tables
stay writable while the indexes build."""
from govmb.db import is_postgres

atomic = False  # CONCURRENTLY runs outside a transaction


def up(migrator, db):
    concurrently = "CONCURRENTLY " if is_postgres(db) else ""
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS inspection_unit_id_status_fix_by ON inspection (unit_id, status, fix_by)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS duty_shift_unit_id_ends_at ON duty_shift (unit_id, ends_at)")

"""The to-do counts (services/registry/todo.py): a unit's accounts in a state, and the filings
waiting from the units below a unit (its parent's index serves the join). Built CONCURRENTLY on PostgreSQL: the tables
stay writable while the indexes build."""
from govmb.db import is_postgres

atomic = False  # CONCURRENTLY runs outside a transaction


def up(migrator, db):
    concurrently = "CONCURRENTLY " if is_postgres(db) else ""
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS account_status_unit_id ON account (status, unit_id)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS unit_parent_id ON unit (parent_id)")

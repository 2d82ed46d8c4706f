"""The to-do counts (services/publishing/todo.py): a unit's drafts in a status, the open
emergencies, and the directives' targets a unit has not forwarded yet. Built CONCURRENTLY on PostgreSQL: the tables
stay writable while the indexes build."""
from govmb.db import is_postgres

atomic = False  # CONCURRENTLY runs outside a transaction


def up(migrator, db):
    concurrently = "CONCURRENTLY " if is_postgres(db) else ""
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS draft_unit_id_status ON draft (unit_id, status)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS draft_info_type_status ON draft (info_type, status)")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS directive_target_unit_id_forwarded_at "
                   "ON directive_target (unit_id, forwarded_at)")
    # the joint-meeting office's count: every target of the city not yet forwarded
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS directive_target_forwarded_at ON directive_target (forwarded_at)")

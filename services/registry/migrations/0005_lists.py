"""Lists at a city's size: indexes for sight (a unit and the units below it) and the orders the
lists page in."""
from govmb.textsearch import prefix_index


def up(migrator, db):
    prefix_index(db, "unit", "path")
    prefix_index(db, "audit_entry", "unit_path")
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_unit_id_id ON account (unit_id, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS person_unit_id_id ON person (unit_id, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_name_id ON account (name, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_activated_at_id ON account (activated_at, id)")

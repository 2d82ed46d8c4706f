"""The to-do counts (services/registry/todo.py): a unit's accounts in a state, and the filings
waiting from the units below a unit (its parent's index serves the join)."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_status_unit_id ON account (status, unit_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS unit_parent_id ON unit (parent_id)")

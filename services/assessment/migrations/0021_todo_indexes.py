"""The to-do counts (services/assessment/todo.py): a unit's owed fixes by deadline, the reports
waiting for review, a unit's shifts today."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS inspection_unit_id_status_fix_by ON inspection (unit_id, status, fix_by)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS duty_shift_unit_id_ends_at ON duty_shift (unit_id, ends_at)")

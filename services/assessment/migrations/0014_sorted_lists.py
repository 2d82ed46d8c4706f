"""The archives and the inspections sort by named keys (`sort`): each order, either way, read
along an index instead of sorting every archive in sight. The inspections' own order (overdue
first) still sorts them, a few hundred a year; the day the fix is due has its index already."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS archive_month_id ON archive (month, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS archive_unit_name_month_id ON archive (unit_name, month, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS inspection_inspected_on_id ON inspection (inspected_on, id)")

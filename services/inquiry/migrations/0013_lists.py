"""Lists at a city's size: each message's open deadline as a column (the inbox's order, served
by an index), indexes for sight (a unit and the units below it), search and the date order."""
from peewee import DateTimeField

from govmb.textsearch import bigram_index, prefix_index


def up(migrator, db):
    migrator.migrate(migrator.add_column("message", "due_at", DateTimeField(null=True)))
    db.execute_sql("UPDATE message SET due_at = CASE status WHEN 'received' THEN reply_due_at "
                   "WHEN 'replied' THEN feedback_due_at WHEN 'verifying' THEN verification_due_at END")
    db.execute_sql("CREATE INDEX IF NOT EXISTS message_due_at_id ON message (due_at, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS message_received_at_id ON message (received_at, id)")
    for table, column in (("message", "unit_path"), ("transfer", "to_unit_path"), ("transfer", "from_unit_path"),
                          ("problem_notice", "unit_path"), ("problem_notice", "issued_by_unit_path"),
                          ("account", "unit_path"), ("unit", "path"), ("audit_entry", "unit_path")):
        prefix_index(db, table, column)
    bigram_index(db, "message", "text")

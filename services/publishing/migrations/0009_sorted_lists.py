"""The lexicon and the directives sort by named keys (`sort`): each order, either way, read
along an index ending on the id instead of sorting every row. The lexicon's words have their
unique index already, which the order by word followed by the id reads."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS lexicon_entry_created_at_id ON lexicon_entry (created_at, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS directive_issued_at_id ON directive (issued_at, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS directive_due_at_id ON directive (due_at, id)")

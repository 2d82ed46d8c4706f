"""Lists at a city's size: indexes for sight (a unit and the units below it), search in the
drafts' text, and the orders the lists page in."""
from govmb.textsearch import bigram_index, prefix_index


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS draft_released_at_id ON draft (released_at, id)")
    for table, column in (("draft", "unit_path"), ("directive_target", "unit_path"), ("account", "unit_path"),
                          ("unit", "path"), ("audit_entry", "unit_path")):
        prefix_index(db, table, column)
    bigram_index(db, "draft", "text")

"""Each message's keywords, segmented once at intake: hot topics count them instead of running
the segmenter over a week of messages on every visit (a message from before keeps none, and
is segmented when read). On PostgreSQL the column comes with its default in the catalogue, at
once: peewee's migrator would fill it row by row, rewriting millions of messages and their indexes."""
from peewee import TextField

from govmb.db import is_postgres


def up(migrator, db):
    if is_postgres(db):
        db.execute_sql("ALTER TABLE message ADD COLUMN keywords TEXT NOT NULL DEFAULT ''")
    else:
        migrator.migrate(migrator.add_column("message", "keywords", TextField(default="")))

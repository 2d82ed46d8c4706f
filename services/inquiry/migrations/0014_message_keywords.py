"""Each message's keywords, segmented once at intake: hot topics count them instead of running
the segmenter over a week of messages on every visit (a message from before keeps none, and
is segmented when read)."""
from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("message", "keywords", TextField(default="")))

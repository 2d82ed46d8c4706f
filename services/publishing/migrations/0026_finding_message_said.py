"""Issue 21: a finding keeps its words' message and values (govmb.messages.kept_json) beside the
Chinese it stores, so the writer and each reviewer read it in their own language whoever's request
found it; the findings before it keep their Chinese."""
from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("finding", "message_said", TextField(null=True)))

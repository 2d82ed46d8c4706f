"""A draft may publish the result of a citizen's message (X10): one draft per message."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("draft", "answers_message_id", IntegerField(null=True)),
        migrator.add_index("draft", ("answers_message_id",), True),
    )

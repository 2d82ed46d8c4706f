"""Whether staff confirmed a message's category and sentiment (the classifier learns from those)."""
from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("message", "category_confirmed", BooleanField(default=False)),
        migrator.add_column("message", "sentiment_confirmed", BooleanField(default=False)),
        migrator.add_index("message", ("received_at",), False),
    )

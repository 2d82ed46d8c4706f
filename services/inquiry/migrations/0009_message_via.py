"""The client system a message came through (a 12345 hotline's system, a platform's webhook)."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("message", "via", CharField(max_length=50, default="")))

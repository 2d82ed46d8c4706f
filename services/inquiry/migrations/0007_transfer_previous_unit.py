"""A transfer remembers the unit that handled the message before it, to give it back on a return."""
from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("transfer", "previous_unit_id", IntegerField(null=True)),
        migrator.add_column("transfer", "previous_unit_path", CharField(max_length=255, null=True)),
    )

"""The unit of whoever took each step of a message (issue 17: the handling history names the
unit and the person). Nullable: the steps from before keep none; on PostgreSQL a nullable column
without a default is added in the catalogue alone, without rewriting the table."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("message_step", "actor_unit_id", IntegerField(null=True)))

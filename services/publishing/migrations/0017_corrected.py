"""A post corrected (更正, X20.6; issue 17): the original keeps which correction corrected it and
when, set when the correction is released. Nullable columns without defaults: on PostgreSQL
added in the catalogue alone, without rewriting the drafts."""
from peewee import DateTimeField, IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("draft", "corrected_by_id", IntegerField(null=True)),
                     migrator.add_column("draft", "corrected_at", DateTimeField(null=True)))

"""Issue 19: citizens' ratings of resolved messages (N19), as inquiry reports them, and their
counts in the kept and the recent figures (columns with a constant default: on PostgreSQL a
change of the catalogue alone, no rewrite of the tables)."""
from peewee import CharField, DateTimeField, IntegerField, Model

from govmb.db import is_postgres

COLUMNS = ("ratings", "ratings_satisfied", "ratings_basically")


def up(migrator, db):
    migrator.migrate(*(migrator.add_column(table, column, IntegerField(default=0))
                       for table in ("kept_figure", "recent_figure")
                       for column in COLUMNS))
    if is_postgres(db):  # the defaults kept by the database too: a process of the release before inserts without them
        for table in ("kept_figure", "recent_figure"):
            db.execute_sql(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} SET DEFAULT 0" for c in COLUMNS))

    class RatingFact(Model):
        message_id = IntegerField(primary_key=True)
        account_id = IntegerField(index=True)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        rating = CharField(max_length=20)
        rated_at = DateTimeField()
        rated_day = CharField(max_length=10, index=True)

        class Meta:
            database = db
            table_name = "rating_fact"

    db.create_tables([RatingFact], safe=True)

"""One number that every entry into the calendar raises, so a process knows when to load it again."""
from peewee import BigIntegerField, IntegerField, Model


def up(migrator, db):
    class CalendarVersion(Model):
        """Raised in the same transaction as every calendar entry (days or a year's flag)."""
        id = IntegerField(primary_key=True)
        version = BigIntegerField(default=0)

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([CalendarVersion])
    CalendarVersion.insert(id=1, version=0).execute()

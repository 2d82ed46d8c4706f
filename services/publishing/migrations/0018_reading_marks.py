"""The principal leaders' daily reading marks (X18), and the index the day's posts of a unit are
counted by."""
import datetime as dt

from peewee import CharField, DateField, DateTimeField, IntegerField, Model


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class ReadingMark(Model):
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        day = DateField(index=True)
        person_id = IntegerField()
        person_name = CharField(max_length=50)
        posts = IntegerField()
        marked_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "reading_mark"
            indexes = ((("unit_id", "day", "person_id"), True),)

    db.create_tables([ReadingMark], safe=True)
    db.execute_sql("CREATE INDEX IF NOT EXISTS draft_unit_id_released_at ON draft (unit_id, released_at)")

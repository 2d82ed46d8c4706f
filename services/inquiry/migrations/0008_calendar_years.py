"""A year's notice is marked complete by the office: until then the year stays provisional."""
import datetime

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model


def up(migrator, db):
    class CalendarYear(Model):
        """Whether the office has entered a year's whole notice: until then the year's deadlines
        stay provisional, however many of its days were entered."""
        year = IntegerField(primary_key=True)
        notice_complete = BooleanField(default=False)
        set_by = CharField(max_length=50)
        set_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([CalendarYear])

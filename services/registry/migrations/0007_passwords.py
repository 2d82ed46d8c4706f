"""Passwords (issue 15): when each was last changed (it expires), whether the administrator
reset it (its holder must change it), and each person's previous passwords (hashes)."""
import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, Model

from govmb.db import is_postgres


def up(migrator, db):
    now = dt.datetime.utcnow()
    migrator.migrate(migrator.add_column("person", "password_changed_at", DateTimeField(default=now)),
                     migrator.add_column("person", "must_change_password", BooleanField(default=False)))

    class Person(Model):
        class Meta:
            database = db
            table_name = "person"

    class PasswordHistory(Model):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        password_hash = CharField(max_length=255)
        replaced_at = DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "password_history"

    db.create_tables([PasswordHistory])
    if is_postgres(db):  # rows written by SQL alone (a bulk load, a test's fill) get them too
        db.execute_sql("ALTER TABLE person ALTER COLUMN password_changed_at SET DEFAULT (now() AT TIME ZONE 'utc'), "
                       "ALTER COLUMN must_change_password SET DEFAULT false")

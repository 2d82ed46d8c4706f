"""Sign-in sessions (issue 15): short tokens renewed through a session that a sign-out, a
timeout or a disabled person ends, everywhere at once."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = "person"

    class SignInSession(Model):
        sid = CharField(max_length=32, primary_key=True)
        person = ForeignKeyField(Person, on_delete="CASCADE")
        refresh_hash = CharField(max_length=64, unique=True)
        address = CharField(max_length=64, default="")
        user_agent = CharField(max_length=200, default="")
        created_at = DateTimeField(default=dt.datetime.utcnow)
        last_seen_at = DateTimeField(default=dt.datetime.utcnow)
        expires_at = DateTimeField()
        ended_at = DateTimeField(null=True, index=True)
        ended_reason = CharField(max_length=20, default="")

        class Meta:
            database = db
            table_name = "sign_in_session"
            indexes = ((("person", "ended_at"), False),)

    db.create_tables([SignInSession])

"""A resolved message's result, to be published on its account (X10)."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Message(Base):
        pass

    class ResultPost(Base):
        """A resolved message's result, to be published on its account (X10): asked for by staff
        on resolving it; publishing makes it a draft for the review chain and reports each step
        back (`publishing.response.changed`), the highest revision kept."""
        message = ForeignKeyField(Message, unique=True, on_delete="CASCADE")
        text = TextField()
        asked_by_id = IntegerField()
        asked_by = CharField(max_length=50)
        asked_at = DateTimeField(default=datetime.datetime.utcnow)
        draft_id = IntegerField(null=True)
        status = CharField(max_length=20, default="requested")
        reason = TextField(default="")
        links = TextField(default="[]")
        released_at = DateTimeField(null=True)
        revision = IntegerField(default=0)

    db.create_tables([ResultPost])

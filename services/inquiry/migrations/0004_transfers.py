"""Transfers (转办) of messages between units."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Message(Base):
        pass

    class Transfer(Base):
        message = ForeignKeyField(Message, on_delete="CASCADE")
        from_unit_id = IntegerField()
        from_unit_path = CharField(max_length=255)
        to_unit_id = IntegerField(index=True)
        to_unit_path = CharField(max_length=255, index=True)
        status = CharField(max_length=20, index=True)
        note = TextField(default="")
        reason = TextField(default="")
        sent_by = CharField(max_length=50)
        sent_at = DateTimeField(default=datetime.datetime.utcnow)
        answered_by = CharField(max_length=50, default="")
        answered_at = DateTimeField(null=True)

    db.create_tables([Transfer])

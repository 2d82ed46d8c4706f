"""Emergencies (X20.6): inquiry's copy of publishing's declared events, and the citizens' messages
linked to them. Frozen here."""
import datetime as dt

from peewee import CharField, DateTimeField, IntegerField, Model


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class EmergencyCopy(Model):
        id = IntegerField(primary_key=True)
        kind = CharField(max_length=30)
        kind_name = CharField(max_length=30)
        title = CharField(max_length=100)
        occurred_at = DateTimeField()
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        status = CharField(max_length=10, index=True)
        revision = IntegerField()

        class Meta:
            database = db
            table_name = "emergency_copy"

    class MessageEmergency(Model):
        message_id = IntegerField(unique=True)
        emergency_id = IntegerField(index=True)
        linked_by = CharField(max_length=50)
        linked_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "message_emergency"
            indexes = ((("emergency_id", "message_id"), False),)

    db.create_tables([EmergencyCopy, MessageEmergency], safe=True)

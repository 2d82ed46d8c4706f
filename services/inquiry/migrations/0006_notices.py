"""Problem notices (问题通报单)."""
import datetime

from peewee import CharField, DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class ProblemNotice(Model):
        title = CharField(max_length=100)
        importance = CharField(max_length=10)
        kind = CharField(max_length=30)
        content = TextField()
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        issued_by = CharField(max_length=50)
        issued_by_unit_path = CharField(max_length=255)
        issued_at = DateTimeField(default=datetime.datetime.utcnow)
        status = CharField(max_length=10, default="issued")
        reply = TextField(default="")
        replied_by = CharField(max_length=50, default="")
        replied_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([ProblemNotice])

"""Platform connections (issue 20): an account's link to a platform's API, its credentials
sealed (AES-GCM, govmb.personal), and where each kind of listening has got to."""
import datetime as dt

from peewee import CharField, DateTimeField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class PlatformConnection(Model):
        account_id = IntegerField()
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        platform = CharField(max_length=20)
        account_uid = CharField(max_length=100, default="")
        credentials = TextField(default="")
        status = CharField(max_length=10, default="connected")
        token_expires_at = DateTimeField(null=True)
        cursors = TextField(default="{}")
        polled_at = DateTimeField(null=True)
        claimed_until = DateTimeField(null=True)
        error = CharField(max_length=300, default="")
        failures = IntegerField(default=0)
        connected_by = CharField(max_length=50)
        connected_at = DateTimeField(default=_utcnow)
        revision = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "platform_connection"
            indexes = ((("account_id", "platform"), True), (("status", "polled_at"), False))

    db.create_tables([PlatformConnection], safe=True)

"""Issue 20: the status of each account's platform connections, as publishing reports them, for the
account's security record (an expired credential is warned of there)."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class PlatformLink(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        platform = CharField(max_length=20)
        status = CharField(max_length=10)
        reason = CharField(max_length=300, default="")
        revision = IntegerField()
        changed_at = DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "platform_link"
            indexes = ((("account", "platform"), True),)

    db.create_tables([PlatformLink], safe=True)

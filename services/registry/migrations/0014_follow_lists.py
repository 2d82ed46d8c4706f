"""X22 follow lists: each account's follows with the registry's judgement of them, the joint-meeting
office's register of media and experts, and the per-account count of unexplained unrelated follows."""
import datetime as dt

from peewee import SQL, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class FollowedAccount(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        platform = CharField(max_length=20)
        handle = CharField(max_length=100)
        name = CharField(max_length=100, default="")
        url = CharField(max_length=500, default="")
        kind = CharField(max_length=20)
        matched = CharField(max_length=100, default="")
        reason = TextField(default="")
        reason_by = CharField(max_length=50, default="")
        reason_at = DateTimeField(null=True)
        created_by = CharField(max_length=50)
        created_at = DateTimeField(default=dt.datetime.utcnow)
        updated_at = DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "followed_account"
            indexes = ((("account", "platform", "handle"), True), (("platform", "handle"), False),
                       (("account", "kind", "id"), False))

    class FollowRegisterEntry(Model):
        platform = CharField(max_length=20)
        handle = CharField(max_length=100)
        name = CharField(max_length=100)
        kind = CharField(max_length=10)
        url = CharField(max_length=500, default="")
        note = CharField(max_length=200, default="")
        updated_by = CharField(max_length=50)
        updated_at = DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "follow_register_entry"
            indexes = ((("platform", "handle"), True), (("kind", "id"), False))

    db.create_tables([FollowedAccount, FollowRegisterEntry])
    migrator.migrate(migrator.add_column("account", "unexplained_follows", IntegerField(default=0, constraints=[SQL("DEFAULT 0")])))  # a default in the database too
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_unexplained_follows ON account (unexplained_follows)")

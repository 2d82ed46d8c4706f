"""Notifications (issue 17): what each person is told, its deliveries by e-mail and IM robot,
and each person's preferences."""
import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = "person"

    class Notification(Model):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        key = CharField(max_length=120)
        kind = CharField(max_length=20)
        title = CharField(max_length=200)
        link_kind = CharField(max_length=20)
        link_id = IntegerField(null=True)
        due_at = DateTimeField(null=True)
        urgent = BooleanField(default=False)
        created_at = DateTimeField(default=dt.datetime.utcnow)
        read_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "notification"
            indexes = ((("person", "key"), True), (("person", "id"), False), (("read_at",), False),
                   (("created_at",), False))

    class Delivery(Model):
        notification = ForeignKeyField(Notification, on_delete="CASCADE")
        channel = CharField(max_length=10)
        target = CharField(max_length=80)
        key = CharField(max_length=120)
        state = CharField(max_length=10, default="pending")
        not_before = DateTimeField()
        attempts = IntegerField(default=0)
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        error = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "delivery"
            indexes = ((("channel", "target", "key"), True), (("notification", "channel"), False),
                       (("state", "not_before"), False))

    class NotifyPreference(Model):
        person = ForeignKeyField(Person, unique=True, on_delete="CASCADE")
        email_on = BooleanField(default=False)
        email = TextField(default="")
        webhook_on = BooleanField(default=False)
        webhook_kind = CharField(max_length=10, default="")
        webhook = TextField(default="")
        quiet_from = CharField(max_length=5, default="22:00")
        quiet_to = CharField(max_length=5, default="07:00")
        updated_at = DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "notify_preference"

    db.create_tables([Notification, Delivery, NotifyPreference])
    # the bell's count: the person's unread ones alone (both databases take a partial index)
    db.execute_sql("CREATE INDEX notification_unread ON notification (person_id, id) WHERE read_at IS NULL")

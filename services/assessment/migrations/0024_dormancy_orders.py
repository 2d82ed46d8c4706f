"""Dormant accounts (僵尸号, issue 18): the rectification orders and their steps; the indexes the
dormant list (last posts by day, an account's unanswered messages), the to-do (a unit's orders
by state and deadline) and the reminders (orders by state and deadline) read."""
import datetime as dt

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class DormancyOrder(Model):
        account_id = IntegerField(index=True)
        account_name = CharField(max_length=30)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        kinds = CharField(max_length=30)
        found = CharField(max_length=200)
        reason = TextField()
        deadline = DateField()
        status = CharField(max_length=20, default="issued")
        issued_by = CharField(max_length=50)
        issued_by_id = IntegerField()
        issued_at = DateTimeField(default=_utcnow)
        answer = TextField(default="")
        answered_by = CharField(max_length=50, default="")
        answered_at = DateTimeField(null=True)
        answered_on_time = BooleanField(null=True)
        review_comment = TextField(default="")
        reviewed_by = CharField(max_length=50, default="")
        reviewed_at = DateTimeField(null=True)
        closure_ordered_at = DateTimeField(null=True)
        closure_ordered_by = CharField(max_length=50, default="")

        class Meta:
            database = db
            table_name = "dormancy_order"

    class DormancyStep(Model):
        order = ForeignKeyField(DormancyOrder, backref="steps", on_delete="CASCADE")
        action = CharField(max_length=20)
        text = TextField(default="")
        actor_id = IntegerField()
        actor_name = CharField(max_length=50)
        at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "dormancy_step"

    db.create_tables([DormancyOrder, DormancyStep])
    for sql in (
        "CREATE INDEX IF NOT EXISTS dormancy_order_unit_id_status_deadline ON dormancy_order (unit_id, status, deadline)",
        "CREATE INDEX IF NOT EXISTS dormancy_order_status_deadline ON dormancy_order (status, deadline)",
        "CREATE INDEX IF NOT EXISTS last_post_day ON last_post (day)",
        "CREATE INDEX IF NOT EXISTS message_fact_unanswered_account ON message_fact (account_id, received_at) "
        "WHERE replied_at IS NULL",
    ):
        db.execute_sql(sql)

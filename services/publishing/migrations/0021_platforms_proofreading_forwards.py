"""Issue 19: a draft's platforms left out with the writer's reasons (N7); the proof-reading
switch per unit and city-wide (三审三校); forwards of superior and related accounts' posts made
outside a directive, with their monthly counts per account (X14, N22)."""
import datetime as dt

from peewee import SQL, BooleanField, CharField, DateTimeField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class ProofreadingSetting(Model):
        unit_id = IntegerField(unique=True)
        unit_path = CharField(max_length=255, default="")
        enabled = BooleanField(default=False)
        set_by = CharField(max_length=50, default="")
        set_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "proofreading_setting"

    class Forward(Model):
        account_id = IntegerField()
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        platform = CharField(max_length=20)
        source_account = CharField(max_length=100)
        source_url = CharField(max_length=500)
        url = CharField(max_length=500)
        forwarded_at = DateTimeField()
        recorded_by = CharField(max_length=50)
        recorded_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "forward"
            indexes = ((("account_id", "url"), True), (("forwarded_at", "id"), False),
                       (("account_id", "forwarded_at"), False))

    class ForwardCount(Model):
        account_id = IntegerField()
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        month = CharField(max_length=7, index=True)
        forwards = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "forward_count"
            indexes = ((("account_id", "month"), True),)

    db.create_tables([ProofreadingSetting, Forward, ForwardCount], safe=True)
    # a default in the database too: a row written by SQL alone (a bulk load, a restore script) is valid
    migrator.migrate(migrator.add_column("draft", "omitted", TextField(default="{}", constraints=[SQL("DEFAULT '{}'")])))

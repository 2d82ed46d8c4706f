"""Beijing days on the facts (periods count by them), a post's text and review record, a
message's kind and timeliness; the monthly archives (never updated), third-party scores
and the office's rule settings."""
import datetime as dt

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    FloatField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _day(value):
    if not value:
        return None
    when = dt.datetime.fromisoformat(value)
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone(BEIJING).date().isoformat()


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("post_fact", "day", CharField(max_length=10, default="")),
        migrator.add_column("post_fact", "text", TextField(default="")),
        migrator.add_column("post_fact", "reviews", TextField(default="[]")),
        migrator.add_column("message_fact", "kind", CharField(max_length=20, null=True)),
        migrator.add_column("message_fact", "received_day", CharField(max_length=10, default="")),
        migrator.add_column("message_fact", "replied_day", CharField(max_length=10, null=True)),
        migrator.add_column("message_fact", "reply_on_time", BooleanField(null=True)),
        migrator.add_column("message_fact", "feedback_on_time", BooleanField(null=True)),
    )
    for draft_id, released_at in db.execute_sql("SELECT draft_id, released_at FROM post_fact").fetchall():
        db.execute_sql("UPDATE post_fact SET day = %s WHERE draft_id = %s".replace("%s", db.param),
                       (_day(released_at), draft_id))
    rows = db.execute_sql("SELECT id, received_at, replied_at, reply_due_at, fed_back_at, feedback_due_at "
                          "FROM message_fact").fetchall()
    for id_, received, replied, reply_due, fed_back, feedback_due in rows:
        db.execute_sql("UPDATE message_fact SET received_day = %s, replied_day = %s, reply_on_time = %s, "
                       "feedback_on_time = %s WHERE id = %s".replace("%s", db.param),
                       (_day(received), _day(replied), None if not replied else replied <= reply_due,
                        None if not fed_back else fed_back <= feedback_due, id_))
    migrator.migrate(
        migrator.add_index("post_fact", ("day",), False),
        migrator.add_index("message_fact", ("received_day",), False),
    )

    class Archive(Model):
        unit_id = IntegerField()
        unit_name = CharField(max_length=100)
        unit_path = CharField(max_length=255, index=True)
        month = CharField(max_length=7)
        pdf = BlobField()
        summary = TextField()
        sha256 = CharField(max_length=64)
        chain = CharField(max_length=64)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "archive"
            indexes = ((("unit_id", "month"), True),)

    class ThirdPartyScore(Model):
        quarter = CharField(max_length=7)
        unit_id = IntegerField()
        evaluator = CharField(max_length=50)
        score = FloatField()
        remark = CharField(max_length=200, default="")
        imported_by = CharField(max_length=50)
        imported_at = DateTimeField()

        class Meta:
            database = db
            table_name = "third_party_score"
            primary_key = CompositeKey("quarter", "unit_id", "evaluator")

    class RuleSetting(Model):
        key = CharField(max_length=50, primary_key=True)
        value = TextField()
        updated_by = CharField(max_length=50)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "rule_setting"

    db.create_tables([Archive, ThirdPartyScore, RuleSetting])
    # An archive is never changed once written: the database itself refuses an UPDATE.
    if isinstance(getattr(db, "obj", None) or db, PostgresqlDatabase):
        db.execute_sql("CREATE FUNCTION archive_is_final() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       "BEGIN RAISE EXCEPTION 'archive rows are never updated'; END $$")
        db.execute_sql("CREATE TRIGGER archive_final BEFORE UPDATE ON archive "
                       "FOR EACH ROW EXECUTE FUNCTION archive_is_final()")
    else:
        db.execute_sql("CREATE TRIGGER archive_final BEFORE UPDATE ON archive "
                       "BEGIN SELECT RAISE(ABORT, 'archive rows are never updated'); END")

"""Issue 19 (X20.4): the monthly archive files the texts. A post's platforms; the citizens'
messages' texts and answers and the problem notices' texts and answers, masked by inquiry before
they leave (`inquiry.message.archive_text`, `inquiry.notice.archive_text`); indexes for the
archive's pages of a unit-month."""
from peewee import CharField, DateTimeField, IntegerField, Model, TextField

from govmb.db import is_postgres


def up(migrator, db):
    migrator.migrate(migrator.add_column("post_fact", "platforms", TextField(default="[]")))
    if is_postgres(db):  # a process of the release before inserts posts without the column
        db.execute_sql("ALTER TABLE post_fact ALTER COLUMN platforms SET DEFAULT '[]'")
    db.execute_sql("CREATE INDEX IF NOT EXISTS post_fact_unit_id_released_at_draft_id "
                   "ON post_fact (unit_id, released_at, draft_id)")

    class MessageText(Model):
        id = IntegerField(primary_key=True)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255)
        account_id = IntegerField()
        category = CharField(max_length=20, default="")
        kind = CharField(max_length=20, default="")
        received_at = DateTimeField()
        handle = CharField(max_length=100, default="")
        contact = CharField(max_length=100, default="")
        text = TextField()
        answer = TextField(default="")
        status = CharField(max_length=20)
        revision = IntegerField()

        class Meta:
            database = db
            table_name = "message_text"
            indexes = ((("unit_id", "category", "received_at", "id"), False),)

    class NoticeText(Model):
        notice_id = IntegerField(primary_key=True)
        unit_id = IntegerField()
        title = CharField(max_length=100)
        content = TextField()
        issued_by = CharField(max_length=50, default="")
        reply = TextField(default="")
        replied_by = CharField(max_length=50, default="")
        status = CharField(max_length=10)

        class Meta:
            database = db
            table_name = "notice_text"

    db.create_tables([MessageText, NoticeText])

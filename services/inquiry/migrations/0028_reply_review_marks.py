"""Issue 19: replies held for review (N6, X21) and what staff say of a message (sensitive,
invalid, merged into a main message: G19.2), each in a table of its own (no column added to
`message`, whose rows a city counts in millions)."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Message(Base):
        id = IntegerField(primary_key=True)

        class Meta:
            table_name = "message"

    class MessageMarks(Base):
        message = ForeignKeyField(Message, primary_key=True, on_delete="CASCADE")
        unit_id = IntegerField()
        unit_path = CharField(max_length=255)
        sensitive = BooleanField(default=False)
        sensitive_reason = TextField(default="")
        invalid_kind = CharField(max_length=20, null=True)
        invalid_reason = TextField(default="")
        invalid_by = CharField(max_length=50, default="")
        invalid_at = DateTimeField(null=True)
        duplicate_of = IntegerField(null=True, index=True)
        merged_by = CharField(max_length=50, default="")
        merged_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("invalid_kind", "invalid_at"), False), (("unit_path", "invalid_at"), False))

    class PendingReply(Base):
        message = ForeignKeyField(Message, on_delete="CASCADE")
        unit_id = IntegerField()
        action = CharField(max_length=20)
        text = TextField()
        needs_verification = BooleanField(default=False)
        why = TextField(default="")
        stage = CharField(max_length=10)
        status = CharField(max_length=10, default="pending")
        submitted_by_id = IntegerField()
        submitted_by = CharField(max_length=50)
        submitted_at = DateTimeField()
        checked_by = CharField(max_length=50, default="")
        checked_at = DateTimeField(null=True)
        closed_by = CharField(max_length=50, default="")
        closed_at = DateTimeField(null=True)
        reason = TextField(default="")

        class Meta:
            indexes = ((("unit_id", "status", "stage"), False), (("message", "status"), False))

    db.create_tables([MessageMarks, PendingReply], safe=True)

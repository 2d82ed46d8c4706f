"""Citizens' messages, their steps and missed deadlines; the office's calendar days."""
import datetime

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    utcnow = datetime.datetime.utcnow

    class BaseModel(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class CalendarDay(BaseModel):
        """A day of the State Council's notice, entered by the office for a year chinesecalendar
        does not cover yet (or to correct one)."""
        day = DateField(primary_key=True)
        workday = BooleanField()
        entered_by = CharField(max_length=50)
        entered_at = DateTimeField(default=utcnow)


    class Message(BaseModel):
        account_id = IntegerField(index=True)
        unit_id = IntegerField(index=True)  # the handling unit
        unit_path = CharField(max_length=255, index=True)
        platform = CharField(max_length=20, default="")
        platform_message_id = CharField(max_length=100, null=True)
        kind = CharField(max_length=20)  # comment, mention, private, forward
        source = CharField(max_length=10)  # staff, import, api, hall
        citizen_handle = CharField(max_length=100)  # personal data: only the handling unit sees it
        citizen_contact = CharField(max_length=100, default="")
        text = TextField()
        category = CharField(max_length=20, null=True)
        sentiment = CharField(max_length=10, null=True)
        status = CharField(max_length=20, index=True)
        received_at = DateTimeField()
        reply_due_at = DateTimeField(index=True)
        feedback_due_at = DateTimeField(index=True)
        verification_due_at = DateTimeField(null=True, index=True)
        provisional = BooleanField(default=False)  # a deadline falls in a year without a known notice
        replied_at = DateTimeField(null=True)
        fed_back_at = DateTimeField(null=True)
        resolved_at = DateTimeField(null=True)
        reply_text = TextField(default="")
        feedback_text = TextField(default="")
        result_text = TextField(default="")
        revision = IntegerField(default=1)

        class Meta:
            indexes = ((("platform", "platform_message_id"), True),)


    class MessageStep(BaseModel):
        message = ForeignKeyField(Message, backref="steps", on_delete="CASCADE")
        action = CharField(max_length=20)
        from_status = CharField(max_length=20, null=True)
        to_status = CharField(max_length=20)
        actor_id = IntegerField()
        actor_name = CharField(max_length=50)
        comment = TextField(default="")
        at = DateTimeField(default=utcnow)


    class MissedDeadline(BaseModel):
        """One row per deadline missed: the sweep reports each once, however often it runs."""
        message = ForeignKeyField(Message, backref="missed", on_delete="CASCADE")
        deadline = CharField(max_length=20)
        due_at = DateTimeField()
        found_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("message", "deadline"), True),)

    db.create_tables([CalendarDay, Message, MessageStep, MissedDeadline])

"""Facts reported by inquiry: messages and missed deadlines."""
from peewee import CharField, CompositeKey, IntegerField, Model


def up(migrator, db):
    class MessageFact(Model):
        """A citizen's message as inquiry last reported it; replaced only by a higher revision."""
        id = IntegerField(primary_key=True)
        account_id = IntegerField(index=True)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        category = CharField(max_length=20, null=True)
        sentiment = CharField(max_length=10, null=True)
        status = CharField(max_length=20)
        step = CharField(max_length=20)
        received_at = CharField(max_length=40)
        replied_at = CharField(max_length=40, null=True)
        fed_back_at = CharField(max_length=40, null=True)
        resolved_at = CharField(max_length=40, null=True)
        reply_due_at = CharField(max_length=40)
        feedback_due_at = CharField(max_length=40)
        verification_due_at = CharField(max_length=40, null=True)
        revision = IntegerField()

        class Meta:
            database = db
            table_name = "message_fact"


    class MissedDeadlineFact(Model):
        message_id = IntegerField()
        deadline = CharField(max_length=20)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        due_at = CharField(max_length=40)

        class Meta:
            database = db
            table_name = "missed_deadline_fact"
            primary_key = CompositeKey("message_id", "deadline")

    db.create_tables([MessageFact, MissedDeadlineFact])

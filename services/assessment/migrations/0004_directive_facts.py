"""Facts reported by publishing about unified messaging."""
from peewee import BooleanField, CharField, CompositeKey, IntegerField, Model, TextField


def up(migrator, db):
    class DirectiveFact(Model):
        directive_id = IntegerField(primary_key=True)
        title = CharField(max_length=100)
        due_at = CharField(max_length=40)
        account_ids = TextField()

        class Meta:
            database = db
            table_name = "directive_fact"

    class ForwardFact(Model):
        directive_id = IntegerField()
        account_id = IntegerField()
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        forwarded_at = CharField(max_length=40)
        on_time = BooleanField()

        class Meta:
            database = db
            table_name = "forward_fact"
            primary_key = CompositeKey("directive_id", "account_id")

    db.create_tables([DirectiveFact, ForwardFact])
